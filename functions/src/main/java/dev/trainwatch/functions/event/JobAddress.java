package dev.trainwatch.functions.event;

/**
 * Which job (and session) an event belongs to: it decides the channels it goes out on. A session
 * belongs to a project: session 7 of project A and session 7 of project B are two sessions, on two
 * channels, so no event of one project reaches a follower of another's session.
 *
 * @param jobId the job
 * @param sessionId the job's session, or null
 * @param project the job's project, which owns its session
 */
public record JobAddress(long jobId, Long sessionId, String project) {}
