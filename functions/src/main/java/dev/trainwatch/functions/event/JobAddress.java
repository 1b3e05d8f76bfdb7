package dev.trainwatch.functions.event;

/**
 * Which job (and session) an event belongs to: it decides the channels it goes out on.
 *
 * @param jobId the job
 * @param sessionId the job's session, or null
 */
public record JobAddress(long jobId, Long sessionId) {}
