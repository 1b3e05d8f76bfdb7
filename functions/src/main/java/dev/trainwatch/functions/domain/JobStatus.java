package dev.trainwatch.functions.domain;

/**
 * The states of a training job, as clients see them (lower case on the wire and in the database).
 */
public enum JobStatus implements WireEnum {
  /** Submitted and stored; not yet seen running. */
  PENDING,
  /** Its executor reports it running, or it has reported a metric or a log line. */
  RUNNING,
  /** Finished with success. Final. */
  COMPLETED,
  /** Finished without success; the job carries the reason. Final. */
  FAILED,
  /** Stopped at a user's request. Final. */
  CANCELLED
}
