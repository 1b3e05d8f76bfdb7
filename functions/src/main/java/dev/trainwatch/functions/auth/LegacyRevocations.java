package dev.trainwatch.functions.auth;

import dev.trainwatch.functions.config.RedisNames;
import dev.trainwatch.functions.config.TrainwatchConfig;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.RedisAPI;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.ArrayList;
import java.util.List;

/**
 * Carries the revocations that releases before the sorted set {@code <prefix>:revoked} stored (a
 * string key {@code <prefix>:revoked:<jti>} per token, its value the token's exp) into the set,
 * announces each so running relays refuse the token at once, and removes the old key: a token
 * revoked before an upgrade stays revoked after it.
 *
 * <p>It runs at every start, in the background (the start does not wait for it); once no old key is
 * left it costs one SCAN pass. SCAN reads one node of a Redis Cluster, where there are none: the
 * releases that wrote them did not run on one.
 */
@ApplicationScoped
public class LegacyRevocations {

  private final RedisAPI redis;
  private final RevokedTokens revoked;
  private final RedisNames names;

  public LegacyRevocations(RedisAPI redis, RevokedTokens revoked, TrainwatchConfig config) {
    this.redis = redis;
    this.revoked = revoked;
    this.names = RedisNames.of(config);
  }

  void onStart(@Observes StartupEvent event) {
    carryOver()
        .subscribe()
        .with(
            carried -> {
              if (carried > 0) {
                Log.infof(
                    "Carried %d revocations of an earlier release into %s",
                    carried, names.revoked());
              }
            },
            e -> Log.warnf("Revocations of an earlier release not carried over: %s", e.toString()));
  }

  /** Carries every old revocation key over; the item is how many there were. */
  Uni<Integer> carryOver() {
    return page("0", 0);
  }

  private Uni<Integer> page(String cursor, int carried) {
    return redis
        .scan(List.of(cursor, "MATCH", names.revoked() + ":*", "COUNT", "500"))
        .chain(
            reply -> {
              String next = reply.get(0).toString();
              List<Uni<Void>> moves = new ArrayList<>();
              for (Response key : reply.get(1)) {
                moves.add(carry(key.toString()));
              }
              Uni<Void> moved =
                  moves.isEmpty()
                      ? Uni.createFrom().voidItem()
                      : Uni.join().all(moves).andFailFast().replaceWithVoid();
              int count = carried + moves.size();
              return moved.chain(
                  () -> "0".equals(next) ? Uni.createFrom().item(count) : page(next, count));
            });
  }

  private Uni<Void> carry(String key) {
    String jti = key.substring(names.revoked().length() + 1);
    return redis
        .get(key)
        .chain(
            exp ->
                exp == null
                    ? Uni.createFrom().voidItem() // expired meanwhile
                    : revoked.record(jti, exp.toLong()))
        .chain(() -> redis.unlink(List.of(key)))
        .replaceWithVoid();
  }
}
