package dev.trainwatch.relay.websocket;

/** A frame a browser sent, as the relay understood it (docs/protocol.md lists them). */
sealed interface ClientFrame {

  /** {@code {"type":"ping"}}: answered with a pong. */
  record Ping() implements ClientFrame {}

  /**
   * {@code {"type":"subscribe","job_id":N|"session_id":N,"since":S?}}, or {@code
   * {"type":"resume","job_id":N,"since":S}}: follow the target, replaying a job after {@code
   * since}.
   *
   * @param target what to follow
   * @param since the last seq the client has of the job, or null for live events only
   */
  record Subscribe(FollowTarget target, Long since) implements ClientFrame {}

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
