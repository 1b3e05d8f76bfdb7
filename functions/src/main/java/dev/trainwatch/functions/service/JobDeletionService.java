package dev.trainwatch.functions.service;

import dev.trainwatch.functions.event.EventPublisher;
import dev.trainwatch.functions.event.JobAddress;
import dev.trainwatch.functions.event.RedisJobKeys;
import dev.trainwatch.functions.repository.DeletedJob;
import dev.trainwatch.functions.repository.JobDeletionRepository;
import dev.trainwatch.functions.repository.JobStateRepository;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/**
 * Deletes a job everywhere: stops it if it is active, removes its rows (one statement, see {@link
 * JobDeletionRepository}), tells its followers with a last event, {@code training_job_deleted}, and
 * removes its keys from Redis. A retried delete (its answer was lost, or Redis failed half way)
 * sends the last event again, which the publish script and every client's seq check drop when it
 * went out before, and removes what is left in Redis.
 */
@ApplicationScoped
public class JobDeletionService {

  private final JobStateRepository states;
  private final JobDeletionRepository deletions;
  private final ExecutionService execution;
  private final EventPublisher publisher;
  private final RedisJobKeys keys;
  private final JobDeletedEventType type;

  public JobDeletionService(
      JobStateRepository states,
      JobDeletionRepository deletions,
      ExecutionService execution,
      EventPublisher publisher,
      RedisJobKeys keys,
      JobDeletedEventType type) {
    this.type = type;
    this.states = states;
    this.deletions = deletions;
    this.execution = execution;
    this.publisher = publisher;
    this.keys = keys;
  }

  /**
   * Deletes job {@code jobId}, which the caller may manage; a job deleted before is finished off.
   * Fails with {@link NoSuchJobException} when there is neither.
   */
  public Uni<Void> delete(long jobId) {
    return states
        .find(jobId)
        .chain(
            job ->
                job == null || job.status().isFinal()
                    ? Uni.createFrom().voidItem()
                    : execution.stop(job))
        .chain(() -> deletions.delete(jobId))
        .chain(
            deleted -> deleted != null ? Uni.createFrom().item(deleted) : deletions.deleted(jobId))
        .chain(
            deleted -> {
              if (deleted == null) {
                return Uni.createFrom().failure(new NoSuchJobException(jobId));
              }
              return tellFollowers(deleted).chain(() -> keys.forget(jobId));
            });
  }

  /** A deleted job whose project the caller may manage; {@link NoSuchJobException} otherwise. */
  public Uni<DeletedJob> deleted(long jobId, List<String> granted) {
    return deletions
        .deleted(jobId)
        .map(
            deleted -> {
              if (deleted == null || (granted != null && !granted.contains(deleted.project()))) {
                throw new NoSuchJobException(jobId);
              }
              return deleted;
            });
  }

  private Uni<Void> tellFollowers(DeletedJob deleted) {
    return publisher.publish(
        new JobAddress(deleted.jobId(), deleted.sessionId(), deleted.project()),
        List.of(type.render(deleted.jobId(), deleted.finalSeq(), deleted.deletedAt())));
  }
}
