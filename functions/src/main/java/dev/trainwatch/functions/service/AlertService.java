package dev.trainwatch.functions.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainwatch.functions.config.TrainwatchConfig;
import dev.trainwatch.functions.domain.Alert;
import dev.trainwatch.functions.domain.AlertRule;
import dev.trainwatch.functions.domain.AlertSettings;
import dev.trainwatch.functions.domain.LruMaps;
import dev.trainwatch.functions.domain.MetricPoint;
import dev.trainwatch.functions.domain.MetricWatch;
import dev.trainwatch.functions.repository.AlertRepository;
import dev.trainwatch.functions.repository.AlertRepository.Decision;
import dev.trainwatch.functions.repository.AlertRepository.StoredAlerts;
import dev.trainwatch.functions.repository.AlertRepository.SweptJob;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The rules on the live stream (docs/protocol.md, "Alerts"; {@link AlertRule}). The metric rules
 * run as points are stored, the sweep's rules ({@code silent}, {@code stuck_pending}) at each
 * sweep; each firing and resolution is stored and published as a {@code training_alert} and counted
 * in {@code trainwatch_job_alerts_total{rule}}. What the rules remember lives in PostgreSQL ({@link
 * AlertRepository}); a job's settings never change after its submission, so they are kept here once
 * read.
 */
@ApplicationScoped
public class AlertService {

  /**
   * Watched metrics evaluated per batch at most (by name): bounds the rules' work and alerts per
   * request however many matching names a trainer sends.
   */
  static final int MAX_WATCHED_PER_BATCH = 20;

  /** Jobs whose settings are kept in memory. */
  private static final int REMEMBERED = 10_000;

  private final AlertRepository repository;
  private final AlertEventType type;
  private final EventFeed feed;
  private final ObjectMapper json;
  private final AlertSettings defaults;
  private final Map<AlertRule, Counter> fired = new EnumMap<>(AlertRule.class);
  private final Map<Long, AlertSettings> settingsByJob =
      Collections.synchronizedMap(LruMaps.create(REMEMBERED));

  public AlertService(
      AlertRepository repository,
      AlertEventType type,
      EventFeed feed,
      ObjectMapper json,
      TrainwatchConfig config,
      MeterRegistry registry) {
    this.repository = repository;
    this.type = type;
    this.feed = feed;
    this.json = json;
    TrainwatchConfig.Alerts alerts = config.alerts();
    this.defaults =
        new AlertSettings(
            null,
            true,
            new AlertSettings.Divergence(
                alerts.divergenceFactor(), alerts.divergenceWarmup(), alerts.divergenceRising()),
            alerts.silentAfter(),
            alerts.stuckPendingAfter());
    for (AlertRule rule : AlertRule.values()) {
      fired.put(
          rule,
          Counter.builder("trainwatch.job.alerts")
              .description("Alerts fired, by rule")
              .tag("rule", rule.wireName())
              .register(registry));
    }
  }

  /**
   * A submission's rules: {@code given} (its {@code "alerts"}, null when absent) over the server's
   * defaults.
   *
   * @throws IllegalArgumentException naming the key and what it must be
   */
  public AlertSettings settingsFor(JsonNode given) {
    return defaults.with(given);
  }

  /**
   * Runs the metric rules after {@code points} were stored for {@code jobId}: over every stored
   * value of the watched metrics they have not seen, in seq order (a batch stored meanwhile by
   * another request, or one whose evaluation failed, included). A failure here is logged, never
   * passed on: the points are stored, and the next batch's evaluation reads them.
   */
  public Uni<Void> onPoints(long jobId, List<MetricPoint> points) {
    return settingsOf(jobId)
        .flatMap(
            settings -> {
              List<String> watched =
                  settings.watchesMetrics()
                      ? points.stream()
                          .flatMap(p -> p.metrics().keySet().stream())
                          .distinct()
                          .filter(settings::watches)
                          .sorted()
                          .limit(MAX_WATCHED_PER_BATCH)
                          .toList()
                      : List.of();
              if (watched.isEmpty()) {
                return Uni.createFrom().voidItem();
              }
              return repository
                  .watch(jobId, watched, (values, watches) -> evaluate(settings, values, watches))
                  .flatMap(stored -> publish(jobId, stored));
            })
        .onFailure()
        .recoverWithItem(
            e -> {
              Log.warnf("Job %d: alert rules not evaluated: %s", jobId, e.toString());
              return null;
            });
  }

