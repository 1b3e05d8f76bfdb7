package dev.trainwatch.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trainwatch.testing.TestSocket;
import dev.trainwatch.testing.TestTokens;
import io.restassured.RestAssured;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * End to end: a local job's trainer reports through the SDK with the ingest token the functions
 * minted and handed it (TRAINWATCH_TOKEN), a browser-like socket follows it with a subscription
 * token, and no token ever reaches either application's log.
 */
class TokenIT {

  /** Every JWT starts with the base64 of {"alg": or {"typ":. */
  private static final String JWT_START = "eyJ";

  private final RunningSystem system = RunningSystem.get();
  private final Api api = new Api(system);

  @Test
  void theSdkReportsWithTheMintedTokenAndNoTokenIsLogged() throws Exception {
    long session = ThreadLocalRandom.current().nextLong(1L << 40, 1L << 50);
    try (TestSocket socket = Api.open(system.relaySocket("session_id=" + session))) {
      long job =
          api.submitLocal(
              session,
              "import sys\nsys.path.insert(0, 'sdk/python')\n"
                  + "from trainwatch import TrainingLogger\n"
                  + "with TrainingLogger() as log:\n"
                  + "    log.log_metrics(epoch=1, metrics={'loss': 0.5})\n");
      Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  socket.received().stream()
                      .anyMatch(m -> m.contains("\"type\":\"training_metrics\"")));
      assertThat(String.join("\n", socket.received())).contains("\"job_id\":" + job);
    }
    for (String log : new String[] {"twe2e-functions.log", "twe2e-ws-relay-0.log"}) {
      assertThat(Files.readString(Path.of("target", log))).as(log).doesNotContain(JWT_START);
    }
  }

  @Test
  void aTokenRevokedThroughTheFunctionsClosesItsSocketOnTheRelay() throws Exception {
    long job = api.submitKubernetes(null);
    String minter = TestTokens.api();
    String token = subscriptionToken(minter, job);
    try (TestSocket socket = follow(job, token)) {
      revoke(token);
      assertThat(socket.closed().code()).isEqualTo(4401);
    }
    // Revoking the API token that minted a subscription token ends that one too.
    String child = subscriptionToken(minter, job);
    try (TestSocket socket = follow(job, child)) {
      revoke(minter);
      assertThat(socket.closed().code()).isEqualTo(4401);
    }
    assertThat(
            TestSocket.open(
                    TestSocket.withoutToken(
                        system.relay("/api/v1/ws/training"), "job_id=" + job + "&token=" + child))
                .closed()
                .code())
        .isEqualTo(4401);
  }

  private String subscriptionToken(String minter, long job) {
    return RestAssured.given()
        .header("Authorization", "Bearer " + minter)
        .post(system.functions("/api/v1/training/jobs/" + job + "/subscription-token"))
        .then()
        .statusCode(200)
        .extract()
        .path("token");
  }

  private TestSocket follow(long job, String token) throws InterruptedException {
    return Api.open(
        TestSocket.withoutToken(
            system.relay("/api/v1/ws/training"), "job_id=" + job + "&token=" + token));
  }

  private void revoke(String token) {
    Api.given()
        .contentType("application/json")
        .body(Map.of("token", token))
        .post(system.functions("/api/v1/auth/revoke"))
        .then()
        .statusCode(200);
  }
}
