package dev.trainwatch.functions.auth;

import dev.trainwatch.functions.config.RedisNames;
import dev.trainwatch.functions.config.TrainwatchConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.redis.client.RedisAPI;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The revoked token ids (jti), held in Redis until the token would have expired anyway: members of
 * the sorted set {@code <prefix>:revoked} scored by the token's exp (epoch seconds), and a message
 * {@code {"jti":..,"exp":..}} on {@code <prefix>:revocations} so the relay closes sockets at once.
 * Both apps refuse a revoked token within a second: an answer "not revoked" is kept here for
 * {@value #RECHECK_MILLIS} ms per token (a token in use is then asked about once a second, not once
 * per request), and requests that ask about the same token at once share one question; a token
 * revoked through this process is refused by it at once.
 */
@ApplicationScoped
public class RevokedTokens {

  /** Seconds a revocation outlives its token: the clock skew the verifiers allow (60 s). */
  private static final long SKEW_SECONDS = 60;

  /** How long a token found not revoked is not asked about again. */
  static final long RECHECK_MILLIS = 1_000;

  /** Tokens kept as not revoked, at most; past it they are all asked about again. */
  private static final int REMEMBERED = 10_000;

  private final RedisAPI redis;
  private final RedisNames names;

  /** "jti parent" of tokens found not revoked, with when that was read (System.nanoTime). */
  private final Map<String, Long> notRevoked = new ConcurrentHashMap<>();

  /** The question on its way to Redis per "jti parent": a burst of requests asks once. */
  private final Map<String, Uni<Boolean>> asking = new ConcurrentHashMap<>();

  /**
   * Ids revoked through this process, with their exp (epoch seconds): refused here at once, also
   * while an answer read before the revocation is still on its way.
   */
  private final Map<String, Long> revokedHere = new ConcurrentHashMap<>();

  public RevokedTokens(RedisAPI redis, TrainwatchConfig config) {
    this.redis = redis;
    this.names = RedisNames.of(config);
  }

  /** Whether the token with id {@code jti}, or its parent (null for none), was revoked. */
  public Uni<Boolean> isRevoked(String jti, String parent) {
    if (revokedHere.containsKey(jti) || (parent != null && revokedHere.containsKey(parent))) {
      return Uni.createFrom().item(true);
    }
    String token = jti + " " + parent;
    long now = System.nanoTime();
    Long readAt = notRevoked.get(token);
    if (readAt != null && now - readAt < RECHECK_MILLIS * 1_000_000) {
      return Uni.createFrom().item(false);
    }
    List<String> ids =
        parent == null ? List.of(names.revoked(), jti) : List.of(names.revoked(), jti, parent);
    return asking.computeIfAbsent(
        token,
        asked ->
            redis
                .zmscore(ids)
                .map(RevokedTokens::anyScored)
                .invoke(
                    gone -> {
                      if (!gone) {
                        if (notRevoked.size() >= REMEMBERED) {
                          notRevoked.clear();
                        }
                        notRevoked.put(asked, now);
                      }
                    })
                .onTermination()
                .invoke(() -> asking.remove(asked))
                .memoize()
                .indefinitely());
  }

  /** Revokes the token {@code jti} that expires at {@code expiresAt}. */
  public Uni<Void> revoke(String jti, Instant expiresAt) {
    // Refused here from now on, the token and every token it minted (its parent); other processes
    // ask Redis within a second.
    long nowSeconds = Instant.now().getEpochSecond();
    revokedHere.values().removeIf(exp -> exp + SKEW_SECONDS < nowSeconds);
    revokedHere.put(jti, expiresAt.getEpochSecond());
    notRevoked.keySet().removeIf(token -> token.startsWith(jti + " ") || token.endsWith(" " + jti));
    return record(jti, expiresAt.getEpochSecond());
  }

  /**
   * Stores the revocation of {@code jti} (its token expires at {@code exp}, epoch seconds) and
   * announces it on {@code <prefix>:revocations}, so relays close its sockets at once. Ids whose
   * token expired over a minute ago are dropped on the way.
   */
  Uni<Void> record(String jti, long exp) {
    long nowSeconds = Instant.now().getEpochSecond();
    return redis
        .zadd(List.of(names.revoked(), Long.toString(exp), jti))
        .chain(
            () ->
                redis.zremrangebyscore(names.revoked(), "-inf", "(" + (nowSeconds - SKEW_SECONDS)))
        .chain(
            () ->
                redis.publish(
                    names.revocations(), new JsonObject().put("jti", jti).put("exp", exp).encode()))
        .replaceWithVoid();
  }

  /** Whether a ZMSCORE answer holds a score: one of the ids is in the set. */
  private static boolean anyScored(Response scores) {
    for (int i = 0; i < scores.size(); i++) {
      if (scores.get(i) != null) {
        return true;
      }
    }
    return false;
  }
}
