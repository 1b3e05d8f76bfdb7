package dev.trainwatch.functions.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.RedisAPI;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Integration (real Redis): a burst of requests with one token asks Redis once (ZMSCORE) whether it
 * was revoked, not once per request (a burst of 32 used to overflow the Redis pool's wait queue).
 */
@QuarkusTest
class RevokedTokensIntegrationTest {

  private static final Pattern ZMSCORE_CALLS = Pattern.compile("cmdstat_zmscore:calls=(\\d+)");

  @Inject RevokedTokens revoked;
  @Inject RedisAPI redis;

  @Test
  void aBurstOfRequestsWithOneTokenAsksRedisOnce() {
    String jti = UUID.randomUUID().toString();
    long before = zmscoreCalls();

    List<Uni<Boolean>> burst = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      burst.add(revoked.isRevoked(jti, null));
    }
    List<Boolean> answers =
        Uni.join().all(burst).andFailFast().await().atMost(Duration.ofSeconds(10));

    assertThat(answers).hasSize(200).containsOnly(false);
    assertThat(zmscoreCalls() - before).as("ZMSCORE calls for 200 requests").isBetween(1L, 3L);
  }

  @Test
  void aRevokedTokenIsRefusedByEveryRequestOfABurst() {
    String jti = UUID.randomUUID().toString();
    revoked
        .revoke(jti, java.time.Instant.now().plusSeconds(60))
        .await()
        .atMost(Duration.ofSeconds(5));

    List<Uni<Boolean>> burst = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      burst.add(revoked.isRevoked(UUID.randomUUID().toString(), jti));
    }
    assertThat(Uni.join().all(burst).andFailFast().await().atMost(Duration.ofSeconds(10)))
        .containsOnly(true);
  }

  private long zmscoreCalls() {
    String stats =
        redis.info(List.of("commandstats")).await().atMost(Duration.ofSeconds(5)).toString();
    Matcher calls = ZMSCORE_CALLS.matcher(stats);
    return calls.find() ? Long.parseLong(calls.group(1)) : 0;
  }
}
