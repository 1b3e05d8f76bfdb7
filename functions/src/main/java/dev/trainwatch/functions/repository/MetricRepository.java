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
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.StreamSupport;

/**
 * Metric points in PostgreSQL ({@code metric_points}, one row per point; V13__metric_points.sql).
 * Written with the reactive client rather than Hibernate because a batch of any size is one
 * statement and one round trip: arrays in, UNNEST inside.
 */
@ApplicationScoped
public class MetricRepository {

  /**
   * The seqs one row of {@code metric_blocks} summarizes (V11__metric_blocks.sql): about 1/16 of a
   * metric's values are read for a long overview. {@link #INSERT} (for the functions' batches), the
   * trigger of V13 (for any other writer's points) and {@link #SUMMARY_OF_VALUE} with {@link
   * #MERGED} (for the values a bucket's edge cuts) compute the same summary;
   * MetricOverviewExactnessIntegrationTest holds the first and last to every value, and
   * MetricOverviewIntegrationTest the trigger to a raw insert.
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
   * Every point of the batch as one row, numbered from the job's next seq (see {@link BatchSql}):
   * point i's name ids and values are the slices [$7[i], $8[i]] of $9 and $10. $11: whether the
   * batch is the trainer's own work (a metric outside {@link MetricPoint#SYSTEM_PREFIX}).
   *
   * <p>The same statement summarizes the batch into its blocks ({@code metric_blocks_add},
   * V13__metric_points.sql): value j (of $10) is of point $13[j] and of name $12[$14[j]], and the
   * values of a point follow those of the point before, so a block's first and last values are the
   * lowest and highest j of its group: plain aggregates, no sort. It sets trainwatch.blocks_kept
   * for its transaction, so the trigger that summarizes other writers' points leaves these alone.
   */
  private static final String INSERT =
      BatchSql.around(
          """
          INSERT INTO metric_points (job_id, seq, epoch, step, ts, name_ids, vals)
          SELECT $1, job.base_seq + p.point_no, p.epoch, p.step, p.ts,
                 ($9::int[])[p.first:p.last], ($10::float8[])[p.first:p.last]
          FROM job, unnest($4::int[], $5::bigint[], $6::timestamptz[], $7::int[], $8::int[])
            WITH ORDINALITY AS p(epoch, step, ts, first, last, point_no)
          """,
          "$11::boolean",
          """
          (SELECT metric_blocks_add(ARRAY(
             SELECT ROW($1, ($12::text[])[g.name_no], g.block, g.count,
                        job.base_seq + g.first_point, job.base_seq + g.last_point,
                        g.min, g.max, g.non_finite, ($10::float8[])[g.last_value],
                        ($4::int[])[g.first_point], ($5::bigint[])[g.first_point], g.ts,
                        ($4::int[])[g.last_point], ($5::bigint[])[g.last_point],
                        ($6::timestamptz[])[g.last_point])::metric_blocks
             FROM (
               SELECT v.name_no, (job.base_seq + v.point_no) / %1$d AS block,
                      count(*)::integer AS count, min(v.point_no) AS first_point,
                      max(v.point_no) AS last_point, max(v.value_no) AS last_value,
                      min(v.value) FILTER (WHERE v.value NOT IN %2$s) AS min,
                      max(v.value) FILTER (WHERE v.value NOT IN %2$s) AS max,
                      (count(*) FILTER (WHERE v.value IN %2$s))::integer AS non_finite,
                      min(($6::timestamptz[])[v.point_no]) AS ts
               FROM unnest($14::int[], $13::int[], $10::float8[])
                 WITH ORDINALITY AS v(name_no, point_no, value, value_no)
               GROUP BY v.name_no, (job.base_seq + v.point_no) / %1$d) g))
           FROM job WHERE set_config('trainwatch.blocks_kept', 'on', true) = 'on')
          """
              .formatted(BLOCK_SEQS, NON_FINITE));

  /**
   * The points after a sequence number, whole, at most $4 of them. The job's name dictionary
   * resolves their ids ({@link MetricNameDictionary}).
   */
  private static final String READ =
      """
      SELECT seq, epoch, step, ts, name_ids, vals FROM metric_points
      WHERE job_id = $1 AND seq > $2 ORDER BY seq LIMIT $3
      """;

