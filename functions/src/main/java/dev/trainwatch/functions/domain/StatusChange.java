package dev.trainwatch.functions.domain;

import java.time.Instant;

/**
 * A stored status change of a job.
 *
 * @param seq its number in the job's event sequence
 * @param from the old status
 * @param to the new status
 * @param reason a {@link FailureReason} code, or null
 * @param message why, for people, or null
 * @param at when it happened
 */
public record StatusChange(
    long seq, JobStatus from, JobStatus to, String reason, String message, Instant at) {}
