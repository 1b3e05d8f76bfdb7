package dev.trainwatch.functions.domain;

/**
 * A stored log entry with its number in the job's event sequence.
 *
 * @param seq the entry's seq
 * @param entry the entry
 */
public record SequencedLog(long seq, LogEntry entry) {}
