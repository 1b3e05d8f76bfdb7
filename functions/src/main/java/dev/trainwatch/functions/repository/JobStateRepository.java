package dev.trainwatch.functions.repository;

import dev.trainwatch.functions.domain.ExecutorType;
import dev.trainwatch.functions.domain.FailureReason;
import dev.trainwatch.functions.domain.JobRef;
import dev.trainwatch.functions.domain.JobStatus;
import dev.trainwatch.functions.domain.StatusChange;
import dev.trainwatch.functions.domain.WireEnum;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A job's status and execution, changed only by conditional SQL: a status moves from an expected
 * old status or not at all, so two sweeps (or a sweep and a Job event) that race store and publish
 * each change once. Runs on the reactive client, callable from any thread.
 */
@ApplicationScoped
public class JobStateRepository {

  /** Moves the job from $2 to $3 and records the change with the next seq, or does nothing. */
  private static final String TRANSITION =
      """
      WITH job AS (
        UPDATE training_jobs
        SET status = $3, last_seq = last_seq + 1, updated_at = now(),
            failure_reason = $4, status_message = $5,
            started_at = CASE WHEN $3 = 'running' THEN now() ELSE started_at END,
            finished_at = CASE WHEN $3 IN ('completed', 'failed', 'cancelled') THEN now() END
        WHERE id = $1 AND status = $2
        RETURNING last_seq, session_id, project, updated_at),
      ins AS (
        INSERT INTO status_changes (job_id, seq, old_status, new_status, reason, message, ts)
        SELECT $1, last_seq, $2, $3, $4, $5, updated_at FROM job)
      SELECT last_seq, session_id, project, updated_at FROM job
      """;

  private static final String ACTIVE =
      """
      SELECT id, session_id, status, executor_type, execution_id, created_at FROM training_jobs
      WHERE status IN ('pending', 'running') ORDER BY id
      """;

  private static final String ONE =
      """
      SELECT id, session_id, status, executor_type, execution_id, created_at FROM training_jobs
      WHERE id = $1
      """;

  private static final String CHANGES =
      """
      SELECT seq, old_status, new_status, reason, message, ts FROM status_changes
      WHERE job_id = $1 AND seq > $2 AND seq < $3 ORDER BY seq LIMIT $4
      """;

  private static final String CENSUS =
      """
      SELECT status, count(*) AS jobs, NULL::bigint AS id, NULL::float8 AS submitted, NULL::float8 AS silent
      FROM training_jobs GROUP BY status
      UNION ALL
      SELECT status, NULL, id, extract(epoch FROM now() - created_at), extract(epoch FROM now() - updated_at)
      FROM training_jobs WHERE status IN ('pending', 'running')
      """;

  private final Pool pool;

  public JobStateRepository(Pool pool) {
    this.pool = pool;
  }

  /**
   * Moves the job from {@code from} to {@code to} with the reason and message; null when the job is
   * not in {@code from} any more (someone else moved it) and nothing was stored.
   */
  public Uni<StoredTransition> transition(
      long jobId, JobStatus from, JobStatus to, FailureReason reason, String message) {
    Tuple args =
        Tuple.of(jobId, from.wireName(), to.wireName())
            .addString(reason == null ? null : reason.code())
            .addString(message);
    return pool.preparedQuery(TRANSITION)
        .execute(args)
        .map(
            rows -> {
              if (rows.size() == 0) {
                return null;
              }
              Row row = rows.iterator().next();
              return new StoredTransition(
                  row.getLong("last_seq"),
                  row.getLong("session_id"),
                  row.getString("project"),
                  row.getOffsetDateTime("updated_at").toInstant());
            });
  }

  /** Jobs that are pending or running, oldest first. */
  public Uni<List<JobRef>> active() {
    return pool.query(ACTIVE)
        .execute()
        .map(
            rows -> {
              List<JobRef> jobs = new ArrayList<>(rows.size());
              rows.forEach(row -> jobs.add(toRef(row)));
              return jobs;
            });
  }

  /** The job, or null when there is none. */
  public Uni<JobRef> find(long jobId) {
    return pool.preparedQuery(ONE)
        .execute(Tuple.of(jobId))
        .map(rows -> rows.size() == 0 ? null : toRef(rows.iterator().next()));
  }

  /**
   * When the job ended (its final status), or empty while it is pending or running; null when there
   * is no such job.
   */
  public Uni<Optional<Instant>> finishedAt(long jobId) {
    return pool.preparedQuery("SELECT finished_at FROM training_jobs WHERE id = $1")
        .execute(Tuple.of(jobId))
        .map(
            rows -> {
              if (rows.size() == 0) {
                return null;
              }
              OffsetDateTime at = rows.iterator().next().getOffsetDateTime("finished_at");
              return Optional.ofNullable(at == null ? null : at.toInstant());
            });
  }

  /** Records where the job runs. */
  public Uni<Void> setExecutionId(long jobId, String executionId) {
    return pool.preparedQuery("UPDATE training_jobs SET execution_id = $2 WHERE id = $1")
        .execute(Tuple.of(jobId, executionId))
        .replaceWithVoid();
  }

  /** The job's status changes with afterSeq &lt; seq &lt; beforeSeq, oldest first. */
  public Uni<List<StatusChange>> changesBetween(
      long jobId, long afterSeq, long beforeSeq, int most) {
    return pool.preparedQuery(CHANGES)
        .execute(Tuple.of(jobId, afterSeq, beforeSeq, most))
        .map(
            rows -> {
              List<StatusChange> changes = new ArrayList<>(rows.size());
              rows.forEach(
                  row ->
                      changes.add(
                          new StatusChange(
                              row.getLong("seq"),
                              WireEnum.fromWireName(JobStatus.class, row.getString("old_status")),
                              WireEnum.fromWireName(JobStatus.class, row.getString("new_status")),
                              row.getString("reason"),
                              row.getString("message"),
                              row.getOffsetDateTime("ts").toInstant())));
              return changes;
            });
  }

  /** How many jobs are in each status, and the ages of the active ones, in one query. */
  public Uni<JobCensus> census() {
    return pool.query(CENSUS)
        .execute()
        .map(
            rows -> {
              Map<String, Long> byStatus = new HashMap<>();
              List<JobCensus.ActiveAge> active = new ArrayList<>();
              for (Row row : rows) {
                if (row.getLong("id") == null) {
                  byStatus.put(row.getString("status"), row.getLong("jobs"));
                } else {
                  active.add(
                      new JobCensus.ActiveAge(
                          row.getLong("id"),
                          row.getString("status"),
                          row.getDouble("submitted"),
                          row.getDouble("silent")));
                }
              }
              return new JobCensus(byStatus, active);
            });
  }

  private static JobRef toRef(Row row) {
    return new JobRef(
        row.getLong("id"),
        row.getLong("session_id"),
        WireEnum.fromWireName(JobStatus.class, row.getString("status")),
        WireEnum.fromWireName(ExecutorType.class, row.getString("executor_type")),
        row.getString("execution_id"),
        row.getOffsetDateTime("created_at").toInstant());
  }
}
