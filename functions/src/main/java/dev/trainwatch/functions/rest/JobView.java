package dev.trainwatch.functions.rest;

import dev.trainwatch.functions.domain.TrainingJob;
import java.time.Instant;

/**
 * A job as the API shows it (snake_case on the wire).
 *
 * @param jobId the job's id
 * @param modelName the model being trained
 * @param framework the training framework
 * @param datasetPath where the data set lives
 * @param numEpochs epochs the trainer runs
 * @param batchSize the trainer's batch size
 * @param executorType kubernetes or local
 * @param sessionId the job's session, or null
 * @param status pending, running, completed, failed or cancelled
 * @param createdAt when it was submitted
 * @param updatedAt when it last changed (a status change or an event)
 */
public record JobView(
    long jobId,
    String modelName,
    String framework,
    String datasetPath,
    int numEpochs,
    int batchSize,
    String executorType,
    Long sessionId,
    String status,
    Instant createdAt,
    Instant updatedAt) {

  static JobView of(TrainingJob job) {
    return new JobView(
        job.id,
        job.modelName,
        job.framework,
        job.datasetPath,
        job.numEpochs,
        job.batchSize,
        job.executorType,
        job.sessionId,
        job.status,
        job.createdAt.toInstant(),
        job.updatedAt.toInstant());
  }
}
