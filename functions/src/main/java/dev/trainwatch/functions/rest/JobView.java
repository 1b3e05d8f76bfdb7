package dev.trainwatch.functions.rest;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.trainwatch.functions.domain.TrainingJob;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
 * @param project the project it belongs to
 * @param sessionId the job's session, or null
 * @param image the container image, or null for the default
 * @param command the command, or null for the executor's default
 * @param args arguments after the command, or null
 * @param resources cpu, memory and gpu as submitted (absent ones left out)
 * @param status pending, running, completed, failed or cancelled
 * @param failureReason a FailureReason code when failed, else null
 * @param statusMessage why the job is in its status, or null
 * @param executionId the Kubernetes Job's name or the local process id, once started
 * @param createdAt when it was submitted
 * @param updatedAt when it last changed (a status change or an event)
 * @param startedAt when it was first seen running, or null
 * @param finishedAt when it ended, or null
 * @param lastSeq the seq of the job's newest event (0 before any): a client that reads the history
 *     up to it follows the live feed from there
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@RegisterForReflection
public record JobView(
    long jobId,
    String modelName,
    String framework,
    String datasetPath,
    int numEpochs,
    int batchSize,
    String executorType,
    String project,
    Long sessionId,
    String image,
    List<String> command,
    List<String> args,
    Map<String, Object> resources,
    String status,
    String failureReason,
    String statusMessage,
    String executionId,
    Instant createdAt,
    Instant updatedAt,
    Instant startedAt,
    Instant finishedAt,
    long lastSeq) {

  static JobView of(TrainingJob job) {
    return new JobView(
        job.id,
        job.modelName,
        job.framework,
        job.datasetPath,
        job.numEpochs,
        job.batchSize,
        job.executorType,
        job.project,
        job.sessionId,
        job.image,
        job.command,
        job.args,
        resources(job),
        job.status,
        job.failureReason,
        job.statusMessage,
        job.executionId,
        job.createdAt.toInstant(),
        job.updatedAt.toInstant(),
        job.startedAt == null ? null : job.startedAt.toInstant(),
        job.finishedAt == null ? null : job.finishedAt.toInstant(),
        job.lastSeq);
  }

  private static Map<String, Object> resources(TrainingJob job) {
    Map<String, Object> resources = new LinkedHashMap<>();
    if (job.cpu != null) {
      resources.put("cpu", job.cpu);
    }
    if (job.memory != null) {
      resources.put("memory", job.memory);
    }
    if (job.gpu != null) {
      resources.put("gpu", job.gpu);
    }
    return resources;
  }
}
