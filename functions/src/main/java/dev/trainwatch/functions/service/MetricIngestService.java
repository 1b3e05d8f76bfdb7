package dev.trainwatch.functions.service;

import dev.trainwatch.functions.domain.MetricPoint;
import dev.trainwatch.functions.domain.SequencedPoint;
import dev.trainwatch.functions.event.EventRenderer;
import dev.trainwatch.functions.repository.MetricRepository;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/**
 * Stores a batch of metric points and publishes one {@code training_metrics} event per point.
 * Storing comes first and decides the answer: a stored point is never lost, even when publishing
 * fails (see {@link EventFeed}).
 */
@ApplicationScoped
public class MetricIngestService {

  private final MetricRepository repository;
  private final JobService jobs;
  private final EventFeed feed;
  private final Counter pointsStored;

  public MetricIngestService(
      MetricRepository repository, JobService jobs, EventFeed feed, MeterRegistry registry) {
    this.repository = repository;
    this.jobs = jobs;
    this.feed = feed;
    this.pointsStored =
        Counter.builder("trainwatch.ingest.points")
            .description("Metric points stored")
            .register(registry);
  }

  /**
   * Stores and publishes {@code points} of {@code jobId}; fails with {@link NoSuchJobException}.
   */
  public Uni<Void> ingest(long jobId, List<MetricPoint> points) {
    return repository
        .insert(jobId, points)
        .onItem()
        .ifNull()
        .failWith(() -> new NoSuchJobException(jobId))
        .flatMap(
            stored -> {
              pointsStored.increment(points.size());
              return feed.publishBatch(
                  jobId,
                  stored,
                  points,
                  (seq, point) -> EventRenderer.metrics(jobId, new SequencedPoint(seq, point)));
            });
  }

  /** The stored points of a job after {@code afterSeq}; fails with {@link NoSuchJobException}. */
  public Uni<List<SequencedPoint>> history(
      long jobId, long afterSeq, List<String> names, int limit) {
    return jobs.find(jobId).flatMap(job -> repository.read(jobId, afterSeq, names, limit));
  }
}
