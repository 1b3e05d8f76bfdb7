package dev.trainwatch.functions.rest;

/**
 * A request the API refuses, with the HTTP status and a message naming the problem. Thrown before
 * anything is written, so a refused request leaves no trace.
 */
public class ApiException extends RuntimeException {

  private final int status;
  private final String error;
  private final long retryAfterSeconds;

  private ApiException(int status, String error, String message, long retryAfterSeconds) {
    super(message, null, false, false);
    this.status = status;
    this.error = error;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  /** 400: the body or a parameter is wrong; the message says which and why. */
  public static ApiException badRequest(String message) {
    return new ApiException(400, "bad_request", message, 0);
  }

  /** 429: the job reports faster than its configured rate; retry after the given seconds. */
  public static ApiException tooManyRequests(long retryAfterSeconds) {
    return new ApiException(
        429,
        "rate_limited",
        "this job reports faster than its limit; retry after " + retryAfterSeconds + " s",
        retryAfterSeconds);
  }

  public int status() {
    return status;
  }

  /** Seconds the client should wait before retrying (a Retry-After header), or 0 for none. */
  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }

  /** A short, stable code that clients can match on. */
  public String error() {
    return error;
  }
}