  /**
   * The points after a sequence number that hold one of the metrics $3 (their ids $5), at most $4.
   * The (job, name, block) index of {@code metric_blocks} says which blocks of 16 seqs hold one:
   * each name's first $4 blocks after $2 (an index range scan per name, which stops there), then
   * the first $4 of those, hold $4 such points at least, and only their points are read.
   */
  // $2 is cast where it first appears: PostgreSQL types a parameter by its first use, and ($2 + 1)
  // / 16 alone would make it an integer, into which the client would fold a since past 2^31.
  private static final String READ_NAMED =
      """
      WITH b AS (
        SELECT DISTINCT nb.block FROM unnest($3::text[]) AS n(name) CROSS JOIN LATERAL (
          SELECT block FROM metric_blocks
          WHERE job_id = $1 AND name = n.name AND block >= ($2::bigint / %1$d) AND last_seq > $2
          ORDER BY block LIMIT $4) nb
        ORDER BY nb.block LIMIT $4)
      SELECT p.seq, p.epoch, p.step, p.ts, p.name_ids, p.vals
      FROM b CROSS JOIN LATERAL (
        SELECT seq, epoch, step, ts, name_ids, vals FROM metric_points
        WHERE job_id = $1 AND seq > $2 AND seq >= b.block * %1$d AND seq < b.block * %1$d + %1$d
          AND name_ids && $5::int[]) p
      ORDER BY p.seq LIMIT $4
      """
          .formatted(BLOCK_SEQS);

  /**
   * The values of metric id {@code d.id} at seqs from %1$s to %2$s, a range within one block, as
   * rows (seq, value, epoch, step, ts): one index range scan of at most 16 points (the LIMIT keeps
   * the planner from merging it into a scan of the job's points filtered by the block).
   */
  private static final String VALUES_OF_NAME =
      """
      SELECT p.seq, v.value, p.epoch, p.step, p.ts
      FROM (
        SELECT seq, epoch, step, ts, name_ids, vals FROM metric_points
        WHERE job_id = $1 AND seq >= %1$s AND seq <= %2$s ORDER BY seq LIMIT %3$d) p
        CROSS JOIN LATERAL unnest(p.name_ids, p.vals) AS v(id, value)
      WHERE v.id = d.id
      """;

  /**
   * One metric of a job in $3 buckets of equal seq width: per bucket its count, seq range, finite
   * extremes, non-finite count, last value, its first point's epoch and step with the earliest
   * time, and its last point's epoch, step and time. A block wholly inside one bucket is read as
   * its summary; only the values of the blocks a bucket's edge (or the range's) cuts through are
   * read one by one: at most 16 × ($3 + 2) values for a history of any length, plus one summary per
   * 16 seqs.
   */
  // The bounds come first: lo is the first block of the name after $4 (its first_seq, or its first
  // value after $4 when $4 cuts it) and hi the last before $5 likewise, an index probe each and at
  // most one block's points read (ORDER BY … LIMIT 1: min() and max() were planned as a pass over
  // the whole range when a job's statistics were stale). Each cut block's values are one index
  // range scan of at most 16 points (VALUES_OF_NAME). $4 and $5 are cast where they first appear,
  // so PostgreSQL types them bigint. Buckets are by integer arithmetic, so a block and its values
  // fall in the same bucket.
  private static final String OVERVIEW =
      """
      WITH d AS (SELECT array_position(metric_names, $2::text) AS id FROM training_jobs WHERE id = $1),
      edges AS (
        SELECT
          (SELECT CASE WHEN b.first_seq > $4 THEN b.first_seq ELSE (
                    SELECT v.seq FROM d CROSS JOIN LATERAL (%4$s) v WHERE v.seq > $4
                    ORDER BY v.seq LIMIT 1) END
           FROM (
             SELECT block, first_seq FROM metric_blocks
             WHERE job_id = $1 AND name = $2 AND block >= ($4::bigint / %1$d) AND last_seq > $4
             ORDER BY block LIMIT 1) b) AS lo,
          (SELECT CASE WHEN b.last_seq < $5 THEN b.last_seq ELSE (
                    SELECT v.seq FROM d CROSS JOIN LATERAL (%4$s) v WHERE v.seq < $5
                    ORDER BY v.seq DESC LIMIT 1) END
           FROM (
             SELECT block, last_seq FROM metric_blocks
             WHERE job_id = $1 AND name = $2 AND block <= ($5::bigint / %1$d) AND first_seq < $5
             ORDER BY block DESC LIMIT 1) b) AS hi),
      r AS (SELECT lo, hi FROM edges WHERE lo <= hi),
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
          SELECT v.* FROM d, r, blocks CROSS JOIN LATERAL (%5$s) v
          WHERE NOT blocks.whole) v)
      SELECT %3$s
      FROM summaries, r
      GROUP BY (first_seq - r.lo) * $3 / (r.hi + 1 - r.lo)
      ORDER BY min(first_seq)
      """
          .formatted(
              BLOCK_SEQS,
              SUMMARY_OF_VALUE,
              MERGED,
              VALUES_OF_NAME.formatted(
                  "b.block * " + BLOCK_SEQS,
                  "b.block * " + BLOCK_SEQS + " + " + (BLOCK_SEQS - 1),
                  BLOCK_SEQS),
              VALUES_OF_NAME.formatted(
                  "greatest(blocks.block * " + BLOCK_SEQS + ", r.lo)",
                  "least(blocks.block * " + BLOCK_SEQS + " + " + (BLOCK_SEQS - 1) + ", r.hi)",
                  BLOCK_SEQS));

