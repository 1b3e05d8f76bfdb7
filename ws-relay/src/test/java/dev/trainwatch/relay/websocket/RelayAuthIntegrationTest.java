package dev.trainwatch.relay.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trainwatch.testing.TestSocket;
import dev.trainwatch.testing.TestTokens;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Integration: subscription tokens on the relay. Every refusal closes the socket before anything is
 * sent (or, for a later subscribe, answers an error frame), and a token for one job or session
 * never gets another's events.
 */
@QuarkusTest
class RelayAuthIntegrationTest {

  @TestHTTPResource("/api/v1/ws/training")
  URI endpoint;

  @Test
  void aSocketWithABadTokenIsClosedWith4401AndGetsNothing() {
    long job = TestSocket.randomId();
    Map<String, String> bad =
        Map.of(
            "malformed", "not.a.token",
            "expired", TestTokens.expiredApi(),
            "another issuer's", TestTokens.foreignIssuerApi(),
            "signed with another key", TestTokens.wrongKeyApi(),
            "an API token", TestTokens.api(),
            "an ingest token", TestTokens.ingest(job));
    bad.forEach(
        (what, token) -> {
          TestSocket socket = open("job_id=" + job + "&token=" + token);
          TestSocket.Close close = socket.closed();
          assertThat(close.code()).as(what).isEqualTo(RelayEndpoint.UNAUTHORIZED);
          assertThat(close.reason()).as(what).isNotBlank().doesNotContain(token);
          assertThat(socket.received()).as(what).isEmpty();
        });
  }

  @Test
  void aTokenForAnotherJobOrSessionIsClosedWith4403() {
    long job = TestSocket.randomId();
    for (String query :
        new String[] {
          "job_id=" + job + "&token=" + TestTokens.subscribeJob(job + 1),
          "session_id=" + job + "&token=" + TestTokens.subscribeJob(job),
          "job_id=" + job + "&token=" + TestTokens.subscribeSession(job)
        }) {
      TestSocket socket = open(query);
      TestSocket.Close close = socket.closed();
      assertThat(close.code()).as(query).isEqualTo(RelayEndpoint.FORBIDDEN);
      assertThat(close.reason()).as(query).contains("does not cover");
      assertThat(socket.received()).as(query).isEmpty();
    }
  }

  @Test
  void aSocketWithoutATokenIsClosedWhenNoAuthFrameComes() {
    TestSocket socket = open("job_id=" + TestSocket.randomId());
    TestSocket.Close close = socket.closed();
    assertThat(close.code()).isEqualTo(RelayEndpoint.UNAUTHORIZED);
    assertThat(close.reason()).contains("no token");
    assertThat(socket.received()).isEmpty();
  }

  @Test
  void aFirstFrameThatIsNotAuthClosesTheSocket() {
    TestSocket socket = open("job_id=" + TestSocket.randomId());
    socket.send("{\"type\":\"ping\"}");
    assertThat(socket.closed().code()).isEqualTo(RelayEndpoint.UNAUTHORIZED);
    assertThat(socket.received()).isEmpty();
  }

  @Test
  void anAuthFrameAdmitsTheSocket() throws Exception {
    long job = TestSocket.randomId();
    TestSocket socket = open("job_id=" + job);
    socket.send("{\"type\":\"auth\",\"token\":\"" + TestTokens.subscribeJob(job) + "\"}");
    assertThat(socket.next()).contains("\"type\":\"connected\"");
    socket.close();
  }

  @Test
  void aSubscribeForAJobNoTokenCoversGetsAnErrorAndTheSocketStays() throws Exception {
    long job = TestSocket.randomId();
    long other = job + 1;
    TestSocket socket = TestSocket.open(TestSocket.uri(endpoint, "job_id=" + job));
    assertThat(socket.next()).contains("\"type\":\"connected\"");

    socket.send("{\"type\":\"subscribe\",\"job_id\":" + other + "}");
    assertThat(socket.next()).startsWith("{\"type\":\"error\"").contains("forbidden");
    String wrong = TestTokens.subscribeJob(other + 1);
    socket.send("{\"type\":\"subscribe\",\"job_id\":" + other + ",\"token\":\"" + wrong + "\"}");
    assertThat(socket.next()).startsWith("{\"type\":\"error\"").contains("forbidden");

    String right = TestTokens.subscribeJob(other);
    socket.send("{\"type\":\"subscribe\",\"job_id\":" + other + ",\"token\":\"" + right + "\"}");
    assertThat(socket.next()).isEqualTo("{\"type\":\"subscribed\",\"job_id\":" + other + "}");
    socket.send("{\"type\":\"ping\"}");
    assertThat(socket.next()).isEqualTo("{\"type\":\"pong\"}");
    socket.close();
  }

  private TestSocket open(String query) {
    return TestSocket.open(TestSocket.withoutToken(endpoint, query));
  }
}
