package dev.trainwatch.functions.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Integration (real Redis): a token revoked by an earlier release, under its own key, is still
 * revoked after the upgrade, and its old key is gone.
 */
@QuarkusTest
class LegacyRevocationsIntegrationTest {

  @Inject LegacyRevocations legacy;
  @Inject RevokedTokens revoked;
  @Inject RedisDataSource redis;

  @Test
  void aTokenRevokedBeforeTheUpgradeStaysRevoked() {
    String jti = UUID.randomUUID().toString();
    String parent = UUID.randomUUID().toString();
    long exp = Instant.now().plusSeconds(3600).getEpochSecond();
    // What the previous release's RevokedTokens wrote: the token's exp under its own key.
    redis.value(String.class).set("twtest:revoked:" + parent, Long.toString(exp));
    assertThat(revoked.isRevoked(jti, parent).await().atMost(Duration.ofSeconds(5))).isFalse();

    assertThat(legacy.carryOver().await().atMost(Duration.ofSeconds(10))).isGreaterThanOrEqualTo(1);

    // A token minted by the revoked one, asked about after the check above expired from the cache.
    String other = UUID.randomUUID().toString();
    assertThat(revoked.isRevoked(other, parent).await().atMost(Duration.ofSeconds(5))).isTrue();
    assertThat(redis.key(String.class).exists("twtest:revoked:" + parent)).isFalse();
    assertThat(redis.sortedSet(String.class).zscore("twtest:revoked", parent))
        .hasValue((double) exp);
  }
}