  /**
   * The names of a job's metrics that hold a value, sorted: its dictionary, each name checked
   * against the blocks' index (a name whose batch failed after it was added holds none).
   */
  private static final String NAMES =
      """
      SELECT n FROM training_jobs j CROSS JOIN LATERAL unnest(j.metric_names) AS n
      WHERE j.id = $1 AND EXISTS (SELECT 1 FROM metric_blocks b WHERE b.job_id = $1 AND b.name = n)
      ORDER BY n
      """;

  private final Pool pool;
  private final MetricNameDictionary dictionary;

  public MetricRepository(Pool pool, MetricNameDictionary dictionary) {
    this.pool = pool;
    this.dictionary = dictionary;
  }

  /** Stores the points of {@code jobId}, once per idempotency key (null for none). */
  public Uni<BatchResult> insert(long jobId, List<MetricPoint> points, String idempotencyKey) {
    Set<String> batchNames = new LinkedHashSet<>();
    for (MetricPoint point : points) {
      batchNames.addAll(point.metrics().keySet());
    }
    return dictionary
        .covering(jobId, batchNames)
        .flatMap(
            names ->
                names == null
                    ? Uni.createFrom().item(new BatchResult(null, false))
                    : pool.preparedQuery(INSERT)
                        .execute(rows(jobId, points, idempotencyKey, names, batchNames))
                        .map(BatchSql::result));
  }

  private static Tuple rows(
      long jobId,
      List<MetricPoint> points,
      String idempotencyKey,
      MetricNameDictionary.Names names,
      Set<String> batchNames) {
    int values = points.stream().mapToInt(p -> p.metrics().size()).sum();
    Integer[] epoch = new Integer[points.size()];
    Long[] step = new Long[points.size()];
    OffsetDateTime[] ts = new OffsetDateTime[points.size()];
    Integer[] first = new Integer[points.size()];
    Integer[] last = new Integer[points.size()];
    Integer[] ids = new Integer[values];
    Double[] vals = new Double[values];
    Integer[] pointOf = new Integer[values];
    Integer[] nameOf = new Integer[values];
    List<String> local = List.copyOf(batchNames);
    Map<String, Integer> localNo = new HashMap<>();
    for (int n = 0; n < local.size(); n++) {
      localNo.put(local.get(n), n + 1);
    }
    int at = 0;
    for (int p = 0; p < points.size(); p++) {
      MetricPoint point = points.get(p);
      epoch[p] = point.epoch();
      step[p] = point.step();
      ts[p] = point.timestamp().atOffset(ZoneOffset.UTC);
      first[p] = at + 1;
      List<Map.Entry<String, Double>> metrics = new ArrayList<>(point.metrics().entrySet());
      metrics.sort((x, y) -> MetricNameDictionary.compareCodePoints(x.getKey(), y.getKey()));
      for (Map.Entry<String, Double> metric : metrics) {
        ids[at] = names.id(metric.getKey());
        vals[at] = metric.getValue();
        pointOf[at] = p + 1;
        nameOf[at] = localNo.get(metric.getKey());
        at++;
      }
      last[p] = at;
    }
    boolean training =
        batchNames.stream().anyMatch(name -> !name.startsWith(MetricPoint.SYSTEM_PREFIX));
    return Tuple.tuple()
        .addLong(jobId)
        .addInteger(points.size())
        .addString(idempotencyKey)
        .addArrayOfInteger(epoch)
        .addArrayOfLong(step)
        .addArrayOfOffsetDateTime(ts)
        .addArrayOfInteger(first)
        .addArrayOfInteger(last)
        .addArrayOfInteger(ids)
        .addArrayOfDouble(vals)
        .addBoolean(training)
        .addArrayOfString(local.toArray(String[]::new))
        .addArrayOfInteger(pointOf)
        .addArrayOfInteger(nameOf);
  }

