package dev.trainwatch.functions.domain;

import java.time.Instant;

/**
 * What the sweep and the executors need of a job: who it is, where it runs, what status it has.
 *
 * @param id the job
 * @param sessionId its session, or null
 * @param status its stored status
 * @param executor where it runs
 * @param executionId the Kubernetes Job's name or the local process id; null before it started
 * @param createdAt when it was submitted
 */
public record JobRef(
    long id,
    Long sessionId,
    JobStatus status,
    ExecutorType executor,
    String executionId,
    Instant createdAt) {}
