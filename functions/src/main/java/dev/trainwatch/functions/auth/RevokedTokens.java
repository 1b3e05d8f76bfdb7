package dev.trainwatch.functions.auth;

import dev.trainwatch.functions.config.RedisNames;
import dev.trainwatch.functions.config.TrainwatchConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.redis.client.RedisAPI;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;

/**
 * The revoked token ids (jti), held in Redis until the token would have expired anyway: key {@code
 * <prefix>:revoked:<jti>} with the token's exp (epoch seconds) as value, and a message {@code
 * {"jti":..,"exp":..}} on {@code <prefix>:revocations} so the relay closes sockets at once. Both
 * apps refuse a revoked token on its next use; nothing else is kept.
 */
@ApplicationScoped
public class RevokedTokens {

  /** Seconds a revocation outlives its token: the clock skew the verifiers allow (60 s). */
  private static final long SKEW_SECONDS = 60;

  private final RedisAPI redis;
  private final RedisNames names;

  public RevokedTokens(RedisAPI redis, TrainwatchConfig config) {
    this.redis = redis;
    this.names = RedisNames.of(config);
  }

  /** Whether the token with id {@code jti}, or its parent (null for none), was revoked. */
  public Uni<Boolean> isRevoked(String jti, String parent) {
    List<String> keys = parent == null ? List.of(key(jti)) : List.of(key(jti), key(parent));
    return redis.exists(keys).map(reply -> reply.toInteger() > 0);
  }

  /** Revokes the token {@code jti} that expires at {@code expiresAt}. */
  public Uni<Void> revoke(String jti, Instant expiresAt) {
    long until = expiresAt.getEpochSecond() + SKEW_SECONDS;
    return redis
        .set(
            List.of(
                key(jti), Long.toString(expiresAt.getEpochSecond()), "EXAT", Long.toString(until)))
        .flatMap(
            stored ->
                redis.publish(
                    names.revocations(),
                    new JsonObject()
                        .put("jti", jti)
                        .put("exp", expiresAt.getEpochSecond())
                        .encode()))
        .replaceWithVoid();
  }

  private String key(String jti) {
    return names.revoked(jti);
  }
}
