package dev.trainwatch.relay.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trainwatch.relay.TestChannels;
import dev.trainwatch.testing.TestSocket;
import dev.trainwatch.testing.TestTokens;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * Security: a subscription token ends on the relay too. One issued for more than an hour, or
 * without an id, is refused; an open socket whose token expires is closed with 4408 unless it sent
 * a fresh token in an auth frame; a revoked token closes its sockets as its revocation is announced
 * (4401) and opens no new one.
 */
@QuarkusTest
class TokenLifetimeSecurityIntegrationTest {

  @TestHTTPResource("/api/v1/ws/training")
  URI endpoint;

  @Inject RedisDataSource redis;

  @Test
  void aTokenIssuedForMoreThanAnHourIsRefused() {
    long job = TestSocket.randomId();
    TestSocket socket = open(job, TestTokens.subscribeJobFor(job, Duration.ofHours(2)));
    assertThat(socket.closed().code()).isEqualTo(4401);
    assertThat(socket.received()).isEmpty();
  }

  @Test
  void anExpiringSocketIsClosedWith4408UnlessItRenewsItsToken() throws Exception {
    long job = TestSocket.randomId();
    TestSocket lapsing = open(job, TestTokens.subscribeJobFor(job, Duration.ofSeconds(3)));
    TestSocket renewing = open(job, TestTokens.subscribeJobFor(job, Duration.ofSeconds(3)));
    assertThat(lapsing.next()).contains("\"type\":\"connected\"");
    assertThat(renewing.next()).contains("\"type\":\"connected\"");
    renewing.send("{\"type\":\"auth\",\"token\":\"" + TestTokens.subscribeJob(job) + "\"}");
    assertThat(renewing.next()).contains("\"type\":\"token_renewed\"");

    assertThat(lapsing.closed().code()).isEqualTo(4408);
    String event = "{\"type\":\"training_log\",\"job_id\":" + job + ",\"seq\":1}";
    TestChannels.publish(redis, TestChannels.NAMES.jobChannel(job), event);
    assertThat(renewing.next()).isEqualTo(event);
    renewing.close();
  }

  @Test
  void aRevokedTokenClosesItsSocketsAndOpensNoNewOne() throws Exception {
    long job = TestSocket.randomId();
    String token = TestTokens.subscribeJob(job);
    TestSocket socket = open(job, token);
    assertThat(socket.next()).contains("\"type\":\"connected\"");
    // What the functions' RevokedTokens writes and announces.
    String jti = TestTokens.idOf(token);
    long exp = Instant.now().plusSeconds(3600).getEpochSecond();
    redis.sortedSet(String.class).zadd("twtest:revoked", exp, jti);
    redis
        .pubsub(String.class)
        .publish("twtest:revocations", "{\"jti\":\"" + jti + "\",\"exp\":" + exp + "}");
    assertThat(socket.closed().code()).isEqualTo(4401);
    assertThat(open(job, token).closed().code()).isEqualTo(4401);
    redis.sortedSet(String.class).zrem("twtest:revoked", jti);
  }

  private TestSocket open(long job, String token) {
    return TestSocket.open(TestSocket.withoutToken(endpoint, "job_id=" + job + "&token=" + token));
  }
}
