package dev.trainwatch.relay.auth;

/** A subscription token the relay does not accept; the message says why, never the token. */
public class TokenRefusedException extends RuntimeException {

  public TokenRefusedException(String reason) {
    super(reason);
  }
}