  /**
   * Up to {@code limit} whole points of {@code jobId} with a sequence number above {@code
   * afterSeq}, in order; with {@code names}, only those metrics and only points that have one of
   * them.
   */
  public Uni<List<SequencedPoint>> read(long jobId, long afterSeq, List<String> names, int limit) {
    if (names == null || names.isEmpty()) {
      return pool.preparedQuery(READ)
          .execute(Tuple.of(jobId, afterSeq, limit))
          .flatMap(rows -> toPoints(jobId, rows, null));
    }
    Set<String> wanted = new HashSet<>(names);
    return dictionary
        .knowing(jobId, wanted)
        .flatMap(
            known -> {
              Integer[] ids =
                  wanted.stream()
                      .map(name -> known == null ? 0 : known.id(name))
                      .filter(id -> id > 0)
                      .toArray(Integer[]::new);
              if (ids.length == 0) {
                return Uni.createFrom().item(List.<SequencedPoint>of());
              }
              return pool.preparedQuery(READ_NAMED)
                  .execute(
                      Tuple.tuple()
                          .addLong(jobId)
                          .addLong(afterSeq)
                          .addArrayOfString(wanted.toArray(String[]::new))
                          .addInteger(limit)
                          .addArrayOfInteger(ids))
                  .flatMap(rows -> toPoints(jobId, rows, wanted));
            });
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
                    .map(MetricRepository::bucket)
                    .toList());
  }

  /** An overview's row (the columns of {@link #MERGED}) as its bucket. */
  static OverviewBucket bucket(Row r) {
    return new OverviewBucket(
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
        r.getOffsetDateTime("last_ts").toInstant());
  }

  /** The names of every metric {@code jobId} reported, sorted. */
  public Uni<List<String>> names(long jobId) {
    return pool.preparedQuery(NAMES)
        .execute(Tuple.of(jobId))
        .map(
            rows ->
                StreamSupport.stream(rows.spliterator(), false).map(r -> r.getString(0)).toList());
  }

  /** The rows as points, their ids named by the job's dictionary; only {@code wanted}'s names. */
  private Uni<List<SequencedPoint>> toPoints(long jobId, RowSet<Row> rows, Set<String> wanted) {
    int highest = 0;
    for (Row row : rows) {
      for (Integer id : row.getArrayOfIntegers("name_ids")) {
        highest = Math.max(highest, id);
      }
    }
    return dictionary
        .upTo(jobId, highest)
        .map(
            names -> {
              if (names == null) {
                return List.<SequencedPoint>of(); // the job was deleted since its points were read
              }
              List<SequencedPoint> points = new ArrayList<>(rows.size());
              for (Row row : rows) {
                Integer[] ids = row.getArrayOfIntegers("name_ids");
                Double[] vals = row.getArrayOfDoubles("vals");
                Map<String, Double> metrics = new LinkedHashMap<>();
                for (int i = 0; i < ids.length; i++) {
                  String name = names.name(ids[i]);
                  if (wanted == null || wanted.contains(name)) {
                    metrics.put(name, vals[i]);
                  }
                }
                MetricPoint point =
                    new MetricPoint(
                        row.getInteger("epoch"),
                        row.getLong("step"),
                        row.getOffsetDateTime("ts").toInstant(),
                        metrics);
                points.add(new SequencedPoint(row.getLong("seq"), point));
              }
              return points;
            });
  }
}
