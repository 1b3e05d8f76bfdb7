package dev.trainwatch.functions.repository;

import dev.trainwatch.functions.domain.Alert;
import dev.trainwatch.functions.domain.AlertRule;
import dev.trainwatch.functions.domain.MetricWatch;
import dev.trainwatch.functions.domain.WireEnum;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * What the rules remember and what they fired, in PostgreSQL. Every change locks the job's row
 * first, so two functions instances evaluating the same job take turns: a rule fires once per
 * episode, and the alerts' seqs follow the job's other events with no gap.
 */
@ApplicationScoped
public class AlertRepository {

  private static final String SETTINGS = "SELECT alert_settings FROM training_jobs WHERE id = $1";

  /** Locks the job's row (every change to its rules' state takes turns on it); answers its mark. */
  private static final String LOCK =
      "SELECT alerts_seq FROM training_jobs WHERE id = $1 FOR UPDATE";

  /**
   * Values of the watched metrics not evaluated yet, in seq order: at most {@value #MAX_SEQS} seqs.
   */
  private static final String UNEVALUATED =
      """
      SELECT p.seq, p.ts, j.metric_names[v.id] AS name, v.value
      FROM training_jobs j
        JOIN metric_points p ON p.job_id = j.id
        CROSS JOIN LATERAL unnest(p.name_ids, p.vals) AS v(id, value)
      WHERE j.id = $1 AND p.seq > $2 AND p.seq <= $2 + $4 AND j.metric_names[v.id] = ANY($3)
      ORDER BY p.seq, name
      """;

  private static final String MARK = "UPDATE training_jobs SET alerts_seq = $2 WHERE id = $1";

  /** Seqs one evaluation reads at most; the next evaluation goes on from there. */
  private static final int MAX_SEQS = 20_000;

  private static final String WATCHES =
      """
      SELECT metric, seen, best, smoothed, rising, nan_firing, nan_calm, divergence_firing,
             divergence_calm, divergence_quiet, divergence_backoff
      FROM metric_watches
      WHERE job_id = $1 AND metric = ANY($2)
      """;

  private static final String SAVE_WATCHES =
      """
      INSERT INTO metric_watches (job_id, metric, seen, best, smoothed, rising, nan_firing,
                                  nan_calm, divergence_firing, divergence_calm, divergence_quiet,
                                  divergence_backoff)
      SELECT $1, * FROM unnest($2::text[], $3::int[], $4::float8[], $5::float8[], $6::int[],
                               $7::bool[], $8::int[], $9::bool[], $10::int[], $11::int[],
                               $12::int[])
      ON CONFLICT (job_id, metric) DO UPDATE SET
        seen = EXCLUDED.seen, best = EXCLUDED.best, smoothed = EXCLUDED.smoothed,
        rising = EXCLUDED.rising, nan_firing = EXCLUDED.nan_firing,
        nan_calm = EXCLUDED.nan_calm, divergence_firing = EXCLUDED.divergence_firing,
        divergence_calm = EXCLUDED.divergence_calm,
        divergence_quiet = EXCLUDED.divergence_quiet,
        divergence_backoff = EXCLUDED.divergence_backoff
      """;

  /** The alerts $2.., numbered from the job's next seq. */
  private static final String INSERT_ALERTS =
      """
      WITH job AS (
        UPDATE training_jobs SET last_seq = last_seq + cardinality($2::text[])
        WHERE id = $1
        RETURNING last_seq - cardinality($2::text[]) AS base_seq, session_id, project)
      INSERT INTO job_alerts (job_id, seq, rule, state, metric, value, message, ts)
      SELECT $1, job.base_seq + a.n, a.rule, a.state, a.metric, a.value, a.message, a.ts
      FROM job, unnest($2::text[], $3::text[], $4::text[], $5::float8[], $6::text[],
                       $7::timestamptz[]) WITH ORDINALITY AS a(rule, state, metric, value, message, ts, n)
      RETURNING seq, (SELECT session_id FROM job) AS session_id, (SELECT project FROM job) AS project
      """;

  private static final String OPEN_EPISODE =
      "INSERT INTO alert_episodes (job_id, rule) VALUES ($1, $2) ON CONFLICT DO NOTHING";

