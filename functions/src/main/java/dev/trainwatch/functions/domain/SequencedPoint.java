package dev.trainwatch.functions.domain;

/**
 * A stored metric point with the sequence number its job gave it.
 *
 * @param seq the job's event number of this point
 * @param point the point
 */
public record SequencedPoint(long seq, MetricPoint point) {}
