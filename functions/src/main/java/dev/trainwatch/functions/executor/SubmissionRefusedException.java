package dev.trainwatch.functions.executor;

/**
 * A submission its executor refuses before anything is stored: a setting of this server forbids it
 * (answered 400), or the project already runs as much as it may (answered 429, retry later). The
 * message names the setting or the limit.
 */
public class SubmissionRefusedException extends RuntimeException {

  private final boolean busy;

  private SubmissionRefusedException(String message, boolean busy) {
    super(message, null, false, false);
    this.busy = busy;
  }

  /** The server's settings forbid this submission (400); retrying it will not help. */
  public static SubmissionRefusedException notAllowed(String message) {
    return new SubmissionRefusedException(message, false);
  }

  /** The project is at its limit now (429); the same submission may pass once a job ends. */
  public static SubmissionRefusedException busy(String message) {
    return new SubmissionRefusedException(message, true);
  }

  /** Whether the refusal is temporary (429) rather than final (400). */
  public boolean busy() {
    return busy;
  }
}
