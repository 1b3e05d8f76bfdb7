package dev.trainwatch.functions.auth;

/** A valid token that does not allow this request (answered 403). */
public class AccessDeniedException extends RuntimeException {

  public AccessDeniedException(String message) {
    super(message);
  }
}
