package dev.trainwatch.functions.repository;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trainwatch.functions.domain.MetricPoint;
import dev.trainwatch.functions.domain.SequencedPoint;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Integration: a history written with the schema of one row per value (version 12) reads back the
 * same after V13 moves it to one row per point. Values are written with version 12's statement and
 * read with its reader, as the build before V13 did; then the database is migrated and read again
 * with {@link MetricRepository}: every page of the history (whole, from a seq, by name), the names
 * and the overviews must be equal, metric order within a point included.
 */
class MetricLayoutMigrationIntegrationTest {

  /** Names a trainer may send, in an order that is neither sorted nor the same for every point. */
  private static final List<String> NAMES =
      List.of("loss", "accuracy", "Z", "é", "😀", "\uFFFD", "val/loss", "system/gpu_util", "lr");

  // Version 12's writer and readers (MetricRepository before V13), as they were.
  private static final String OLD_INSERT =
      """
      INSERT INTO metric_values (job_id, seq, epoch, step, ts, name, value)
      SELECT $1, $2 + v.point_no, v.epoch, v.step, v.ts, v.name, v.value
      FROM unnest($3::int[], $4::int[], $5::bigint[], $6::timestamptz[], $7::text[], $8::float8[])
        AS v(point_no, epoch, step, ts, name, value)
      """;

  private static final String OLD_READ =
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

  private static final String OLD_NAMES =
      """
      WITH RECURSIVE n AS (
        (SELECT name FROM metric_values WHERE job_id = $1 ORDER BY name LIMIT 1)
        UNION ALL
        SELECT (SELECT m.name FROM metric_values m
                WHERE m.job_id = $1 AND m.name > n.name ORDER BY m.name LIMIT 1)
        FROM n WHERE n.name IS NOT NULL)
      SELECT name FROM n WHERE name IS NOT NULL
      """;

