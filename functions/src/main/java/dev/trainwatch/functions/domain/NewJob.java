package dev.trainwatch.functions.domain;

import java.util.List;

/**
 * A job submission, already checked field by field.
 *
 * @param modelName the model being trained
 * @param framework the training framework, as the user names it
 * @param datasetPath where the data set lives
 * @param numEpochs how many epochs the trainer runs
 * @param batchSize the trainer's batch size
 * @param executorType where it runs
 * @param sessionId the session it belongs to, or null
 * @param project the project it belongs to
 * @param image the container image (Kubernetes), or null for the default
 * @param command the command, or null for the executor's default
 * @param args arguments after the command, or null
 * @param cpu CPU request and limit, a Kubernetes quantity, or null
 * @param memory memory request and limit, a Kubernetes quantity, or null
 * @param gpu GPUs, or null
 * @param alerts the job's rules on its live stream
 */
public record NewJob(
    String modelName,
    String framework,
    String datasetPath,
    int numEpochs,
    int batchSize,
    ExecutorType executorType,
    Long sessionId,
    String project,
    String image,
    List<String> command,
    List<String> args,
    String cpu,
    String memory,
    Integer gpu,
    AlertSettings alerts) {}
