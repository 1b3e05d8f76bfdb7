package dev.trainwatch.relay.subscription;

import dev.trainwatch.relay.history.EventId;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who follows which channel: subscribes a channel when its first follower arrives, unsubscribes it
 * when its last one leaves, and hands each message of a channel to all its followers.
 *
 * <p>Adding and removing take one lock, and the subscribe or unsubscribe they cause is issued under
 * it, so a channel is never unsubscribed while a follower of it is being added and the commands
 * reach the subscriber in the order of the changes. Delivery takes no lock. A follower is told
 * {@link Follower#subscribed} before it can be handed any message, so a greeting it sends there
 * goes out ahead of every event. It does not know what a follower is (see the websocket package)
 * nor how channels are named.
 */
@ApplicationScoped
public class SubscriptionRegistry {

  /** A subscribed (or subscribing) channel and its followers. */
  private record Channel(CompletableFuture<Void> subscribed, Set<Follower> followers) {}

  private final ChannelSubscriber subscriber;
  private final Map<String, Channel> channels = new ConcurrentHashMap<>();
  private final Object lock = new Object();
  private int followerCount;

  public SubscriptionRegistry(ChannelSubscriber subscriber) {
    this.subscriber = subscriber;
    subscriber.listen(
        new ChannelSubscriber.Listener() {
          @Override
          public void onMessage(String channel, String message) {
            deliver(channel, message);
          }

          @Override
          public void onResubscribed(String channel) {
            Channel entry = channels.get(channel);
            if (entry != null) {
              entry.followers().forEach(follower -> follower.resubscribed(channel));
            }
          }
        });
  }

  /**
   * Makes {@code follower} receive the channel's messages once the channel is subscribed; adding it
   * twice has no effect. When the subscription fails, the follower is told so and not added.
   */
  public void add(String channel, Follower follower) {
    synchronized (lock) {
      Channel entry = channels.get(channel);
      if (entry == null) {
        entry = new Channel(new CompletableFuture<>(), ConcurrentHashMap.newKeySet());
        channels.put(channel, entry);
        Channel created = entry;
        subscriber
            .subscribe(channel)
            .whenComplete(
                (ok, failure) -> {
                  if (failure == null) {
                    created.subscribed().complete(null);
                  } else {
                    forget(channel, created);
                    created.subscribed().completeExceptionally(failure);
                  }
                });
      }
      if (entry.followers().contains(follower)) {
        return;
      }
      // Told before it joins the set when the channel is subscribed already; otherwise told by the
      // subscriber's thread before that thread delivers the channel's first message.
      entry
          .subscribed()
          .whenComplete(
              (ok, failure) -> {
                if (failure == null) {
                  follower.subscribed(channel);
                } else {
                  follower.failed(channel, failure);
                }
              });
      if (entry.subscribed().isCompletedExceptionally()) {
        return;
      }
      entry.followers().add(follower);
      followerCount++;
    }
  }

  /**
   * Stops {@code follower} receiving the channel's messages; removing an absent one is harmless.
   */
  public void remove(String channel, Follower follower) {
    synchronized (lock) {
      Channel entry = channels.get(channel);
      if (entry == null || !entry.followers().remove(follower)) {
        return;
      }
      followerCount--;
      if (entry.followers().isEmpty()) {
        channels.remove(channel);
        subscriber.unsubscribe(channel);
      }
    }
  }

  /** Followers of all channels. */
  public int followerCount() {
    synchronized (lock) {
      return followerCount;
    }
  }

  /** Channels with at least one follower, which are the subscribed ones. */
  public int channelCount() {
    return channels.size();
  }

  /**
   * Drops a channel whose subscription failed, with its followers (they are told by the caller).
   */
  private void forget(String channel, Channel entry) {
    synchronized (lock) {
      if (channels.remove(channel, entry)) {
        followerCount -= entry.followers().size();
      }
    }
  }

  private void deliver(String channel, String message) {
    Channel entry = channels.get(channel);
    if (entry == null) {
      return;
    }
    // Read once here, not once per socket: a job's event goes to every socket that follows it.
    EventId id = EventId.of(message);
    for (Follower follower : entry.followers()) {
      if (!follower.send(message, id)) {
        remove(channel, follower);
      }
    }
  }
}