  private static final String CLOSE_EPISODE =
      "DELETE FROM alert_episodes WHERE job_id = $1 AND rule = $2";

  /**
   * The jobs the sweep's rules look at: the active ones, and any with an open episode (to resolve
   * it when the job moved on).
   */
  private static final String SWEEP =
      """
      SELECT j.id, j.status, j.alert_settings, j.created_at,
             COALESCE(j.last_report_at, j.started_at, j.created_at) AS last_heard,
             EXISTS (SELECT 1 FROM alert_episodes e WHERE e.job_id = j.id AND e.rule = 'silent')
               AS silent_open,
             EXISTS (SELECT 1 FROM alert_episodes e WHERE e.job_id = j.id AND e.rule = 'stuck_pending')
               AS pending_open,
             (SELECT p.reason || ': ' || p.message FROM pod_events p
              WHERE p.job_id = j.id AND p.event_type = 'Warning' ORDER BY p.seq DESC LIMIT 1)
               AS cluster_says
      FROM training_jobs j
      WHERE j.status IN ('pending', 'running')
         OR EXISTS (SELECT 1 FROM alert_episodes e WHERE e.job_id = j.id)
      """;

  private static final String BETWEEN =
      """
      SELECT seq, rule, state, metric, value, message, ts FROM job_alerts
      WHERE job_id = $1 AND seq > $2 AND seq < $3 ORDER BY seq LIMIT $4
      """;

  /**
   * What the metric rules decided under the lock.
   *
   * @param watches the watches to store (new or changed)
   * @param alerts what fired or resolved, in order
   */
  public record Decision(Map<String, MetricWatch> watches, List<Alert> alerts) {}

  /**
   * One stored value of a watched metric, not evaluated yet.
   *
   * @param seq its point's seq
   * @param metric the metric
   * @param value the value
   * @param at its point's timestamp
   */
  public record Value(long seq, String metric, double value, Instant at) {}

  /** The rules' evaluation of stored values, in seq order, given the metrics' watches. */
  @FunctionalInterface
  public interface Evaluation {
    Decision evaluate(List<Value> values, Map<String, MetricWatch> watches);
  }

  /**
   * Alerts stored now, in seq order from {@code stored.firstSeq()}.
   *
   * @param stored where they start, and the job's session and project; null when there are none
   * @param alerts the alerts
   */
  public record StoredAlerts(StoredBatch stored, List<Alert> alerts) {
    static final StoredAlerts NONE = new StoredAlerts(null, List.of());
  }

  /**
   * A job the sweep's rules look at.
   *
   * @param jobId the job
   * @param status its status's wire name
   * @param settings its rules as JSON, or null
   * @param createdAt when it was submitted
   * @param lastHeard when the trainer last reported, or it started, or it was submitted
   * @param silentOpen whether a silent episode is open
   * @param pendingOpen whether a stuck_pending episode is open
   * @param clusterSays the last Warning pod event ("Reason: message"), or null
   */
  public record SweptJob(
      long jobId,
      String status,
      String settings,
      Instant createdAt,
      Instant lastHeard,
      boolean silentOpen,
      boolean pendingOpen,
      String clusterSays) {}

  /**
   * A stored alert and its seq.
   *
   * @param seq the job's event number
   * @param alert the alert
   */
  public record Sequenced(long seq, Alert alert) {}

  private final Pool pool;

  public AlertRepository(Pool pool) {
    this.pool = pool;
  }

