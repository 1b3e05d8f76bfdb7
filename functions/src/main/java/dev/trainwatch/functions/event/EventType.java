package dev.trainwatch.functions.event;

import com.fasterxml.jackson.core.JsonGenerator;
import io.smallrye.mutiny.Uni;
import java.io.IOException;
import java.util.List;

/**
 * One event type of the protocol (docs/asyncapi.yaml): its name, how one event of it is written,
 * and how the stored ones are read back. One implementation per type, and nothing else knows the
 * type: the live path renders through {@link #render}, and replay ({@link StoredEventSource}) asks
 * every implementation there is, so a new type is replayed as soon as it exists. The recipe for
 * adding one is in docs/ARCHITECTURE.md.
 *
 * @param <T> what one event carries, without its seq
 */
public interface EventType<T> {

  /** The message's {@code type}, e.g. {@code training_metrics}. */
  String name();

  /**
   * Writes the message's fields after its head ({@code type}, {@code job_id}, {@code seq}), in the
   * order the schema lists them.
   */
  void writeFields(T item, JsonGenerator json) throws IOException;

  /**
   * The job's stored events of this type with {@code afterSeq < seq < beforeSeq}, at most {@code
   * most}, rendered, in seq order. A type that is not stored answers none.
   */
  Uni<List<OutboundEvent>> stored(long jobId, long afterSeq, long beforeSeq, int most);

  /** One event of this type, as browsers receive it. */
  default OutboundEvent render(long jobId, long seq, T item) {
    return new OutboundEvent(seq, EventRenderer.render(this, jobId, seq, item));
  }
}
