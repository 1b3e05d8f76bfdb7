package dev.trainwatch.relay.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.trainwatch.relay.TestChannels;
import dev.trainwatch.testing.TestSocket;
import dev.trainwatch.testing.TestTokens;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Security: a session token follows its own project's session only. The functions publish project
 * B's jobs of session 7 on B's channel; a socket holding A's token for session 7 follows A's
 * channel and never receives B's events. A session token that names no project is refused (4401).
 */
@QuarkusTest
class SessionTenancySecurityIntegrationTest {

  @TestHTTPResource("/api/v1/ws/training")
  URI endpoint;

  @Inject RedisDataSource redis;

  @Test
  void aSessionTokenReceivesOnlyItsProjectsSession() throws Exception {
    long session = TestSocket.randomId();
    String query =
        "session_id=" + session + "&token=" + TestTokens.subscribeSession("team-a", session);
    TestSocket alice = TestSocket.open(TestSocket.withoutToken(endpoint, query));
    assertThat(alice.next()).contains("\"type\":\"connected\"");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> subscribers("twtest:session:team-a:" + session) == 1);

    publish("twtest:session:team-b:" + session, "{\"job_id\":2,\"seq\":1,\"from\":\"team-b\"}");
    publish("twtest:session:" + session, "{\"job_id\":3,\"seq\":1,\"from\":\"no project\"}");
    publish("twtest:session:team-a:" + session, "{\"job_id\":1,\"seq\":1,\"from\":\"team-a\"}");
    // Redis delivers in publish order: anything of team-b's would have come first.
    assertThat(alice.next()).contains("\"from\":\"team-a\"");
    assertThat(subscribers("twtest:session:team-b:" + session)).isZero();
    alice.close();
  }

  @Test
  void aSessionTokenWithoutAProjectIsRefused() {
    long session = TestSocket.randomId();
    TestSocket socket =
        TestSocket.open(
            TestSocket.withoutToken(
                endpoint,
                "session_id="
                    + session
                    + "&token="
                    + TestTokens.subscribeSessionWithoutProject(session)));
    assertThat(socket.closed().code()).isEqualTo(4401);
    assertThat(socket.received()).isEmpty();
  }

  private void publish(String channel, String message) {
    TestChannels.publish(redis, channel, message);
  }

  private long subscribers(String channel) {
    return TestChannels.subscribers(redis, channel);
  }
}