  /** The job's rules as JSON, or null (no job, or none stored). */
  public Uni<String> settings(long jobId) {
    return pool.preparedQuery(SETTINGS)
        .execute(Tuple.of(jobId))
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getString(0));
  }

  /**
   * Evaluates the metric rules for {@code metrics} of {@code jobId} under the job's lock: reads the
   * stored values of those metrics the rules have not seen (in seq order, whichever request stored
   * them) and their watches, lets {@code evaluation} decide, stores the new watches, the alerts and
   * how far it read.
   */
  public Uni<StoredAlerts> watch(long jobId, List<String> metrics, Evaluation evaluation) {
    String[] names = metrics.toArray(String[]::new);
    return pool.withTransaction(
        connection ->
            connection
                .preparedQuery(LOCK)
                .execute(Tuple.of(jobId))
                .flatMap(
                    locked -> {
                      if (locked.size() == 0) {
                        return Uni.createFrom().item(StoredAlerts.NONE);
                      }
                      long mark = locked.iterator().next().getLong(0);
                      return connection
                          .preparedQuery(UNEVALUATED)
                          .execute(Tuple.of(jobId, mark, names, MAX_SEQS))
                          .map(AlertRepository::toValues)
                          .flatMap(
                              values ->
                                  values.isEmpty()
                                      ? Uni.createFrom().item(StoredAlerts.NONE)
                                      : evaluate(connection, jobId, names, values, evaluation));
                    }));
  }

  private static Uni<StoredAlerts> evaluate(
      SqlConnection connection,
      long jobId,
      String[] names,
      List<Value> values,
      Evaluation evaluation) {
    long read = values.get(values.size() - 1).seq();
    return connection
        .preparedQuery(WATCHES)
        .execute(Tuple.of(jobId, names))
        .map(AlertRepository::toWatches)
        .map(watches -> evaluation.evaluate(values, watches))
        .flatMap(
            decision ->
                connection
                    .preparedQuery(MARK)
                    .execute(Tuple.of(jobId, read))
                    .flatMap(marked -> save(connection, jobId, decision)));
  }

  private static List<Value> toValues(io.vertx.mutiny.sqlclient.RowSet<Row> rows) {
    List<Value> values = new ArrayList<>(rows.size());
    for (Row r : rows) {
      values.add(
          new Value(
              r.getLong("seq"),
              r.getString("name"),
              r.getDouble("value"),
              r.getOffsetDateTime("ts").toInstant()));
    }
    return values;
  }

  /**
   * Opens (an alert that fires) or closes (one that resolves) {@code alert.rule()}'s episode for
   * {@code jobId}, and stores the alert when that changed anything: a second sweep deciding the
   * same finds it done and stores nothing.
   */
  public Uni<StoredAlerts> episode(long jobId, Alert alert) {
    return pool.withTransaction(
        connection ->
            connection
                .preparedQuery(LOCK)
                .execute(Tuple.of(jobId))
                .flatMap(
                    locked ->
                        locked.size() == 0
                            ? Uni.createFrom().item(0)
                            : connection
                                .preparedQuery(alert.firing() ? OPEN_EPISODE : CLOSE_EPISODE)
                                .execute(Tuple.of(jobId, alert.rule().wireName()))
                                .map(rows -> rows.rowCount()))
                .flatMap(
                    changed ->
                        changed == 0
                            ? Uni.createFrom().item(StoredAlerts.NONE)
                            : insert(connection, jobId, List.of(alert))));
  }

  /** The jobs the sweep's rules look at. */
  public Uni<List<SweptJob>> swept() {
    return pool.query(SWEEP)
        .execute()
        .map(
            rows -> {
              List<SweptJob> jobs = new ArrayList<>();
              for (Row r : rows) {
                jobs.add(
                    new SweptJob(
                        r.getLong("id"),
                        r.getString("status"),
                        r.getString("alert_settings"),
                        r.getOffsetDateTime("created_at").toInstant(),
                        r.getOffsetDateTime("last_heard").toInstant(),
                        r.getBoolean("silent_open"),
                        r.getBoolean("pending_open"),
                        r.getString("cluster_says")));
              }
              return jobs;
            });
  }

  /** The job's stored alerts with afterSeq &lt; seq &lt; beforeSeq, at most {@code most}. */
  public Uni<List<Sequenced>> between(long jobId, long afterSeq, long beforeSeq, int most) {
    return pool.preparedQuery(BETWEEN)
        .execute(Tuple.of(jobId, afterSeq, beforeSeq, most))
        .map(
            rows -> {
              List<Sequenced> alerts = new ArrayList<>();
              for (Row r : rows) {
                alerts.add(
                    new Sequenced(
                        r.getLong("seq"),
                        new Alert(
                            WireEnum.fromWireName(AlertRule.class, r.getString("rule")),
                            "firing".equals(r.getString("state")),
                            r.getString("metric"),
                            r.getDouble("value"),
                            r.getString("message"),
                            r.getOffsetDateTime("ts").toInstant())));
              }
              return alerts;
            });
  }

  private static Map<String, MetricWatch> toWatches(io.vertx.mutiny.sqlclient.RowSet<Row> rows) {
    Map<String, MetricWatch> watches = new HashMap<>();
    for (Row r : rows) {
      watches.put(
          r.getString("metric"),
          new MetricWatch(
              r.getInteger("seen"),
              r.getDouble("best"),
              r.getDouble("smoothed"),
              r.getInteger("rising"),
              r.getBoolean("nan_firing"),
              r.getInteger("nan_calm"),
              r.getBoolean("divergence_firing"),
              r.getInteger("divergence_calm"),
              r.getInteger("divergence_quiet"),
              r.getInteger("divergence_backoff")));
    }
    return watches;
  }

  private static Uni<StoredAlerts> save(SqlConnection connection, long jobId, Decision decision) {
    List<Map.Entry<String, MetricWatch>> watches = List.copyOf(decision.watches().entrySet());
    List<MetricWatch> states = watches.stream().map(Map.Entry::getValue).toList();
    Uni<?> saved =
        watches.isEmpty()
            ? Uni.createFrom().voidItem()
            : connection
                .preparedQuery(SAVE_WATCHES)
                .execute(
                    Tuple.tuple()
                        .addLong(jobId)
                        .addArrayOfString(
                            watches.stream().map(Map.Entry::getKey).toArray(String[]::new))
                        .addArrayOfInteger(column(states, MetricWatch::seen, Integer[]::new))
                        .addArrayOfDouble(column(states, MetricWatch::best, Double[]::new))
                        .addArrayOfDouble(column(states, MetricWatch::smoothed, Double[]::new))
                        .addArrayOfInteger(column(states, MetricWatch::rising, Integer[]::new))
                        .addArrayOfBoolean(column(states, MetricWatch::nanFiring, Boolean[]::new))
                        .addArrayOfInteger(column(states, MetricWatch::nanCalm, Integer[]::new))
                        .addArrayOfBoolean(
                            column(states, MetricWatch::divergenceFiring, Boolean[]::new))
                        .addArrayOfInteger(
                            column(states, MetricWatch::divergenceCalm, Integer[]::new))
                        .addArrayOfInteger(
                            column(states, MetricWatch::divergenceQuiet, Integer[]::new))
                        .addArrayOfInteger(
                            column(states, MetricWatch::divergenceBackoff, Integer[]::new)));
    return saved.flatMap(
        done ->
            decision.alerts().isEmpty()
                ? Uni.createFrom().item(StoredAlerts.NONE)
                : insert(connection, jobId, decision.alerts()));
  }

  /** One field of every watch, as an array parameter of {@link #SAVE_WATCHES}. */
  private static <T> T[] column(
      List<MetricWatch> watches, Function<MetricWatch, T> field, IntFunction<T[]> array) {
    return watches.stream().map(field).toArray(array);
  }

  private static Uni<StoredAlerts> insert(
      SqlConnection connection, long jobId, List<Alert> alerts) {
    Tuple args =
        Tuple.tuple()
            .addLong(jobId)
            .addArrayOfString(alerts.stream().map(a -> a.rule().wireName()).toArray(String[]::new))
            .addArrayOfString(alerts.stream().map(Alert::state).toArray(String[]::new))
            .addArrayOfString(alerts.stream().map(Alert::metric).toArray(String[]::new))
            .addArrayOfDouble(alerts.stream().map(Alert::value).toArray(Double[]::new))
            .addArrayOfString(alerts.stream().map(Alert::message).toArray(String[]::new))
            .addArrayOfOffsetDateTime(
                alerts.stream()
                    .map(a -> a.at().atOffset(ZoneOffset.UTC))
                    .toArray(OffsetDateTime[]::new));
    return connection
        .preparedQuery(INSERT_ALERTS)
        .execute(args)
        .map(
            rows -> {
              long first = Long.MAX_VALUE;
              Long session = null;
              String project = null;
              for (Row r : rows) {
                first = Math.min(first, r.getLong("seq"));
                session = r.getLong("session_id");
                project = r.getString("project");
              }
              return new StoredAlerts(new StoredBatch(first, session, project), alerts);
            });
  }
}
