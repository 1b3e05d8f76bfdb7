package dev.trainwatch.functions.service;

import dev.trainwatch.functions.domain.FailureReason;
import dev.trainwatch.functions.domain.JobStatus;
import dev.trainwatch.functions.repository.JobCensus;
import dev.trainwatch.functions.repository.JobStateRepository;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The job-level series Prometheus alerts on, with bounded label sets: {@code
 * trainwatch_jobs{status}} (five series), {@code trainwatch_job_failures_total{reason}} (one per
 * FailureReason), and for active jobs only {@code trainwatch_active_job_pending_seconds{job_id}}
 * and {@code trainwatch_active_job_silence_seconds{job_id}}: as many series as jobs pending or
 * running, never one per step or per metric value. Refreshed by each sweep, so they are as fresh as
 * the sweep.
 */
@ApplicationScoped
public class JobGauges {

  private final JobStateRepository states;
  private final Map<JobStatus, AtomicLong> byStatus = new EnumMap<>(JobStatus.class);
  private final Map<FailureReason, Counter> failures = new EnumMap<>(FailureReason.class);
  private final MultiGauge pending;
  private final MultiGauge silence;

  public JobGauges(JobStateRepository states, MeterRegistry registry) {
    this.states = states;
    for (JobStatus status : JobStatus.values()) {
      AtomicLong count = new AtomicLong();
      byStatus.put(status, count);
      Gauge.builder("trainwatch.jobs", count, AtomicLong::get)
          .description("Jobs in each status")
          .tag("status", status.wireName())
          .register(registry);
    }
    for (FailureReason reason : FailureReason.values()) {
      failures.put(
          reason,
          Counter.builder("trainwatch.job.failures")
              .description("Jobs that failed, by reason")
              .tag("reason", reason.code())
              .register(registry));
    }
    this.pending =
        MultiGauge.builder("trainwatch.active.job.pending.seconds")
            .description("Seconds since a pending job was submitted")
            .register(registry);
    this.silence =
        MultiGauge.builder("trainwatch.active.job.silence.seconds")
            .description("Seconds since a running job's last event")
            .register(registry);
  }

  /** Counts a job that failed for {@code reason}. */
  public void failed(FailureReason reason) {
    failures.get(reason).increment();
  }

  /** Reads the census and sets every gauge from it (blocking). */
  public void refresh() {
    JobCensus census = states.census().await().indefinitely();
    byStatus.forEach(
        (status, count) -> count.set(census.byStatus().getOrDefault(status.wireName(), 0L)));
    pending.register(
        census.active().stream()
            .filter(job -> job.status().equals(JobStatus.PENDING.wireName()))
            .map(job -> row(job.jobId(), job.sinceSubmitted()))
            .toList(),
        true);
    silence.register(
        census.active().stream()
            .filter(job -> job.status().equals(JobStatus.RUNNING.wireName()))
            .map(job -> row(job.jobId(), job.sinceLastEvent()))
            .toList(),
        true);
  }

  private static MultiGauge.Row<?> row(long jobId, double seconds) {
    return MultiGauge.Row.of(Tags.of("job_id", Long.toString(jobId)), seconds);
  }
}
