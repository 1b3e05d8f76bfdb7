package dev.trainwatch.functions.service;

import dev.trainwatch.functions.config.TrainwatchConfig;
import dev.trainwatch.functions.domain.ExecutorType;
import dev.trainwatch.functions.domain.JobRef;
import dev.trainwatch.functions.domain.JobStatus;
import dev.trainwatch.functions.domain.LogEntry;
import dev.trainwatch.functions.domain.Observation;
import dev.trainwatch.functions.domain.PodEvent;
import dev.trainwatch.functions.executor.ExecutorException;
import dev.trainwatch.functions.executor.ExecutorRegistry;
import dev.trainwatch.functions.executor.JobExecutor;
import dev.trainwatch.functions.repository.IngestKeyRepository;
import dev.trainwatch.functions.repository.JobStateRepository;
import io.quarkus.logging.Log;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Checks active jobs against their executors: new log lines and pod events first (so a job's last
 * lines, and why its pod failed, come before its final status), then the status. Safe to run from
 * several places at once, since every status change is conditional. Blocking: call it on a worker
 * thread (the CloudEvent functions, the scheduler and tests do).
 */
@ApplicationScoped
public class StatusSweepService {

  /**
   * What one sweep did.
   *
   * @param checked active jobs checked
   * @param changed jobs whose status this sweep changed
   * @param unreachable jobs whose executor could not tell
   */
  @RegisterForReflection
  public record SweepResult(int checked, int changed, int unreachable) {}

  /** How long an ingest batch's idempotency key protects against a retry. */
  private static final Duration KEY_LIFETIME = Duration.ofDays(1);

  private final JobStateRepository states;
  private final ExecutorRegistry executors;
  private final StatusService status;
  private final LogIngestService logs;
  private final PodEventService podEvents;
  private final AlertService alerts;
  private final ExecutionService execution;
  private final IngestKeyRepository keys;
  private final JobGauges gauges;
  private final int maxLines;

  public StatusSweepService(
      JobStateRepository states,
      ExecutorRegistry executors,
      StatusService status,
      LogIngestService logs,
      PodEventService podEvents,
      AlertService alerts,
      ExecutionService execution,
      IngestKeyRepository keys,
      JobGauges gauges,
      TrainwatchConfig config) {
    this.states = states;
    this.executors = executors;
    this.status = status;
    this.logs = logs;
    this.podEvents = podEvents;
    this.alerts = alerts;
    this.execution = execution;
    this.keys = keys;
    this.gauges = gauges;
    this.maxLines = config.logs().maxLinesPerSweep();
  }

  /** Checks every active job once. */
  public SweepResult sweep() {
    List<JobRef> active = states.active().await().indefinitely();
    Log.infof("[TrainingMonitor] Checking %d active jobs...", active.size());
    int changed = 0;
    int unreachable = 0;
    Map<Long, List<PodEvent>> events = podEventsOf(active);
    for (JobRef job : active) {
      try {
        if (check(job, events.getOrDefault(job.id(), List.of())) != job.status()) {
          changed++;
        }
      } catch (ExecutorException e) {
        unreachable++;
        Log.warnf("[TrainingMonitor] Job %d: cannot check: %s", job.id(), e.getMessage());
      }
    }
    logs.storeDueTracebacks().await().indefinitely();
    alerts.sweep(Instant.now()).await().indefinitely();
    keys.forgetOlderThan(KEY_LIFETIME).await().indefinitely();
    gauges.refresh();
    return new SweepResult(active.size(), changed, unreachable);
  }

  /** Checks one job now (a Job event names it); a job that is gone or final is left alone. */
  public void sweepOne(long jobId) {
    JobRef job = states.find(jobId).await().indefinitely();
    if (job != null && !job.status().isFinal()) {
      check(job, podEventsOf(List.of(job)).getOrDefault(jobId, List.of()));
    }
  }

  /**
   * The pod events of {@code jobs}, read once per executor (one listing of the cluster's Events for
   * all Kubernetes jobs). Pod events explain; the status decides: a failed read is logged and the
   * jobs are checked without them.
   */
  private Map<Long, List<PodEvent>> podEventsOf(List<JobRef> jobs) {
    Map<Long, List<PodEvent>> events = new HashMap<>();
    for (Map.Entry<ExecutorType, List<JobRef>> ofType :
        jobs.stream().collect(Collectors.groupingBy(JobRef::executor)).entrySet()) {
      try {
        events.putAll(executors.of(ofType.getKey()).podEvents(ofType.getValue()));
      } catch (ExecutorException e) {
        Log.warnf("[TrainingMonitor] Pod events not read: %s", e.getMessage());
      }
    }
    return events;
  }

  private JobStatus check(JobRef job, List<PodEvent> events) {
    JobExecutor executor = executors.of(job.executor());
    List<LogEntry> lines = executor.newLogs(job, maxLines);
    logs.ingest(job.id(), lines, null).await().indefinitely();
    podEvents.record(job.id(), events).await().indefinitely();
    Observation seen = executor.observe(job);
    JobStatus now = status.apply(job, seen).await().indefinitely();
    if (now == JobStatus.FAILED && seen.reason() != null && seen.reason().stopsExecution()) {
      execution.stop(job).await().indefinitely();
    }
    return now;
  }
}
