package dev.trainwatch.functions.service;

import dev.trainwatch.functions.domain.MetricPoint;
import dev.trainwatch.functions.domain.SequencedPoint;
import dev.trainwatch.functions.event.EventPublisher;
import dev.trainwatch.functions.event.EventRenderer;
import dev.trainwatch.functions.event.JobAddress;
import dev.trainwatch.functions.event.OutboundEvent;
import dev.trainwatch.functions.repository.MetricRepository;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;

/**
 * Stores a batch of metric points and publishes one {@code training_metrics} event per point.
 * Storing comes first and decides the answer: a point that is stored is never lost, even when
 * publishing fails (it is then published with the job's next batch, see {@link EventPublisher}).
 */
@ApplicationScoped
public class MetricIngestService {

  private final MetricRepository repository;
  private final JobService jobs;
  private final EventPublisher publisher;
  private final Counter pointsStored;
  private final Counter publishFailures;

  public MetricIngestService(
      MetricRepository repository,
      JobService jobs,
      EventPublisher publisher,
      MeterRegistry registry) {
    this.repository = repository;
    this.jobs = jobs;
    this.publisher = publisher;
    this.pointsStored =
        Counter.builder("trainwatch.ingest.points")
            .description("Metric points stored")
            .register(registry);
    this.publishFailures =
        Counter.builder("trainwatch.ingest.publish.failures")
            .description(
                "Stored batches whose live publication failed and waits for the next batch")
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
              List<OutboundEvent> events = new ArrayList<>(points.size());
              for (int i = 0; i < points.size(); i++) {
                long seq = stored.firstSeq() + i;
                String json = EventRenderer.metrics(jobId, new SequencedPoint(seq, points.get(i)));
                events.add(new OutboundEvent(seq, json));
              }
              return publisher
                  .publish(new JobAddress(jobId, stored.sessionId()), events)
                  .onFailure()
                  .recoverWithItem(
                      e -> {
                        publishFailures.increment();
                        Log.warnf(
                            "Job %d: stored points not yet published: %s", jobId, e.toString());
                        return null;
                      });
            });
  }

  /** The stored points of a job after {@code afterSeq}; fails with {@link NoSuchJobException}. */
  public Uni<List<SequencedPoint>> history(
      long jobId, long afterSeq, List<String> names, int limit) {
    return jobs.find(jobId).flatMap(job -> repository.read(jobId, afterSeq, names, limit));
  }
}
