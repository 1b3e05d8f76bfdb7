package dev.trainwatch.relay.subscription;

/** One receiver of a channel's messages, such as a browser socket. */
public interface Follower {

  /**
   * Called once, when Redis has confirmed the channel's subscription (or at once, when it already
   * had), and before any message of the channel is sent to this follower: from here on, every
   * message published on the channel reaches it.
   */
  void subscribed();

  /** Called instead of {@link #subscribed} when the channel could not be subscribed. */
  void failed(Throwable cause);

  /**
   * Hands {@code message} on without blocking.
   *
   * @return false when the follower is gone, so it is dropped from its channel
   */
  boolean send(String message);
}
