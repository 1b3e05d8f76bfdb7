package dev.trainwatch.relay.auth;

import dev.trainwatch.relay.config.RedisNames;
import dev.trainwatch.relay.config.RelayConfig;
import dev.trainwatch.relay.history.EventId;
import dev.trainwatch.relay.subscription.Follower;
import dev.trainwatch.relay.subscription.SubscriptionRegistry;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.redis.client.RedisAPI;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The token ids (jti) the functions revoked, kept in memory so a token check costs no round trip:
 * read from Redis ({@code <prefix>:revoked:<jti>}, the value its exp) whenever the relay's
 * subscription to {@code <prefix>:revocations} is made or made again, and added to by that
 * channel's messages ({@code {"jti":..,"exp":..}}), which also close the sockets that hold the
 * token. An id is forgotten once its token would have expired.
 */
@ApplicationScoped
public class RevokedTokens implements Follower {

  private final RedisAPI redis;
  private final RedisNames names;
  private final Map<String, Long> expiries = new ConcurrentHashMap<>();
  private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();

  public RevokedTokens(RedisAPI redis, RelayConfig config) {
    this.redis = redis;
    this.names = RedisNames.of(config);
  }

  void follow(@Observes StartupEvent event, SubscriptionRegistry registry) {
    registry.add(names.revocations(), this);
  }

  /** Whether the token with id {@code jti} was revoked. */
  public boolean isRevoked(String jti) {
    return jti != null && expiries.containsKey(jti);
  }

  /** Calls {@code listener} with the id of every token revoked from now on. */
  public void onRevoked(Consumer<String> listener) {
    listeners.add(listener);
  }

  @Override
  public void subscribed(String channel) {
    reload();
  }

  @Override
  public void resubscribed(String channel) {
    reload();
  }

  @Override
  public void failed(String channel, Throwable cause) {
    Log.warnf("Revocations cannot be followed: %s", cause.getMessage());
  }

  @Override
  public boolean send(String message, EventId id) {
    try {
      JsonObject revocation = new JsonObject(message);
      add(revocation.getString("jti"), revocation.getLong("exp", Long.MAX_VALUE));
    } catch (RuntimeException e) {
      Log.debugf("Not a revocation: %s", e.getMessage());
    }
    return true;
  }

  private void add(String jti, long exp) {
    if (jti == null) {
      return;
    }
    expiries.put(jti, exp);
    listeners.forEach(listener -> listener.accept(jti));
    long now = Instant.now().getEpochSecond();
    expiries.values().removeIf(until -> until < now - 60);
  }

  /** Reads every revocation still held in Redis, page by page. */
  private void reload() {
    scan("0");
  }

  private void scan(String cursor) {
    redis
        .scan(List.of(cursor, "MATCH", names.revoked("*"), "COUNT", "500"))
        .subscribe()
        .with(
            page -> {
              Response keys = page.get(1);
              for (Response key : keys) {
                String name = key.toString();
                redis
                    .get(name)
                    .subscribe()
                    .with(
                        value ->
                            add(
                                names.revokedJti(name),
                                value == null ? Long.MAX_VALUE : value.toLong()),
                        e -> Log.debugf("Revocation %s not read: %s", name, e.getMessage()));
              }
              String next = page.get(0).toString();
              if (!"0".equals(next)) {
                scan(next);
              }
            },
            e -> Log.warnf("Revocations not read from Redis: %s", e.getMessage()));
  }
}
