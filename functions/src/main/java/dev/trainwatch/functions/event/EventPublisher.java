package dev.trainwatch.functions.event;

import io.smallrye.mutiny.Uni;
import java.util.List;

/**
 * Sends stored events to the live feed. Call it after the events are stored: a publisher may read
 * stored events of the same job to fill a gap, and it never publishes a sequence number twice.
 */
public interface EventPublisher {

  /**
   * Publishes {@code events} (in increasing seq, all of {@code job}) to the job's and session's
   * channels.
   */
  Uni<Void> publish(JobAddress job, List<OutboundEvent> events);
}
