package dev.trainwatch.functions.domain;

/**
 * What an executor sees of a job at one moment.
 *
 * @param status the status it implies
 * @param reason why it failed, or null
 * @param message why it is in that status, for people, or null; at most {@link LogText#MAX_PART}
 *     characters, a longer one is cut with a mark ({@link LogText#cut}), and stored text ({@link
 *     StoredText})
 */
public record Observation(JobStatus status, FailureReason reason, String message) {

  public Observation {
    message = message == null ? null : StoredText.of(LogText.cut(message, LogText.MAX_PART));
  }

  /** A status with nothing more to say. */
  public static Observation of(JobStatus status) {
    return new Observation(status, null, null);
  }

  /** A failure with its reason and message. */
  public static Observation failed(FailureReason reason, String message) {
    return new Observation(JobStatus.FAILED, reason, message);
  }
}
