package dev.trainwatch.functions.repository;

import java.util.List;
import java.util.Map;

/**
 * A count of jobs for the job-level gauges.
 *
 * @param byStatus how many jobs are in each status (wire names; absent statuses have none)
 * @param active every pending or running job with its ages
 */
public record JobCensus(Map<String, Long> byStatus, List<ActiveAge> active) {

  /**
   * The ages of one active job.
   *
   * @param jobId the job
   * @param status pending or running
   * @param sinceSubmitted seconds since it was submitted
   * @param sinceLastEvent seconds since its last event (or status change)
   */
  public record ActiveAge(
      long jobId, String status, double sinceSubmitted, double sinceLastEvent) {}
}
