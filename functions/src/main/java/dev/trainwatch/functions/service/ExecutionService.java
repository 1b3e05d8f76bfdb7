package dev.trainwatch.functions.service;

import dev.trainwatch.functions.domain.ExecutorType;
import dev.trainwatch.functions.domain.FailureReason;
import dev.trainwatch.functions.domain.JobRef;
import dev.trainwatch.functions.domain.JobStatus;
import dev.trainwatch.functions.domain.NewJob;
import dev.trainwatch.functions.domain.Observation;
import dev.trainwatch.functions.domain.TrainingJob;
import dev.trainwatch.functions.domain.WireEnum;
import dev.trainwatch.functions.executor.ExecutorException;
import dev.trainwatch.functions.executor.ExecutorRegistry;
import dev.trainwatch.functions.executor.JobExecutor;
import dev.trainwatch.functions.repository.JobStateRepository;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Starts and cancels jobs on their executors. Executors block, so their calls run on the worker
 * pool; callers get a Uni and stay off the event loop's back.
 */
@ApplicationScoped
public class ExecutionService {

  private final ExecutorRegistry executors;
  private final JobStateRepository states;
  private final StatusService status;

  public ExecutionService(
      ExecutorRegistry executors, JobStateRepository states, StatusService status) {
    this.executors = executors;
    this.states = states;
    this.status = status;
  }

  /**
   * Checks a submission with its executor before it is stored (see {@link JobExecutor#admit}).
   *
   * @return gives back what the executor holds for it, when it is not stored after all
   * @throws dev.trainwatch.functions.executor.SubmissionRefusedException naming what refuses it
   */
  public Runnable admit(NewJob job) {
    return executors.of(job.executorType()).admit(job);
  }

  /**
   * Starts a stored job on its executor and records where it runs; a job that cannot be started
   * fails as SubmitFailed with the executor's words. Completes when the job has started or failed.
   */
  public Uni<Void> launch(TrainingJob job) {
    ExecutorType type = WireEnum.fromWireName(ExecutorType.class, job.executorType);
    JobExecutor executor = executors.of(type);
    JobRef ref =
        new JobRef(job.id, job.sessionId, JobStatus.PENDING, type, null, job.createdAt.toInstant());
    return Uni.createFrom()
        .item(() -> executor.start(job))
        .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
        .flatMap(executionId -> states.setExecutionId(job.id, executionId))
        .onFailure(ExecutorException.class)
        .recoverWithUni(
            e -> {
              Log.warnf("Job %d could not be started: %s", job.id, e.getMessage());
              return status
                  .apply(ref, Observation.failed(FailureReason.SUBMIT_FAILED, e.getMessage()))
                  .replaceWithVoid();
            });
  }

  /**
   * Cancels a job: stores {@code cancelled} first (so the end of the execution it then stops cannot
   * store a failure over it), then stops the execution. Fails with {@link NoSuchJobException}, or
   * {@link JobAlreadyFinishedException} for a job in a final status.
   */
  public Uni<JobStatus> cancel(long jobId) {
    return NoSuchJobException.unlessFound(states.find(jobId), jobId)
        .flatMap(
            job -> {
              if (job.status().isFinal()) {
                return Uni.createFrom().failure(new JobAlreadyFinishedException(job));
              }
              return status
                  .apply(job, new Observation(JobStatus.CANCELLED, null, "cancelled by request"))
                  .flatMap(
                      now ->
                          now == JobStatus.CANCELLED
                              ? stop(job).replaceWith(now)
                              : Uni.createFrom().failure(new JobAlreadyFinishedException(job)));
            });
  }

  /** Stops the job's execution on its executor. */
  public Uni<Void> stop(JobRef job) {
    return Uni.createFrom()
        .item(
            () -> {
              executors.of(job.executor()).cancel(job);
              return job;
            })
        .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
        .replaceWithVoid();
  }
}
