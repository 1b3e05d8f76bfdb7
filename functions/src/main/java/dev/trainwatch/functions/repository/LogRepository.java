package dev.trainwatch.functions.repository;

import dev.trainwatch.functions.domain.LogEntry;
import dev.trainwatch.functions.domain.LogLevel;
import dev.trainwatch.functions.domain.SequencedLog;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Log entries of jobs in PostgreSQL: a batch in one statement that also takes its seq numbers. */
@ApplicationScoped
public class LogRepository {

  /** Every entry of the batch, numbered from the job's next seq (see {@link BatchSql}). */
  private static final String INSERT =
      BatchSql.around(
          """
          INSERT INTO job_logs (job_id, seq, ts, level, message)
          SELECT $1, job.base_seq + v.entry_no, v.ts, v.level, v.message
          FROM job, unnest($4::timestamptz[], $5::text[], $6::text[]) WITH ORDINALITY
            AS v(ts, level, message, entry_no)
          """,
          "true");

  private static final String READ =
      """
      SELECT seq, ts, level, message FROM job_logs
      WHERE job_id = $1 AND seq > $2 AND seq < $3 AND level = ANY($5) ORDER BY seq LIMIT $4
      """;

  private static final String TAIL =
      """
      SELECT seq, ts, level, message FROM (
        SELECT seq, ts, level, message FROM job_logs
        WHERE job_id = $1 AND seq < $2 AND level = ANY($4) ORDER BY seq DESC LIMIT $3) newest
      ORDER BY seq
      """;

  private static final String WRITTEN =
      """
      SELECT seq, ts, level, message FROM job_logs
      WHERE job_id = $1 AND ts >= $2 AND ts <= $3 AND level = ANY($5) ORDER BY ts, seq LIMIT $4
      """;

  private static final String WRITTEN_TAIL =
      """
      SELECT seq, ts, level, message FROM (
        SELECT seq, ts, level, message FROM job_logs
        WHERE job_id = $1 AND ts <= $2 AND level = ANY($4) ORDER BY ts DESC, seq DESC LIMIT $3) newest
      ORDER BY ts, seq
      """;

  private final Pool pool;

  public LogRepository(Pool pool) {
    this.pool = pool;
  }

  /** Stores the entries of {@code jobId} in order, once per idempotency key (null for none). */
  public Uni<BatchResult> insert(long jobId, List<LogEntry> entries, String idempotencyKey) {
    OffsetDateTime[] ts = new OffsetDateTime[entries.size()];
    String[] level = new String[entries.size()];
    String[] message = new String[entries.size()];
    for (int i = 0; i < entries.size(); i++) {
      LogEntry entry = entries.get(i);
      ts[i] = entry.timestamp().atOffset(ZoneOffset.UTC);
      level[i] = entry.level().name();
      message[i] = entry.message();
    }
    Tuple args =
        Tuple.tuple()
            .addLong(jobId)
            .addInteger(entries.size())
            .addString(idempotencyKey)
            .addArrayOfOffsetDateTime(ts)
            .addArrayOfString(level)
            .addArrayOfString(message);
    return pool.preparedQuery(INSERT).execute(args).map(BatchSql::result);
  }

  /** Entries with afterSeq &lt; seq &lt; beforeSeq, oldest first, at most {@code limit}. */
  public Uni<List<SequencedLog>> between(long jobId, long afterSeq, long beforeSeq, int limit) {
    return between(jobId, afterSeq, beforeSeq, LogLevel.DEBUG, limit);
  }

  /**
   * Entries at {@code minLevel} or above with afterSeq &lt; seq &lt; beforeSeq, oldest first, at
   * most {@code limit}.
   */
  public Uni<List<SequencedLog>> between(
      long jobId, long afterSeq, long beforeSeq, LogLevel minLevel, int limit) {
    return pool.preparedQuery(READ)
        .execute(Tuple.of(jobId, afterSeq, beforeSeq, limit, levelsFrom(minLevel)))
        .map(LogRepository::toEntries);
  }

  /**
   * The newest {@code limit} entries at {@code minLevel} or above below {@code beforeSeq}, oldest
   * first.
   */
  public Uni<List<SequencedLog>> tail(long jobId, long beforeSeq, LogLevel minLevel, int limit) {
    return pool.preparedQuery(TAIL)
        .execute(Tuple.of(jobId, beforeSeq, limit, levelsFrom(minLevel)))
        .map(LogRepository::toEntries);
  }

  /**
   * Entries at {@code minLevel} or above written from {@code from} to {@code to} (both included),
   * in the order they were written (then by seq), at most {@code limit}.
   */
  public Uni<List<SequencedLog>> written(
      long jobId, Instant from, Instant to, LogLevel minLevel, int limit) {
    return pool.preparedQuery(WRITTEN)
        .execute(
            Tuple.of(
                jobId,
                from.atOffset(ZoneOffset.UTC),
                to.atOffset(ZoneOffset.UTC),
                limit,
                levelsFrom(minLevel)))
        .map(LogRepository::toEntries);
  }

  /**
   * The {@code limit} entries at {@code minLevel} or above written last at or before {@code to}, in
   * the order they were written.
   */
  public Uni<List<SequencedLog>> writtenUntil(
      long jobId, Instant to, LogLevel minLevel, int limit) {
    return pool.preparedQuery(WRITTEN_TAIL)
        .execute(Tuple.of(jobId, to.atOffset(ZoneOffset.UTC), limit, levelsFrom(minLevel)))
        .map(LogRepository::toEntries);
  }

  private static String[] levelsFrom(LogLevel minLevel) {
    return Arrays.stream(LogLevel.values())
        .filter(level -> level.compareTo(minLevel) >= 0)
        .map(LogLevel::name)
        .toArray(String[]::new);
  }

  private static List<SequencedLog> toEntries(RowSet<Row> rows) {
    List<SequencedLog> entries = new ArrayList<>(rows.size());
    rows.forEach(
        row ->
            entries.add(
                new SequencedLog(
                    row.getLong("seq"),
                    new LogEntry(
                        row.getOffsetDateTime("ts").toInstant(),
                        LogLevel.valueOf(row.getString("level")),
                        row.getString("message")))));
    return entries;
  }
}
