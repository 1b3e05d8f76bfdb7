package dev.trainwatch.functions.auth;

/**
 * A session the token may not follow: answered 404, as if it did not exist, since sessions are per
 * project and the token does not grant this one.
 */
public class NoSuchSessionException extends RuntimeException {

  public NoSuchSessionException(long sessionId, String project) {
    super(
        "no session " + sessionId + " in project '" + project + "' for this token",
        null,
        false,
        false);
  }
}
