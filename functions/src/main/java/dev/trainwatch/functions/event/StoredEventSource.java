package dev.trainwatch.functions.event;

import io.smallrye.mutiny.Uni;
import java.util.List;

/**
 * Rendered events of a job read back from storage, for publishing what an earlier attempt did not.
 */
public interface StoredEventSource {

  /** The job's stored events with afterSeq &lt; seq &lt; beforeSeq, in order. */
  Uni<List<OutboundEvent>> between(long jobId, long afterSeq, long beforeSeq);
}
