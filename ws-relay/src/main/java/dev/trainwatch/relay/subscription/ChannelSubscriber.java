package dev.trainwatch.relay.subscription;

import java.util.concurrent.CompletionStage;

/**
 * Subscribes the relay to Redis channels and passes on what is published there. It keeps no count
 * of who follows a channel; {@link SubscriptionRegistry} decides when to subscribe and unsubscribe.
 */
public interface ChannelSubscriber {

  /** Receives every message published on a subscribed channel. */
  interface Listener {
    /** Called with the channel and the message text exactly as published. */
    void onMessage(String channel, String message);

    /**
     * Called when the connection was lost and the channel is subscribed again: messages published
     * in between were missed.
     */
    void onResubscribed(String channel);
  }

  /** Sets the one listener of all channels, replacing any earlier one. */
  void listen(Listener listener);

  /**
   * Starts receiving the channel's messages. The stage completes when Redis confirms, on the thread
   * that then delivers the channel's messages and before the first of them; it fails when the
   * subscription cannot be made.
   */
  CompletionStage<Void> subscribe(String channel);

  /** Stops receiving the channel's messages; it returns without waiting for Redis. */
  void unsubscribe(String channel);

  /** Whether the subscriber can receive messages at all. */
  boolean connected();
}
