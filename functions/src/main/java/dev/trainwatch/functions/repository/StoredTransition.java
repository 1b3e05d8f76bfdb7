package dev.trainwatch.functions.repository;

import java.time.Instant;

/**
 * A status change that was stored.
 *
 * @param seq its number in the job's event sequence
 * @param sessionId the job's session, or null
 * @param project the job's project (its session's owner)
 * @param at when it happened
 */
public record StoredTransition(long seq, Long sessionId, String project, Instant at) {}
