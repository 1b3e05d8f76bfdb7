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

  /**
   * The seqs one row of {@code metric_blocks} summarizes (V11__metric_blocks.sql, whose trigger
   * keeps them): about 1/16 of a metric's values are read for a long overview. That trigger and
   * {@link #SUMMARY_OF_VALUE} with {@link #MERGED} compute the same summary, one for stored blocks
   * and one for the values a bucket's edge cuts; MetricOverviewExactnessIntegrationTest holds them
   * to every value.
   */
  static final int BLOCK_SEQS = 16;

  private static final String NON_FINITE = "('NaN', 'Infinity', '-Infinity')";

  /**
   * A value row (seq, value, epoch, step, ts) as a summary of one value: the shape of a {@code
   * metric_blocks} row and of an overview bucket, so that one aggregate ({@link #MERGED}) sums up
   * values and summaries alike.
   */
  private static final String SUMMARY_OF_VALUE =
      """
      1 AS count, seq AS first_seq, seq AS last_seq,
      CASE WHEN value NOT IN %1$s THEN value END AS min,
      CASE WHEN value NOT IN %1$s THEN value END AS max,
      CASE WHEN value IN %1$s THEN 1 ELSE 0 END AS non_finite,
      value AS last, epoch, step, ts, epoch AS last_epoch, step AS last_step, ts AS last_ts
      """
          .formatted(NON_FINITE);

  /** The aggregate of summaries (count, first_seq, …, ts) into one of the same shape. */
  private static final String MERGED =
      """
      sum(count) AS count, min(first_seq) AS first_seq, max(last_seq) AS last_seq,
      min(min) AS min, max(max) AS max, sum(non_finite) AS non_finite,
      (array_agg(last ORDER BY last_seq DESC))[1] AS last,
      (array_agg(epoch ORDER BY first_seq))[1] AS epoch,
      (array_agg(step ORDER BY first_seq))[1] AS step,
      min(ts) AS ts,
      (array_agg(last_epoch ORDER BY last_seq DESC))[1] AS last_epoch,
      (array_agg(last_step ORDER BY last_seq DESC))[1] AS last_step,
      (array_agg(last_ts ORDER BY last_seq DESC))[1] AS last_ts
      """;

  /**
   * Every value of the batch, numbered from the job's next seq (see {@link BatchSql}); the
   * database's trigger brings their blocks' summaries up to date (V11__metric_blocks.sql).
   */
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
   * extremes, non-finite count, last value, its first point's epoch and step with the earliest
   * time, and its last point's epoch, step and time. A block wholly inside one bucket is read as
   * its summary; only the values of the blocks a bucket's edge (or the range's) cuts through are
   * read one by one: at most 16 × ($3 + 2) values for a history of any length, plus one summary per
   * 16 seqs.
   */
  // The bounds come first, each an end of the (job, name, seq) index (ORDER BY … LIMIT 1: min()
  // and max() were planned as a pass over the whole range when the statistics of a job still being
  // written said it was one row). A plan that joins the points to their own bounds could rescan
  // them once per point when those statistics are stale. Likewise each cut block's values are one
  // index range scan (the LIMIT, which a block's seqs never exceed, keeps the planner from
  // turning them into one pass over the metric's values filtered by every block). Buckets are by
  // integer arithmetic, so a block and its values fall in the same bucket.
  private static final String OVERVIEW =
      """
      WITH r AS (
        SELECT
          (SELECT seq FROM metric_values
           WHERE job_id = $1 AND name = $2 AND seq > $4 AND seq < $5 ORDER BY seq LIMIT 1) AS lo,
          (SELECT seq FROM metric_values
           WHERE job_id = $1 AND name = $2 AND seq > $4 AND seq < $5 ORDER BY seq DESC LIMIT 1) AS hi),
      blocks AS (
        SELECT b.*,
               b.first_seq >= r.lo AND b.last_seq <= r.hi
                 AND (b.first_seq - r.lo) * $3 / (r.hi + 1 - r.lo)
                   = (b.last_seq - r.lo) * $3 / (r.hi + 1 - r.lo) AS whole
        FROM r CROSS JOIN LATERAL (
          SELECT block, count, first_seq, last_seq, min, max, non_finite, last, epoch, step, ts,
                 last_epoch, last_step, last_ts
          FROM metric_blocks
          WHERE job_id = $1 AND name = $2 AND block >= r.lo / %1$d AND block <= r.hi / %1$d) b),
      summaries AS (
        SELECT count, first_seq, last_seq, min, max, non_finite, last, epoch, step, ts,
               last_epoch, last_step, last_ts
        FROM blocks WHERE whole
        UNION ALL
        SELECT %2$s
        FROM (
          SELECT v.* FROM r, blocks CROSS JOIN LATERAL (
            SELECT seq, value, epoch, step, ts FROM metric_values
            WHERE job_id = $1 AND name = $2
              AND seq >= greatest(blocks.block * %1$d, r.lo)
              AND seq <= least(blocks.block * %1$d + %1$d - 1, r.hi)
            ORDER BY seq LIMIT %1$d) v
          WHERE NOT blocks.whole) v)
      SELECT %3$s
      FROM summaries, r
      GROUP BY (first_seq - r.lo) * $3 / (r.hi + 1 - r.lo)
      ORDER BY min(first_seq)
      """
          .formatted(BLOCK_SEQS, SUMMARY_OF_VALUE, MERGED);

  /**
   * The names of a job's metrics, in order: one index probe per name (a loose index scan on (job,
   * name, seq)), not a pass over every value. ORDER BY … LIMIT 1 rather than min(), which stale
   * statistics can plan as a pass.
   */
  private static final String NAMES =
      """
      WITH RECURSIVE n AS (
        (SELECT name FROM metric_values WHERE job_id = $1 ORDER BY name LIMIT 1)
        UNION ALL
        SELECT (SELECT m.name FROM metric_values m
                WHERE m.job_id = $1 AND m.name > n.name ORDER BY m.name LIMIT 1)
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
   * @param timestamp its earliest time
   * @param lastEpoch its last point's epoch
   * @param lastStep its last point's step, or null
   * @param lastTimestamp its last point's time
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
      Instant timestamp,
      int lastEpoch,
      Long lastStep,
      Instant lastTimestamp) {}

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
                                r.getOffsetDateTime("ts").toInstant(),
                                r.getInteger("last_epoch"),
                                r.getLong("last_step"),
                                r.getOffsetDateTime("last_ts").toInstant()))
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
