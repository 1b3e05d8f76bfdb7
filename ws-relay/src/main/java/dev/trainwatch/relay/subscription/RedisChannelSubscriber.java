package dev.trainwatch.relay.subscription;

import dev.trainwatch.relay.config.RelayConfig;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The relay's Redis subscriber connections, shared by every channel: one per node that serves a
 * followed channel ({@link RedisTopology}). On one Redis server that is one connection; on a Redis
 * Cluster, a job's shard channel is subscribed on the master that owns its slot, so deliveries
 * spread over the shards, and plain channels (sessions, revocations) on any one node.
 *
 * <p>It connects at start-up (the relay fails to start when Redis cannot be reached in {@code
 * trainwatch.relay.connect-timeout}). When a connection is lost ({@link SubscriberConnection} says
 * when), or a node gives up a shard channel (its slot moved, a failover), it reads the topology
 * again and subscribes each of those channels on the node that serves it now, with backoff and
 * jitter until it can, and tells the listener of each one, so followers replay what they missed.
 * While a followed channel waits for that, {@link #connected} is false and readiness is DOWN.
 */
@ApplicationScoped
public class RedisChannelSubscriber implements ChannelSubscriber, SubscriberConnection.Events {

  private static final Duration FIRST_RETRY = Duration.ofMillis(200);
  private static final Duration LAST_RETRY = Duration.ofSeconds(5);

  private final RedisTopology topology;
  private final Vertx vertx;
  private final RelayConfig config;

  /** Channels followed, whether or not subscribed at the moment. */
  private final Set<String> wanted = ConcurrentHashMap.newKeySet();

  /** Where each subscribed channel is subscribed. */
  private final Map<String, SubscriberConnection> placed = new ConcurrentHashMap<>();

  /** Connections by node address, open or opening. */
  private final Map<String, CompletableFuture<SubscriberConnection>> connections =
      new ConcurrentHashMap<>();

  /** Followed channels whose connection was lost and which are not subscribed again yet. */
  private final Set<String> orphaned = ConcurrentHashMap.newKeySet();

  private volatile Listener listener;
  private volatile boolean stopping;
  private volatile boolean recovering;
  private long pingTimer = -1;

  public RedisChannelSubscriber(RedisTopology topology, Vertx vertx, RelayConfig config) {
    this.topology = topology;
    this.vertx = vertx;
    this.config = config;
  }

  void start(@Observes StartupEvent event) {
    try {
      Uni.createFrom()
          .completionStage(() -> topology.refresh().thenCompose(known -> anyConnection()))
          .await()
          .atMost(config.connectTimeout());
    } catch (RuntimeException e) {
      throw new IllegalStateException("cannot open a Redis subscriber connection", e);
    }
    Log.info("Redis subscriber connected");
    pingTimer = vertx.setPeriodic(config.subscriberCheck().toMillis(), id -> check());
  }

  void stop(@Observes ShutdownEvent event) {
    stopping = true;
    if (pingTimer >= 0) {
      vertx.cancelTimer(pingTimer);
    }
    connections.values().forEach(opening -> opening.thenAccept(SubscriberConnection::close));
    connections.clear();
  }

  @Override
  public void listen(Listener listener) {
    this.listener = listener;
  }

  @Override
  public CompletionStage<Void> subscribe(String channel) {
    wanted.add(channel);
    return place(channel)
        .whenComplete(
            (ok, failure) -> {
              if (failure != null) {
                wanted.remove(channel); // the caller forgets it
              }
            });
  }

  @Override
  public synchronized void unsubscribe(String channel) {
    wanted.remove(channel);
    orphaned.remove(channel);
    SubscriberConnection on = placed.remove(channel);
    if (on != null) {
      on.unsubscribe(channel);
    }
  }

  @Override
  public boolean connected() {
    return !connections.isEmpty() && orphaned.isEmpty();
  }

  @Override
  public void message(String channel, String text) {
    Listener current = listener;
    if (current != null) {
      current.onMessage(channel, text);
    }
  }

  @Override
  public void shardUnsubscribed(SubscriberConnection from, String channel) {
    synchronized (this) {
      if (!wanted.contains(channel) || !placed.remove(channel, from)) {
        return;
      }
      orphaned.add(channel);
    }
    Log.warnf(
        "Redis node %s ended the subscription of %s (its slot moved); subscribing again",
        from.address(), channel);
    recover(FIRST_RETRY);
  }

  @Override
  public void lost(SubscriberConnection which, Throwable cause) {
    int channels;
    synchronized (this) {
      CompletableFuture<SubscriberConnection> current = connections.get(which.address());
      if (stopping || current == null || current.getNow(null) != which) {
        return; // already replaced, or shutting down
      }
      connections.remove(which.address());
      List<String> on =
          placed.entrySet().stream()
              .filter(entry -> entry.getValue() == which)
              .map(Map.Entry::getKey)
              .toList();
      on.forEach(placed::remove);
      orphaned.addAll(on);
      channels = on.size();
    }
    which.close();
    Log.errorf(
        "Redis subscriber connection to %s lost (%s); subscribing its %d channels again",
        which.address(), cause == null ? "ended" : cause.toString(), channels);
    recover(FIRST_RETRY);
  }

  /** Subscribes the channel on the node that serves it, opening a connection there if needed. */
  private CompletionStage<Void> place(String channel) {
    return topology
        .nodeOf(channel)
        .thenCompose(this::connection)
        .thenCompose(on -> on.subscribe(channel).thenRun(() -> placed(channel, on)));
  }

  private synchronized void placed(String channel, SubscriberConnection on) {
    if (wanted.contains(channel)) {
      placed.put(channel, on);
    } else {
      on.unsubscribe(channel); // unfollowed while it was being subscribed
    }
  }

  /** A connection to some node, so that a relay following nothing yet knows Redis is there. */
  private CompletionStage<SubscriberConnection> anyConnection() {
    return topology.anyNode().thenCompose(this::connection);
  }

  private synchronized CompletionStage<SubscriberConnection> connection(RedisNode node) {
    CompletableFuture<SubscriberConnection> open = connections.get(node.address());
    if (open != null && !open.isCompletedExceptionally()) {
      return open;
    }
    CompletableFuture<SubscriberConnection> opening =
        SubscriberConnection.open(node, this).subscribeAsCompletionStage();
    connections.put(node.address(), opening);
    opening.whenComplete(
        (opened, failure) -> {
          if (failure != null) {
            connections.remove(node.address(), opening);
          }
        });
    return opening;
  }

  private void check() {
    if (stopping) {
      return;
    }
    connections.values().forEach(open -> open.thenAccept(on -> on.check(config.subscriberCheck())));
    if (connections.isEmpty()) {
      recover(FIRST_RETRY); // lost with nothing followed: connect again for readiness
    }
  }

  /**
   * Reads the topology again and subscribes every orphaned channel where it is served now; on a
   * failure, tries again after {@code wait} (doubling up to {@link #LAST_RETRY}, with jitter).
   */
  private void recover(Duration wait) {
    synchronized (this) {
      if (stopping || recovering) {
        return;
      }
      recovering = true;
    }
    long jittered =
        wait.toMillis() / 2 + ThreadLocalRandom.current().nextLong(wait.toMillis() / 2 + 1);
    vertx.setTimer(
        Math.max(1, jittered),
        id ->
            topology
                .refresh()
                .thenCompose(known -> anyConnection())
                .thenCompose(
                    any ->
                        CompletableFuture.allOf(
                            List.copyOf(orphaned).stream()
                                .map(this::resubscribe)
                                .toArray(CompletableFuture[]::new)))
                .whenComplete(
                    (ok, failure) -> {
                      synchronized (this) {
                        recovering = false;
                      }
                      if (failure != null || !orphaned.isEmpty()) {
                        Duration next = wait.multipliedBy(2);
                        recover(next.compareTo(LAST_RETRY) > 0 ? LAST_RETRY : next);
                      } else {
                        Log.info("Redis subscriber connections restored");
                      }
                    }));
  }

  private CompletableFuture<Void> resubscribe(String channel) {
    if (!wanted.contains(channel)) {
      orphaned.remove(channel);
      return CompletableFuture.completedFuture(null);
    }
    return place(channel)
        .thenRun(
            () -> {
              orphaned.remove(channel);
              Listener current = listener;
              if (current != null) {
                current.onResubscribed(channel);
              }
            })
        .toCompletableFuture();
  }
}
