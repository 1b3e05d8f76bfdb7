package dev.trainwatch.relay.subscription;

import dev.trainwatch.relay.config.RelayConfig;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.RedisConnection;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import io.vertx.redis.client.ResponseType;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The relay's one Redis subscriber connection, shared by every channel: SUBSCRIBE and UNSUBSCRIBE
 * go out on it and Redis pushes each {@code ["message", channel, text]} back on it.
 *
 * <p>It connects at start-up (the relay fails to start when Redis cannot be reached in {@code
 * trainwatch.relay.connect-timeout}). When the connection fails, ends, or stops answering the
 * periodic PING (the client can lose a subscription without any error), it reconnects with backoff
 * and jitter, subscribes every channel again, and tells the listener of each one, so followers
 * replay what they missed. While it is down, {@link #connected} is false and readiness is DOWN.
 */
@ApplicationScoped
public class RedisChannelSubscriber implements ChannelSubscriber {

  private static final Duration FIRST_RETRY = Duration.ofMillis(200);
  private static final Duration LAST_RETRY = Duration.ofSeconds(5);

  private final Redis redis;
  private final Vertx vertx;
  private final RelayConfig config;
  private final Set<String> channels = ConcurrentHashMap.newKeySet();
  private volatile Listener listener;
  private volatile RedisConnection connection;
  private volatile boolean stopping;
  private volatile boolean reconnecting;
  private long pingTimer = -1;

  /** When the subscribed connection last delivered a message (System.nanoTime). */
  private volatile long lastPushNanos;

  public RedisChannelSubscriber(Redis redis, Vertx vertx, RelayConfig config) {
    this.redis = redis;
    this.vertx = vertx;
    this.config = config;
  }

  void start(@Observes StartupEvent event) {
    try {
      attach(connectChecked().await().atMost(config.connectTimeout()));
    } catch (RuntimeException e) {
      throw new IllegalStateException("cannot open the Redis subscriber connection", e);
    }
    Log.info("Redis subscriber connected");
    pingTimer = vertx.setPeriodic(config.subscriberCheck().toMillis(), id -> check());
  }

  void stop(@Observes ShutdownEvent event) {
    stopping = true;
    if (pingTimer >= 0) {
      vertx.cancelTimer(pingTimer);
    }
    RedisConnection open = connection;
    connection = null;
    if (open != null) {
      open.closeAndForget();
    }
  }

  @Override
  public void listen(Listener listener) {
    this.listener = listener;
  }

  @Override
  public synchronized CompletionStage<Void> subscribe(String channel) {
    CompletableFuture<Void> done = send(Command.SUBSCRIBE, "SUBSCRIBE", channel);
    if (connection != null) {
      channels.add(channel); // subscribed again after a reconnection
    }
    return done;
  }

  @Override
  public synchronized void unsubscribe(String channel) {
    channels.remove(channel);
    send(Command.UNSUBSCRIBE, "UNSUBSCRIBE", channel);
  }

  @Override
  public boolean connected() {
    return connection != null;
  }

  /**
   * A new connection that has answered a PING: a connection Redis accepts but refuses commands on
   * (a wrong or missing password answers NOAUTH) does not count as connected.
   */
  private Uni<RedisConnection> connectChecked() {
    return redis
        .connect()
        .flatMap(
            opened ->
                opened
                    .send(Request.cmd(Command.PING))
                    .replaceWith(opened)
                    .onFailure()
                    .invoke(e -> opened.closeAndForget()));
  }

  private void attach(RedisConnection opened) {
    opened
        .handler(this::onPush)
        .exceptionHandler(e -> lost(opened, e))
        .endHandler(() -> lost(opened, null));
    connection = opened;
  }

  /**
   * A PING on the subscribed connection; no answer within the check interval counts as lost. A
   * connection that delivered a message within the interval is alive and is not asked: under a
   * flood, a PING's answer waits behind the messages and would time out on a healthy connection.
   */
  private void check() {
    RedisConnection open = connection;
    if (open == null || stopping) {
      return;
    }
    if (System.nanoTime() - lastPushNanos < config.subscriberCheck().toNanos()) {
      return;
    }
    open.send(Request.cmd(Command.PING))
        .ifNoItem()
        .after(config.subscriberCheck())
        .fail()
        .subscribe()
        .with(pong -> {}, e -> lost(open, e));
  }

  private void lost(RedisConnection which, Throwable cause) {
    synchronized (this) {
      if (stopping || connection != which) {
        return; // already replaced, or shutting down
      }
      connection = null;
    }
    which.closeAndForget();
    Log.errorf(
        "Redis subscriber connection lost (%s); reconnecting",
        cause == null ? "ended" : cause.toString());
    reconnect(FIRST_RETRY);
  }

  private void reconnect(Duration wait) {
    if (stopping || reconnecting) {
      return;
    }
    reconnecting = true;
    long jittered =
        wait.toMillis() / 2 + ThreadLocalRandom.current().nextLong(wait.toMillis() / 2 + 1);
    vertx.setTimer(
        Math.max(1, jittered),
        id ->
            connectChecked()
                .subscribe()
                .with(
                    opened -> {
                      reconnecting = false;
                      attach(opened);
                      Log.infof(
                          "Redis subscriber reconnected; subscribing %d channels again",
                          channels.size());
                      channels.forEach(this::resubscribe);
                    },
                    e -> {
                      reconnecting = false;
                      Duration next = wait.multipliedBy(2);
                      reconnect(next.compareTo(LAST_RETRY) > 0 ? LAST_RETRY : next);
                    }));
  }

  private void resubscribe(String channel) {
    send(Command.SUBSCRIBE, "SUBSCRIBE", channel)
        .thenRun(
            () -> {
              Listener current = listener;
              if (current != null) {
                current.onResubscribed(channel);
              }
            });
  }

  /**
   * Sends the command; the stage completes in the connection's reply handler, which runs on the
   * same thread as {@link #onPush} and before the pushes that follow the reply.
   */
  private CompletableFuture<Void> send(Command command, String name, String channel) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    RedisConnection open = connection;
    if (open == null) {
      Log.warnf(
          "Redis subscriber is not connected; %s %s waits for the reconnection", name, channel);
      if (command == Command.SUBSCRIBE) {
        done.completeExceptionally(new IllegalStateException("Redis subscriber is not connected"));
      } else {
        done.complete(null);
      }
      return done;
    }
    open.send(Request.cmd(command).arg(channel))
        .subscribe()
        .with(
            reply -> done.complete(null),
            e -> {
              Log.errorf(e, "Redis %s %s failed", name, channel);
              done.completeExceptionally(e);
            });
    return done;
  }

  /**
   * A message of a subscribed channel. Anything else the connection hands here (a late reply to a
   * PING that timed out is a plain string) is not a message and is ignored.
   */
  private void onPush(Response push) {
    lastPushNanos = System.nanoTime();
    Listener current = listener;
    boolean array = push.type() == ResponseType.MULTI || push.type() == ResponseType.PUSH;
    if (current != null && array && push.size() == 3 && "message".equals(push.get(0).toString())) {
      current.onMessage(push.get(1).toString(), push.get(2).toString());
    }
  }
}
