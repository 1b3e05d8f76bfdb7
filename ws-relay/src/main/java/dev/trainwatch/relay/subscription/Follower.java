package dev.trainwatch.relay.subscription;

import dev.trainwatch.relay.history.EventId;

/** One receiver of channels' messages, such as a browser socket; it may follow several channels. */
public interface Follower {

  /**
   * Called once per channel it is added to, when Redis has confirmed the subscription (or at once,
   * when it already had), and before any message of that channel is sent to this follower.
   */
  void subscribed(String channel);

  /** Called instead of {@link #subscribed} when the channel could not be subscribed. */
  void failed(String channel, Throwable cause);

  /** Called when the channel's subscription was lost and is back: messages may have been missed. */
  void resubscribed(String channel);

  /**
   * Hands {@code message} on without blocking.
   *
   * @param id the message's job and seq, read once for all of the channel's followers; null when it
   *     is not an event of the protocol
   * @return false when the follower is gone, so it is dropped from its channel
   */
  boolean send(String message, EventId id);
}
