package dev.trainwatch.functions.service;

import dev.trainwatch.functions.event.EventPublisher;
import dev.trainwatch.functions.event.EventType;
import dev.trainwatch.functions.event.JobAddress;
import dev.trainwatch.functions.event.OutboundEvent;
import dev.trainwatch.functions.repository.StoredBatch;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;

/**
 * Publishes events that are already stored. Storing decides a request's answer; a publish that
 * fails is counted and logged, never passed on, because the events are safe in PostgreSQL and the
 * job's next publish carries them across (see {@link EventPublisher}).
 */
@ApplicationScoped
public class EventFeed {

  private final EventPublisher publisher;
  private final Counter failures;

  public EventFeed(EventPublisher publisher, MeterRegistry registry) {
    this.publisher = publisher;
    this.failures =
        Counter.builder("trainwatch.publish.failures")
            .description("Stored events whose live publication failed and waits for the job's next")
            .register(registry);
  }

  /**
   * Renders {@code items}, stored as one batch from {@code stored.firstSeq()}, and publishes them.
   */
  public <T> Uni<Void> publishBatch(
      long jobId, StoredBatch stored, List<T> items, EventType<T> type) {
    List<OutboundEvent> events = new ArrayList<>(items.size());
    for (int i = 0; i < items.size(); i++) {
      events.add(type.render(jobId, stored.firstSeq() + i, items.get(i)));
    }
    return publish(new JobAddress(jobId, stored.sessionId(), stored.project()), events);
  }

  /** Publishes stored events of one job. */
  public Uni<Void> publish(JobAddress job, List<OutboundEvent> events) {
    return publisher
        .publish(job, events)
        .onFailure()
        .recoverWithItem(
            e -> {
              failures.increment();
              Log.warnf("Job %d: stored events not yet published: %s", job.jobId(), e.toString());
              return null;
            });
  }
}