  private static final String OLD_OVERVIEW =
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
          WHERE job_id = $1 AND name = $2 AND block >= r.lo / 16 AND block <= r.hi / 16) b),
      summaries AS (
        SELECT count, first_seq, last_seq, min, max, non_finite, last, epoch, step, ts,
               last_epoch, last_step, last_ts
        FROM blocks WHERE whole
        UNION ALL
        SELECT 1 AS count, seq AS first_seq, seq AS last_seq,
          CASE WHEN value NOT IN ('NaN', 'Infinity', '-Infinity') THEN value END AS min,
          CASE WHEN value NOT IN ('NaN', 'Infinity', '-Infinity') THEN value END AS max,
          CASE WHEN value IN ('NaN', 'Infinity', '-Infinity') THEN 1 ELSE 0 END AS non_finite,
          value AS last, epoch, step, ts, epoch AS last_epoch, step AS last_step, ts AS last_ts
        FROM (
          SELECT v.* FROM r, blocks CROSS JOIN LATERAL (
            SELECT seq, value, epoch, step, ts FROM metric_values
            WHERE job_id = $1 AND name = $2
              AND seq >= greatest(blocks.block * 16, r.lo)
              AND seq <= least(blocks.block * 16 + 16 - 1, r.hi)
            ORDER BY seq LIMIT 16) v
          WHERE NOT blocks.whole) v)
      SELECT
        sum(count) AS count, min(first_seq) AS first_seq, max(last_seq) AS last_seq,
        min(min) AS min, max(max) AS max, sum(non_finite) AS non_finite,
        (array_agg(last ORDER BY last_seq DESC))[1] AS last,
        (array_agg(epoch ORDER BY first_seq))[1] AS epoch,
        (array_agg(step ORDER BY first_seq))[1] AS step,
        min(ts) AS ts,
        (array_agg(last_epoch ORDER BY last_seq DESC))[1] AS last_epoch,
        (array_agg(last_step ORDER BY last_seq DESC))[1] AS last_step,
        (array_agg(last_ts ORDER BY last_seq DESC))[1] AS last_ts
      FROM summaries, r
      GROUP BY (first_seq - r.lo) * $3 / (r.hi + 1 - r.lo)
      ORDER BY min(first_seq)
      """;

  private static ScratchDatabase database;
  private static Pool pool;

  @BeforeAll
  static void database() throws SQLException {
    database = new ScratchDatabase("trainwatch_test_layout");
    pool = database.pool();
  }

  @AfterAll
  static void close() {
    database.close();
  }

  /** What one job's history answers: every read the API makes of it, as text. */
  private record Answers(List<String> reads, List<String> names, List<String> overviews) {}

  @Test
  void aHistoryWrittenBeforeTheChangeReadsBackIdentically() {
    database.flyway("12").migrate();
    long first = writeOldJob(new Random(18), 300);
    long second = writeOldJob(new Random(19), 40);
    Map<Long, Answers> before = new LinkedHashMap<>();
    for (long job : List.of(first, second)) {
      before.put(job, answers(job, r -> oldRead(job, r), this::oldNames, o -> oldOverview(job, o)));
    }

    database.flyway(null).migrate();
    MetricRepository repository =
        new MetricRepository(pool, new MetricNameDictionary(pool, 10_000));
    for (long job : List.of(first, second)) {
      Answers after =
          answers(
              job,
              read ->
                  repository.read(job, read.after, read.names, read.limit).await().indefinitely(),
              j -> repository.names(j).await().indefinitely(),
              o ->
                  repository
                      .overview(job, o.name, o.after, o.before, o.buckets)
                      .await()
                      .indefinitely());
      assertThat(after.reads()).isEqualTo(before.get(job).reads());
      assertThat(after.names()).isEqualTo(before.get(job).names());
      assertThat(after.overviews()).isEqualTo(before.get(job).overviews());
    }
    assertThat(before.get(first).reads().get(0)).contains("😀", "NaN", "Infinity", "val/loss");
  }

  private record Read(long after, List<String> names, int limit) {}

  private record Overview(String name, long after, long before, int buckets) {}

  private Answers answers(
      long job,
      Function<Read, List<SequencedPoint>> read,
      Function<Long, List<String>> names,
      Function<Overview, List<MetricRepository.OverviewBucket>> overview) {
    List<Read> reads =
        List.of(
            new Read(0, null, 10_000),
            new Read(37, null, 50),
            new Read(0, List.of("accuracy"), 40),
            new Read(120, List.of("val/loss", "😀"), 10),
            new Read(0, List.of("é", "no such metric"), 10_000),
            new Read(0, List.of("no such metric"), 100));
    List<String> overviews = new ArrayList<>();
    for (String name : NAMES) {
      overviews.add(overview.apply(new Overview(name, -1, Long.MAX_VALUE, 7)).toString());
      overviews.add(overview.apply(new Overview(name, 33, 211, 5)).toString());
    }
    return new Answers(
        reads.stream().map(r -> read.apply(r).toString()).toList(), names.apply(job), overviews);
  }

  /** A job of {@code points} points written as version 12's functions wrote them. */
  private long writeOldJob(Random random, int points) {
    long job =
        pool.query(
                """
                INSERT INTO training_jobs (model_name, framework, dataset_path, num_epochs,
                  batch_size, executor_type, status, created_at, updated_at, last_seq)
                VALUES ('m', 'f', 'd', 3, 1, 'local', 'RUNNING', now(), now(), 0) RETURNING id
                """)
            .execute()
            .await()
            .indefinitely()
            .iterator()
            .next()
            .getLong(0);
    long seq = 0;
    while (seq < points) {
      int batch = Math.min(points - (int) seq, 1 + random.nextInt(60));
      List<Integer> no = new ArrayList<>();
      List<Integer> epoch = new ArrayList<>();
      List<Long> step = new ArrayList<>();
      List<OffsetDateTime> ts = new ArrayList<>();
      List<String> name = new ArrayList<>();
      List<Double> value = new ArrayList<>();
      for (int p = 1; p <= batch; p++) {
        long s = seq + p;
        List<String> names = new ArrayList<>(NAMES);
        Collections.shuffle(names, random);
        int count = s % 100 == 0 ? names.size() : 1 + random.nextInt(4);
        for (String n : names.subList(0, count)) {
          no.add(p);
          epoch.add((int) (s / 100));
          step.add(s % 7 == 0 ? null : s * 10);
          ts.add(OffsetDateTime.of(2026, 12, 1, 0, 0, 0, 0, ZoneOffset.UTC).plusSeconds(s));
          name.add(n);
          value.add(valueFor(random));
        }
      }
      pool.preparedQuery(OLD_INSERT)
          .execute(
              Tuple.tuple()
                  .addLong(job)
                  .addLong(seq)
                  .addArrayOfInteger(no.toArray(Integer[]::new))
                  .addArrayOfInteger(epoch.toArray(Integer[]::new))
                  .addArrayOfLong(step.toArray(Long[]::new))
                  .addArrayOfOffsetDateTime(ts.toArray(OffsetDateTime[]::new))
                  .addArrayOfString(name.toArray(String[]::new))
                  .addArrayOfDouble(value.toArray(Double[]::new)))
          .await()
          .indefinitely();
      seq += batch;
    }
    pool.preparedQuery("UPDATE training_jobs SET last_seq = $2 WHERE id = $1")
        .execute(Tuple.of(job, seq))
        .await()
        .indefinitely();
    return job;
  }

  private static double valueFor(Random random) {
    return switch (random.nextInt(12)) {
      case 0 -> Double.NaN;
      case 1 -> Double.POSITIVE_INFINITY;
      case 2 -> Double.NEGATIVE_INFINITY;
      case 3 -> -0.0;
      case 4 -> 1e-300;
      default -> random.nextGaussian() * 10;
    };
  }

  private List<SequencedPoint> oldRead(long job, Read read) {
    List<SequencedPoint> points = new ArrayList<>();
    long current = -1;
    Map<String, Double> metrics = null;
    for (Row row :
        pool.preparedQuery(OLD_READ)
            .execute(
                Tuple.tuple()
                    .addLong(job)
                    .addLong(read.after)
                    .addArrayOfString(read.names == null ? null : read.names.toArray(String[]::new))
                    .addInteger(read.limit))
            .await()
            .indefinitely()) {
      long seq = row.getLong("seq");
      if (seq != current) {
        current = seq;
        metrics = new LinkedHashMap<>();
        points.add(
            new SequencedPoint(
                seq,
                new MetricPoint(
                    row.getInteger("epoch"),
                    row.getLong("step"),
                    row.getOffsetDateTime("ts").toInstant(),
                    metrics)));
      }
      metrics.put(row.getString("name"), row.getDouble("value"));
    }
    return points;
  }

  private List<String> oldNames(long job) {
    List<String> names = new ArrayList<>();
    for (Row row : pool.preparedQuery(OLD_NAMES).execute(Tuple.of(job)).await().indefinitely()) {
      names.add(row.getString(0));
    }
    return names;
  }

  private List<MetricRepository.OverviewBucket> oldOverview(long job, Overview o) {
    List<MetricRepository.OverviewBucket> buckets = new ArrayList<>();
    for (Row row :
        pool.preparedQuery(OLD_OVERVIEW)
            .execute(Tuple.of(job, o.name, o.buckets, o.after, o.before))
            .await()
            .indefinitely()) {
      buckets.add(MetricRepository.bucket(row));
    }
    return buckets;
  }
}
