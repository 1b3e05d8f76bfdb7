package dev.trainwatch.functions.rest;

/**
 * A request the API refuses, with the HTTP status and a message naming the problem. Thrown before
 * anything is written, so a refused request leaves no trace.
 */
public class ApiException extends RuntimeException {

  private final int status;
  private final String error;

  private ApiException(int status, String error, String message) {
    super(message, null, false, false);
    this.status = status;
    this.error = error;
  }

  /** 400: the body or a parameter is wrong; the message says which and why. */
  public static ApiException badRequest(String message) {
    return new ApiException(400, "bad_request", message);
  }

  /** 404: the thing named in the path does not exist. */
  public static ApiException notFound(String message) {
    return new ApiException(404, "not_found", message);
  }

  public int status() {
    return status;
  }

  /** A short, stable code that clients can match on. */
  public String error() {
    return error;
  }
}
