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
import io.vertx.redis.client.ResponseType;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The token ids (jti) the functions revoked, kept in memory so a token check costs no round trip:
 * read from Redis (the sorted set {@code <prefix>:revoked}, ids scored by exp) whenever the relay's
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

  /** Reads every revocation still held in Redis: the ids whose token has not expired. */
  private void reload() {
    // A token is refused until a minute past its exp at the most (the functions' clock skew).
    long since = Instant.now().getEpochSecond() - 60;
    redis
        .zrangebyscore(List.of(names.revoked(), Long.toString(since), "+inf", "WITHSCORES"))
        .subscribe()
        .with(
            page -> {
              // id, exp, id, exp, ... (RESP2), or [id, exp] pairs (RESP3)
              List<String> flat = new ArrayList<>();
              for (Response item : page) {
                if (item.type() == ResponseType.MULTI) {
                  item.forEach(part -> flat.add(part.toString()));
                } else {
                  flat.add(item.toString());
                }
              }
              for (int i = 0; i + 1 < flat.size(); i += 2) {
                add(flat.get(i), (long) Double.parseDouble(flat.get(i + 1)));
              }
            },
            e -> Log.warnf("Revocations not read from Redis: %s", e.getMessage()));
  }
}
