package dev.trainwatch.functions.repository;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.trainwatch.functions.domain.MetricPoint;
import dev.trainwatch.functions.domain.SequencedPoint;
import io.quarkus.runtime.annotations.RegisterForReflection;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;

/**
 * Metric points in PostgreSQL. Written with the reactive client rather than Hibernate because a
 * batch of any size is one statement and one round trip: arrays in, UNNEST inside.
 */
@ApplicationScoped
public class MetricRepository {

  /** Every value of the batch, numbered from the job's next seq (see {@link BatchSql}). */
  private static final String INSERT =
      BatchSql.around(
          """
          INSERT INTO metric_values (job_id, seq, epoch, step, ts, name, value)
          SELECT $1, job.base_seq + v.point_no, v.epoch, v.step, v.ts, v.name, v.value
          FROM job, unnest($4::int[], $5::int[], $6::bigint[], $7::timestamptz[], $8::text[], $9::float8[])
            AS v(point_no, epoch, step, ts, name, value)
          """,
          // The SDK's machine samples alone are not the trainer's work (a hung trainer still has
          // them).
          "EXISTS (SELECT 1 FROM unnest($8::text[]) AS n(name) WHERE n.name NOT LIKE '"
              + MetricPoint.SYSTEM_PREFIX
              + "%')");

  /**
   * The points after a sequence number, whole, at most $4 of them, optionally only some metrics
   * ($3).
   */
  private static final String READ =
      """
      WITH wanted AS (
        SELECT DISTINCT seq FROM metric_values
        WHERE job_id = $1 AND seq > $2 AND ($3::text[] IS NULL OR name = ANY($3))
        ORDER BY seq LIMIT $4)
      SELECT m.seq, m.epoch, m.step, m.ts, m.name, m.value
      FROM metric_values m JOIN wanted w ON m.seq = w.seq
      WHERE m.job_id = $1 AND ($3::text[] IS NULL OR m.name = ANY($3))
      ORDER BY m.seq
      """;

  /**
   * One metric of a job in $3 buckets of equal seq width: per bucket its count, seq range, finite
   * extremes, non-finite count, last value, and its first point's epoch, step and time. Read from
   * the (job, name, seq) index in one statement, so an overview of any length costs one scan of
   * that metric's rows.
   */
  // The bounds come first (two index probes, each an end of the (job, name, seq) index), then one
  // pass over the range joined LATERAL to them:
  // a plan that joins the points to their own bounds could rescan them once per point when the
  // statistics of a job still being written are stale.
  private static final String OVERVIEW =
      """
      WITH r AS (
        SELECT
          (SELECT min(seq) FROM metric_values
           WHERE job_id = $1 AND name = $2 AND seq > $4 AND seq < $5) AS lo,
          (SELECT max(seq) FROM metric_values
           WHERE job_id = $1 AND name = $2 AND seq > $4 AND seq < $5) AS hi),
      b AS (
        SELECT m.*, width_bucket(m.seq::float8, r.lo::float8, (r.hi + 1)::float8, $3) AS bucket
        FROM r CROSS JOIN LATERAL (
          SELECT seq, epoch, step, ts, value FROM metric_values
          WHERE job_id = $1 AND name = $2 AND seq >= r.lo AND seq <= r.hi) m)
      SELECT bucket, count(*) AS count, min(seq) AS first_seq, max(seq) AS last_seq,
             min(value) FILTER (WHERE value NOT IN ('NaN', 'Infinity', '-Infinity')) AS min,
             max(value) FILTER (WHERE value NOT IN ('NaN', 'Infinity', '-Infinity')) AS max,
             count(*) FILTER (WHERE value IN ('NaN', 'Infinity', '-Infinity')) AS non_finite,
             (array_agg(value ORDER BY seq DESC))[1] AS last,
             (array_agg(epoch ORDER BY seq))[1] AS epoch,
             (array_agg(step ORDER BY seq))[1] AS step,
             min(ts) AS ts
      FROM b GROUP BY bucket ORDER BY bucket
      """;

  /**
   * The names of a job's metrics, in order: one index probe per name (a loose index scan on (job,
   * name, seq)), not a pass over every value.
   */
  private static final String NAMES =
      """
      WITH RECURSIVE n AS (
        SELECT min(name) AS name FROM metric_values WHERE job_id = $1
        UNION ALL
        SELECT (SELECT min(name) FROM metric_values WHERE job_id = $1 AND name > n.name)
        FROM n WHERE n.name IS NOT NULL)
      SELECT name FROM n WHERE name IS NOT NULL
      """;

  private final Pool pool;

  public MetricRepository(Pool pool) {
    this.pool = pool;
  }

