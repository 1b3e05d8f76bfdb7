package dev.trainwatch.relay.subscription;

import dev.trainwatch.relay.config.RelayConfig;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.RedisConnection;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The relay's one Redis subscriber connection, shared by every channel: SUBSCRIBE and UNSUBSCRIBE
 * go out on it and Redis pushes each {@code ["message", channel, text]} back on it.
 *
 * <p>It connects at start-up and the relay fails to start when Redis cannot be reached in {@code
 * trainwatch.relay.connect-timeout}. Commands are written in the order of the calls. A lost
 * connection is logged and reported as not connected (the readiness check then says DOWN), but it
 * is not reconnected and its channels are not subscribed again: the relay must be restarted.
 */
@ApplicationScoped
public class RedisChannelSubscriber implements ChannelSubscriber {

  private final Redis redis;
  private final RelayConfig config;
  private volatile Listener listener = (channel, message) -> {};
  private volatile RedisConnection connection;
  private volatile boolean stopping;

  public RedisChannelSubscriber(Redis redis, RelayConfig config) {
    this.redis = redis;
    this.config = config;
  }

  void start(@Observes StartupEvent event) {
    RedisConnection opened;
    try {
      opened = redis.connect().await().atMost(config.connectTimeout());
    } catch (RuntimeException e) {
      throw new IllegalStateException("cannot open the Redis subscriber connection", e);
    }
    opened.handler(this::onPush).exceptionHandler(this::onFailure).endHandler(this::onEnd);
    connection = opened;
    Log.info("Redis subscriber connected");
  }

  void stop(@Observes ShutdownEvent event) {
    stopping = true;
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
    return send(Command.SUBSCRIBE, "SUBSCRIBE", channel);
  }

  @Override
  public synchronized void unsubscribe(String channel) {
    send(Command.UNSUBSCRIBE, "UNSUBSCRIBE", channel);
  }

  @Override
  public boolean connected() {
    return connection != null;
  }

  /**
   * Sends the command; the stage completes in the connection's reply handler, which runs on the
   * same thread as {@link #onPush} and before the pushes that follow the reply.
   */
  private CompletableFuture<Void> send(Command command, String name, String channel) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    RedisConnection open = connection;
    if (open == null) {
      Log.warnf("Redis subscriber is not connected; %s %s is not sent", name, channel);
      done.completeExceptionally(new IllegalStateException("Redis subscriber is not connected"));
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

  private void onPush(Response push) {
    if (push.size() == 3 && "message".equals(push.get(0).toString())) {
      listener.onMessage(push.get(1).toString(), push.get(2).toString());
    }
  }

  private void onFailure(Throwable e) {
    Log.errorf(e, "Redis subscriber connection failed");
  }

  private void onEnd() {
    connection = null;
    if (!stopping) {
      Log.error(
          "Redis subscriber connection ended; no more events reach browsers until the relay restarts");
    }
  }
}
