package dev.trainwatch.functions.service;

import dev.trainwatch.functions.domain.MetricPoint;
import dev.trainwatch.functions.domain.SequencedPoint;
import dev.trainwatch.functions.repository.MetricRepository;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/**
 * Stores a batch of metric points and publishes one {@code training_metrics} event per point (see
 * {@link BatchIngest}), then runs the metric rules over it ({@link AlertService}). A stored point
 * is never lost, even when publishing fails ({@link EventFeed}).
 */
@ApplicationScoped
public class MetricIngestService {

  private final MetricRepository repository;
  private final JobService jobs;
  private final BatchIngest ingest;
  private final MetricsEventType type;
  private final AlertService alerts;
  private final Counter pointsStored;

  public MetricIngestService(
      MetricRepository repository,
      JobService jobs,
      BatchIngest ingest,
      MetricsEventType type,
      AlertService alerts,
      MeterRegistry registry) {
    this.type = type;
    this.alerts = alerts;
    this.repository = repository;
    this.jobs = jobs;
    this.ingest = ingest;
    this.pointsStored =
        Counter.builder("trainwatch.ingest.points")
            .description("Metric points stored")
            .register(registry);
  }

  /**
   * Stores and publishes {@code points} of {@code jobId}, once per idempotency key (null for none);
   * true when the key was used before. Fails with {@link NoSuchJobException}.
   */
  public Uni<Boolean> ingest(long jobId, List<MetricPoint> points, String idempotencyKey) {
    return ingest
        .ingest(
            jobId,
            points,
            "reported its first metric",
            () -> repository.insert(jobId, points, idempotencyKey),
            type)
        .invoke(
            duplicate -> {
              if (!duplicate) {
                pointsStored.increment(points.size());
              }
            })
        .call(
            duplicate -> duplicate ? Uni.createFrom().voidItem() : alerts.onPoints(jobId, points));
  }

  /**
   * Metric {@code name} of a job in at most {@code buckets} buckets (extremes kept); fails with
   * {@link NoSuchJobException}.
   */
  public Uni<List<MetricRepository.OverviewBucket>> overview(
      long jobId, String name, long afterSeq, long beforeSeq, int buckets) {
    return jobs.find(jobId)
        .flatMap(job -> repository.overview(jobId, name, afterSeq, beforeSeq, buckets));
  }

  /**
   * The names of every metric the job reported, sorted; 404 (NoSuchJobException) as the history.
   */
  public Uni<List<String>> names(long jobId) {
    return jobs.find(jobId).flatMap(job -> repository.names(jobId));
  }

  /** The stored points of a job after {@code afterSeq}; fails with {@link NoSuchJobException}. */
  public Uni<List<SequencedPoint>> history(
      long jobId, long afterSeq, List<String> names, int limit) {
    return jobs.find(jobId).flatMap(job -> repository.read(jobId, afterSeq, names, limit));
  }
}
