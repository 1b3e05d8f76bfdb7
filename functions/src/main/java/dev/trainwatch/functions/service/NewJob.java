package dev.trainwatch.functions.service;

import dev.trainwatch.functions.domain.ExecutorType;

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
 */
public record NewJob(
    String modelName,
    String framework,
    String datasetPath,
    int numEpochs,
    int batchSize,
    ExecutorType executorType,
    Long sessionId) {}
