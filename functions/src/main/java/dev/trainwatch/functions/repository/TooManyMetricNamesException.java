package dev.trainwatch.functions.repository;

/**
 * A batch would give its job more distinct metric names than {@code max-metric-names-per-job}
 * allows; nothing of it was stored. Answered 400 ({@code too_many_metric_names}).
 */
public class TooManyMetricNamesException extends RuntimeException {

  public TooManyMetricNamesException(long jobId, int known, long fresh, int most) {
    super(
        "job "
            + jobId
            + " has "
            + known
            + " metric names and this batch brings "
            + fresh
            + " more; a job may have "
            + most
            + " at most (trainwatch.ingest.max-metric-names-per-job)");
  }
}
