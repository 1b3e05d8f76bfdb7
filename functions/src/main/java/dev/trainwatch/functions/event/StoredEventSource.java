package dev.trainwatch.functions.event;

import io.smallrye.mutiny.Uni;
import java.util.List;
import java.util.Set;

/**
 * Rendered events of a job read back from storage, for publishing what an earlier attempt did not
 * and for clients that fill a gap or draw a job's timeline.
 */
public interface StoredEventSource {

  /** The job's stored events with afterSeq &lt; seq &lt; beforeSeq, in order. */
  Uni<List<OutboundEvent>> between(long jobId, long afterSeq, long beforeSeq);

  /**
   * The job's first {@code most} stored events after {@code afterSeq} among the types named (each a
   * message {@code type} of {@link #typeNames}), in seq order: a job's status changes, alerts and
   * pod events without its metric points and log lines.
   */
  Uni<List<OutboundEvent>> ofTypes(long jobId, long afterSeq, Set<String> types, int most);

  /** The {@code type} of every stored event type, e.g. {@code training_alert}. */
  Set<String> typeNames();
}
