package dev.trainwatch.functions.repository;

import java.time.Instant;

/**
 * What is left of a deleted job.
 *
 * @param jobId its id
 * @param sessionId its session, or null
 * @param project its project
 * @param finalSeq the seq of its last event, {@code training_job_deleted}
 * @param deletedAt when it was deleted
 */
public record DeletedJob(
    long jobId, Long sessionId, String project, long finalSeq, Instant deletedAt) {}