  /** Stores the points of {@code jobId}, once per idempotency key (null for none). */
  public Uni<BatchResult> insert(long jobId, List<MetricPoint> points, String idempotencyKey) {
    int values = points.stream().mapToInt(p -> p.metrics().size()).sum();
    Integer[] pointNo = new Integer[values];
    Integer[] epoch = new Integer[values];
    Long[] step = new Long[values];
    OffsetDateTime[] ts = new OffsetDateTime[values];
    String[] name = new String[values];
    Double[] value = new Double[values];
    int row = 0;
    for (int p = 0; p < points.size(); p++) {
      MetricPoint point = points.get(p);
      OffsetDateTime at = point.timestamp().atOffset(ZoneOffset.UTC);
      for (Map.Entry<String, Double> metric : point.metrics().entrySet()) {
        pointNo[row] = p + 1;
        epoch[row] = point.epoch();
        step[row] = point.step();
        ts[row] = at;
        name[row] = metric.getKey();
        value[row] = metric.getValue();
        row++;
      }
    }
    Tuple args =
        Tuple.tuple()
            .addLong(jobId)
            .addInteger(points.size())
            .addString(idempotencyKey)
            .addArrayOfInteger(pointNo)
            .addArrayOfInteger(epoch)
            .addArrayOfLong(step)
            .addArrayOfOffsetDateTime(ts)
            .addArrayOfString(name)
            .addArrayOfDouble(value);
    return pool.preparedQuery(INSERT).execute(args).map(BatchSql::result);
  }

  /**
   * Up to {@code limit} whole points of {@code jobId} with a sequence number above {@code
   * afterSeq}, in order; with {@code names}, only those metrics and only points that have one of
   * them.
   */
  public Uni<List<SequencedPoint>> read(long jobId, long afterSeq, List<String> names, int limit) {
    String[] filter = names == null || names.isEmpty() ? null : names.toArray(String[]::new);
    return pool.preparedQuery(READ)
        .execute(
            Tuple.tuple()
                .addLong(jobId)
                .addLong(afterSeq)
                .addArrayOfString(filter)
                .addInteger(limit))
        .map(MetricRepository::toPoints);
  }

  /**
   * One bucket of a metric's overview, as the overview endpoint answers it ({@code min} and {@code
   * max} finite or null, {@code last} possibly "NaN", "Infinity" or "-Infinity").
   *
   * @param count values in it
   * @param firstSeq its first point's seq
   * @param lastSeq its last point's seq
   * @param min the lowest finite value, or null when there is none
   * @param max the highest finite value, or null when there is none
   * @param nonFinite NaN and infinite values in it
   * @param last its last value
   * @param epoch its first point's epoch
   * @param step its first point's step, or null
   * @param timestamp its first point's time
   */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  @RegisterForReflection
  public record OverviewBucket(
      long count,
      long firstSeq,
      long lastSeq,
      Double min,
      Double max,
      long nonFinite,
      double last,
      int epoch,
      Long step,
      Instant timestamp) {}

  /**
   * Metric {@code name} of {@code jobId}, its points with afterSeq &lt; seq &lt; beforeSeq, in at
   * most {@code buckets} buckets of equal seq width.
   */
  public Uni<List<OverviewBucket>> overview(
      long jobId, String name, long afterSeq, long beforeSeq, int buckets) {
    return pool.preparedQuery(OVERVIEW)
        .execute(Tuple.of(jobId, name, buckets, afterSeq, beforeSeq))
        .map(
            rows ->
                StreamSupport.stream(rows.spliterator(), false)
                    .map(
                        r ->
                            new OverviewBucket(
                                r.getLong("count"),
                                r.getLong("first_seq"),
                                r.getLong("last_seq"),
                                r.getDouble("min"),
                                r.getDouble("max"),
                                r.getLong("non_finite"),
                                r.getDouble("last"),
                                r.getInteger("epoch"),
                                r.getLong("step"),
                                r.getOffsetDateTime("ts").toInstant()))
                    .toList());
  }

  /** The names of every metric {@code jobId} reported, sorted. */
  public Uni<List<String>> names(long jobId) {
    return pool.preparedQuery(NAMES)
        .execute(Tuple.of(jobId))
        .map(
            rows ->
                StreamSupport.stream(rows.spliterator(), false).map(r -> r.getString(0)).toList());
  }

  private static List<SequencedPoint> toPoints(RowSet<Row> rows) {
    List<SequencedPoint> points = new ArrayList<>();
    long currentSeq = -1;
    Map<String, Double> metrics = null;
    for (Row row : rows) {
      long seq = row.getLong("seq");
      if (seq != currentSeq) {
        currentSeq = seq;
        metrics = new LinkedHashMap<>();
        MetricPoint point =
            new MetricPoint(
                row.getInteger("epoch"),
                row.getLong("step"),
                row.getOffsetDateTime("ts").toInstant(),
                metrics);
        points.add(new SequencedPoint(seq, point));
      }
      metrics.put(row.getString("name"), row.getDouble("value"));
    }
    return points;
  }
}
