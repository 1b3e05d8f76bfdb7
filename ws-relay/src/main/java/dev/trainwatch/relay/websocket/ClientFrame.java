package dev.trainwatch.relay.websocket;

/** A frame a browser sent, as the relay understood it (docs/protocol.md lists them). */
sealed interface ClientFrame {

  /** {@code {"type":"ping"}}: answered with a pong. */
  record Ping() implements ClientFrame {}

  /**
   * {@code {"type":"auth","token":T}}: the subscription token of a socket opened without {@code
   * token} in its query; it must be the socket's first frame.
   *
   * @param token the token
   */
  record Auth(String token) implements ClientFrame {}

  /**
   * {@code {"type":"subscribe","job_id":N|"session_id":N,"since":S?,"token":T?}}, or {@code
   * {"type":"resume","job_id":N,"since":S,"token":T?}}: follow the target, replaying a job after
   * {@code since}. {@code token} is needed when no token the socket presented covers the target.
   *
   * @param target what to follow
   * @param since the last seq the client has of the job, or null for live events only
   * @param token a subscription token for the target, or null
   */
  record Subscribe(FollowTarget target, Long since, String token) implements ClientFrame {}

  /**
   * {@code {"type":"unsubscribe","job_id":N|"session_id":N}}: stop following the target.
   *
   * @param target what to stop following
   */
  record Unsubscribe(FollowTarget target) implements ClientFrame {}

  /**
   * A frame the relay cannot act on; the socket stays open and gets an error frame.
   *
   * @param message what is wrong with it
   */
  record Invalid(String message) implements ClientFrame {}
}
