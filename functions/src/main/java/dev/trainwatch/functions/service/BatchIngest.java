package dev.trainwatch.functions.service;

import dev.trainwatch.functions.domain.JobStatus;
import dev.trainwatch.functions.domain.LruMaps;
import dev.trainwatch.functions.domain.Observation;
import dev.trainwatch.functions.event.EventType;
import dev.trainwatch.functions.repository.BatchResult;
import dev.trainwatch.functions.repository.JobStateRepository;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The one path a batch a trainer reports (metric points, log lines) takes: a pending job is first
 * moved to running (a report is evidence that it runs, and watchers see running before the report),
 * then the batch is stored once per idempotency key, then published. It does not parse or validate
 * the batch.
 */
@ApplicationScoped
public class BatchIngest {

  /**
   * Jobs known to be past pending in this process: a status never moves back, so one look is
   * enough.
   */
  private static final int REMEMBERED = 10_000;

  private final JobStateRepository states;
  private final StatusService status;
  private final EventFeed feed;
  private final Set<Long> started =
      Collections.synchronizedSet(Collections.newSetFromMap(LruMaps.create(REMEMBERED)));

  public BatchIngest(JobStateRepository states, StatusService status, EventFeed feed) {
    this.states = states;
    this.status = status;
    this.feed = feed;
  }

  /**
   * Stores and publishes {@code items} of {@code jobId}; fails with {@link NoSuchJobException}.
   *
   * @param evidence why a pending job counts as running, for its status message
   * @param store stores the batch under the key
   * @param type the items' event type, which renders them
   * @return true when the key was used before, so nothing was stored or published now
   */
  public <T> Uni<Boolean> ingest(
      long jobId,
      List<T> items,
      String evidence,
      Supplier<Uni<BatchResult>> store,
      EventType<T> type) {
    return markRunning(jobId, evidence)
        .flatMap(ready -> store.get())
        .flatMap(
            result -> {
              if (!result.jobExists()) {
                return Uni.createFrom().failure(new NoSuchJobException(jobId));
              }
              if (result.duplicate()) {
                return Uni.createFrom().item(true);
              }
              return feed.publishBatch(jobId, result.stored(), items, type).replaceWith(false);
            });
  }

  private Uni<Void> markRunning(long jobId, String evidence) {
    if (started.contains(jobId)) {
      return Uni.createFrom().voidItem();
    }
    return NoSuchJobException.unlessFound(states.find(jobId), jobId)
        .flatMap(
            job ->
                job.status() == JobStatus.PENDING
                    ? status.apply(job, new Observation(JobStatus.RUNNING, null, evidence))
                    : Uni.createFrom().item(job.status()))
        .invoke(now -> started.add(jobId))
        .replaceWithVoid();
  }
}