  /** Runs the sweep's rules over every active job, and resolves what ended; answers how many. */
  public Uni<Integer> sweep(Instant now) {
    return repository
        .swept()
        .flatMap(
            jobs -> {
              Uni<Integer> done = Uni.createFrom().item(0);
              for (SweptJob job : jobs) {
                for (Alert alert : decide(job, now)) {
                  done =
                      done.flatMap(
                          n ->
                              repository
                                  .episode(job.jobId(), alert)
                                  .flatMap(stored -> publish(job.jobId(), stored))
                                  .replaceWith(n + 1));
                }
              }
              return done;
            });
  }

  /** What the sweep's rules fire or resolve for {@code job} now. */
  private List<Alert> decide(SweptJob job, Instant now) {
    AlertSettings settings = parse(job.settings());
    List<Alert> alerts = new ArrayList<>(2);
    boolean running = "running".equals(job.status());
    boolean silent =
        running
            && settings.silent() != null
            && job.lastHeard().plus(settings.silent()).isBefore(now);
    if (silent && !job.silentOpen()) {
      alerts.add(
          sweepAlert(
              AlertRule.SILENT,
              true,
              "no metric and no log line for "
                  + describe(settings.silent())
                  + " (the last at "
                  + job.lastHeard()
                  + ")",
              now));
    } else if (!silent && job.silentOpen()) {
      alerts.add(
          sweepAlert(
              AlertRule.SILENT,
              false,
              running ? "reporting again" : "the job is " + job.status(),
              now));
    }
    boolean stuck =
        "pending".equals(job.status())
            && settings.stuckPending() != null
            && job.createdAt().plus(settings.stuckPending()).isBefore(now);
    if (stuck && !job.pendingOpen()) {
      alerts.add(
          sweepAlert(
              AlertRule.STUCK_PENDING,
              true,
              "pending for over "
                  + describe(settings.stuckPending())
                  + (job.clusterSays() == null ? "" : "; the cluster says " + job.clusterSays()),
              now));
    } else if (!stuck && job.pendingOpen()) {
      alerts.add(sweepAlert(AlertRule.STUCK_PENDING, false, "the job is " + job.status(), now));
    }
    return alerts;
  }

  private static Alert sweepAlert(AlertRule rule, boolean firing, String message, Instant at) {
    return new Alert(rule, firing, null, null, message, at);
  }

  private static Decision evaluate(
      AlertSettings settings, List<AlertRepository.Value> values, Map<String, MetricWatch> stored) {
    Map<String, MetricWatch> watches = new LinkedHashMap<>();
    List<Alert> alerts = new ArrayList<>();
    for (AlertRepository.Value value : values) {
      String name = value.metric();
      MetricWatch watch = watches.getOrDefault(name, stored.getOrDefault(name, MetricWatch.NEW));
      MetricWatch.Step step = watch.next(name, value.value(), value.at(), settings);
      watches.put(name, step.watch());
      alerts.addAll(step.alerts());
    }
    return new Decision(watches, alerts);
  }

  private Uni<Void> publish(long jobId, StoredAlerts stored) {
    if (stored.alerts().isEmpty()) {
      return Uni.createFrom().voidItem();
    }
    stored.alerts().stream().filter(Alert::firing).forEach(a -> fired.get(a.rule()).increment());
    return feed.publishBatch(jobId, stored.stored(), stored.alerts(), type);
  }

  private Uni<AlertSettings> settingsOf(long jobId) {
    AlertSettings known = settingsByJob.get(jobId);
    if (known != null) {
      return Uni.createFrom().item(known);
    }
    return repository
        .settings(jobId)
        .map(
            text -> {
              AlertSettings settings = parse(text);
              settingsByJob.put(jobId, settings);
              return settings;
            });
  }

  /** A job's stored settings; the defaults for a job stored without any. */
  private AlertSettings parse(String text) {
    if (text == null) {
      return defaults;
    }
    try {
      return defaults.with(json.readTree(text));
    } catch (JsonProcessingException | IllegalArgumentException e) {
      Log.warnf("Stored alert settings not readable (%s); the defaults apply", e.getMessage());
      return defaults;
    }
  }

  private static String describe(Duration time) {
    long seconds = time.toSeconds();
    return seconds % 60 == 0 ? (seconds / 60) + " minutes" : seconds + " seconds";
  }
}
