package dev.trainwatch.functions.repository;

/**
 * What storing a batch of events gave back.
 *
 * @param firstSeq the sequence number of the batch's first event; the rest follow one by one
 * @param sessionId the job's session, or null
 * @param project the job's project (its session's owner)
 */
public record StoredBatch(long firstSeq, Long sessionId, String project) {}
