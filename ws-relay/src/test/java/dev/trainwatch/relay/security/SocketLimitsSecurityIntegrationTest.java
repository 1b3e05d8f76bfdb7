package dev.trainwatch.relay.security;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trainwatch.testing.TestSocket;
import dev.trainwatch.testing.TestTokens;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Security: one client address cannot hold many sockets without a token, nor keep guessing tokens.
 * With two waiting sockets allowed, a third is closed at once with 4429; after three refused tokens
 * in a minute, the address's next handshake is refused with 429. Both are counted in /q/metrics.
 */
@QuarkusTest
@TestProfile(SocketLimitsSecurityIntegrationTest.Tight.class)
class SocketLimitsSecurityIntegrationTest {

  /** Two sockets waiting for a token per address; three refused tokens per minute. */
  public static class Tight implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "trainwatch.relay.max-unauthenticated-sockets-per-address", "2",
          "trainwatch.relay.max-token-failures-per-minute", "3",
          "trainwatch.relay.auth-timeout", "30s");
    }
  }

  @TestHTTPResource("/api/v1/ws/training")
  URI endpoint;

  @TestHTTPResource("/q/metrics")
  URI metrics;

  @Test
  void waitingSocketsAndRefusedTokensAreLimitedPerAddress() throws Exception {
    List<TestSocket> waiting = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      waiting.add(TestSocket.open(TestSocket.withoutToken(endpoint, "job_id=1")));
    }
    TestSocket third = TestSocket.open(TestSocket.withoutToken(endpoint, "job_id=1"));
    assertThat(third.closed().code()).isEqualTo(4429);
    // A socket that authenticates gives its place back.
    waiting.get(0).send("{\"type\":\"auth\",\"token\":\"" + TestTokens.subscribeJob(1) + "\"}");
    assertThat(waiting.get(0).next()).contains("\"type\":\"connected\"");
    TestSocket fourth = TestSocket.open(TestSocket.withoutToken(endpoint, "job_id=1"));
    assertThat(fourth.poll(Duration.ofMillis(300))).isNull();
    fourth.close();
    waiting.forEach(TestSocket::close);

    for (int i = 0; i < 3; i++) {
      TestSocket guess =
          TestSocket.open(
              TestSocket.withoutToken(endpoint, "job_id=1&token=" + TestTokens.wrongKeyApi()));
      assertThat(guess.closed().code()).isEqualTo(4401);
    }
    assertThatThrownBy(
            () ->
                TestSocket.open(
                    TestSocket.withoutToken(
                        endpoint, "job_id=1&token=" + TestTokens.subscribeJob(1))))
        .hasStackTraceContaining("429");
    String counted = new String(metrics.toURL().openStream().readAllBytes(), UTF_8);
    assertThat(counted)
        .containsPattern(
            "trainwatch_relay_sockets_limited_total\\{reason=\"unauthenticated\",?} 1.0")
        .containsPattern(
            "trainwatch_relay_sockets_limited_total\\{reason=\"token_failures\",?} 1.0");
  }
}
