package dev.trainwatch.relay.subscription;

import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.RedisConnection;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import io.vertx.redis.client.ResponseType;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One subscriber connection to one Redis node: SUBSCRIBE and UNSUBSCRIBE, or SSUBSCRIBE and
 * SUNSUBSCRIBE for a shard channel (a name with a hash tag, such as a job's {@code tw:job:{42}};
 * Redis 7), go out on it, and the node pushes each {@code ["message" | "smessage", channel, text]}
 * back on it.
 *
 * <p>It tells its owner when it is lost: it fails or ends, or does not answer a PING within the
 * check interval (a client can lose a subscription without any error); and when the node ends a
 * shard channel's subscription by itself (its slot moved to another node, or a failover made this
 * node a replica). It never reconnects or subscribes again by itself: its owner does.
 */
final class SubscriberConnection {

  /** What the owner is told. */
  interface Events {
    /** A message of a subscribed channel, as published. */
    void message(String channel, String text);

    /** The node ended the subscription of a shard channel that was not unsubscribed here. */
    void shardUnsubscribed(SubscriberConnection from, String channel);

    /** The connection failed or ended ({@code cause} null), or stopped answering. */
    void lost(SubscriberConnection which, Throwable cause);
  }

  /** The kinds of push that carry a message: of a channel, of a shard channel. */
  private static final Set<String> MESSAGES = Set.of("message", "smessage");

  /** The kinds of push that confirm a subscription. */
  private static final Set<String> CONFIRMATIONS = Set.of("subscribe", "ssubscribe");

  private final RedisNode node;
  private final RedisConnection connection;
  private final Events events;

  /** Shard channels unsubscribed here: the node's sunsubscribe of them is the answer. */
  private final Set<String> leaving = ConcurrentHashMap.newKeySet();

  /**
   * Subscriptions sent and not yet confirmed. The node confirms with a push ({@code subscribe} or
   * {@code ssubscribe}, channel, count) ahead of the channel's first message; the client library
   * does not take a shard channel's confirmation as the command's reply, so the push completes it.
   */
  private final Map<String, CompletableFuture<Void>> confirming = new ConcurrentHashMap<>();

  /** When the connection last delivered a push (System.nanoTime). */
  private volatile long lastPushNanos;

  private SubscriberConnection(RedisNode node, RedisConnection connection, Events events) {
    this.node = node;
    this.connection = connection;
    this.events = events;
    connection
        .handler(this::onPush)
        .exceptionHandler(e -> events.lost(this, e))
        .endHandler(() -> events.lost(this, null));
  }

  /**
   * Opens a connection to {@code node} that has answered a PING: a connection the node accepts but
   * refuses commands on (a wrong or missing password answers NOAUTH) does not count.
   */
  static Uni<SubscriberConnection> open(RedisNode node, Events events) {
    return node.client()
        .connect()
        .flatMap(
            opened ->
                opened
                    .send(Request.cmd(Command.PING))
                    .replaceWith(opened)
                    .onFailure()
                    .invoke(e -> opened.closeAndForget()))
        .map(opened -> new SubscriberConnection(node, opened, events));
  }

  /** Whether {@code channel} is a shard channel: its name has a hash tag, {@code {...}}. */
  static boolean sharded(String channel) {
    int open = channel.indexOf('{');
    return open >= 0 && channel.indexOf('}', open + 2) > 0;
  }

  /** The node's address. */
  String address() {
    return node.address();
  }

  /**
   * Subscribes the channel. The stage completes on the thread of {@link #onPush}, when the node
   * confirms and before the channel's first message; it fails when the node refuses.
   */
  CompletableFuture<Void> subscribe(String channel) {
    leaving.remove(channel);
    CompletableFuture<Void> confirmed =
        confirming.computeIfAbsent(channel, pending -> new CompletableFuture<>());
    send(sharded(channel) ? Command.SSUBSCRIBE : Command.SUBSCRIBE, channel)
        .whenComplete(
            (reply, failure) -> {
              if (failure != null) {
                confirming.remove(channel, confirmed);
                confirmed.completeExceptionally(failure);
              } else {
                confirmed(channel); // the library took the confirmation as the reply
              }
            });
    return confirmed;
  }

  /** Unsubscribes the channel, without waiting for the answer. */
  void unsubscribe(String channel) {
    boolean shard = sharded(channel);
    if (shard) {
      leaving.add(channel);
    }
    send(shard ? Command.SUNSUBSCRIBE : Command.UNSUBSCRIBE, channel);
  }

  /**
   * PINGs the node unless a push came within {@code interval}: under a flood, a PING's answer waits
   * behind the messages and would time out on a healthy connection. No answer within the interval
   * counts as lost.
   */
  void check(Duration interval) {
    if (System.nanoTime() - lastPushNanos < interval.toNanos()) {
      return;
    }
    connection
        .send(Request.cmd(Command.PING))
        .ifNoItem()
        .after(interval)
        .fail()
        .subscribe()
        .with(pong -> {}, e -> events.lost(this, e));
  }

  void close() {
    connection.closeAndForget();
  }

  private void confirmed(String channel) {
    CompletableFuture<Void> pending = confirming.remove(channel);
    if (pending != null) {
      pending.complete(null);
    }
  }

  private CompletableFuture<Void> send(Command command, String channel) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    connection
        .send(Request.cmd(command).arg(channel))
        .subscribe()
        .with(
            reply -> done.complete(null),
            e -> {
              Log.errorf(e, "Redis %s %s on %s failed", command, channel, node.address());
              done.completeExceptionally(e);
            });
    return done;
  }

  /**
   * A push of the node: a message, or a shard channel's subscription ended. Anything else the
   * connection hands here (a late reply to a PING that timed out is a plain string) is ignored.
   */
  private void onPush(Response push) {
    lastPushNanos = System.nanoTime();
    boolean array = push.type() == ResponseType.MULTI || push.type() == ResponseType.PUSH;
    if (!array || push.size() != 3) {
      return;
    }
    String kind = push.get(0).toString();
    String channel = push.get(1).toString();
    if (MESSAGES.contains(kind)) {
      events.message(channel, push.get(2).toString());
    } else if (CONFIRMATIONS.contains(kind)) {
      confirmed(channel);
    } else if ("sunsubscribe".equals(kind) && !leaving.remove(channel)) {
      events.shardUnsubscribed(this, channel);
    }
  }
}
