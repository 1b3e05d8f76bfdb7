package dev.trainwatch.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.trainwatch.testing.TestSocket;
import io.restassured.http.ContentType;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * End to end: both applications as real processes on the real PostgreSQL and Redis; a WebSocket
 * client on the relay sees what is posted to the functions.
 */
class LiveFeedE2ETest {

  private final RunningSystem system = RunningSystem.get();

  @Test
  void threePostsArriveAsTheExactMessagesWithSeqOneTwoThree() throws Exception {
    long job = submit(null);
    try (TestSocket socket = open(system.relaySocket("job_id=" + job))) {
      for (int epoch = 1; epoch <= 3; epoch++) {
        postMetric(job, epoch, "2026-11-28T10:00:0" + epoch);
      }
      for (int epoch = 1; epoch <= 3; epoch++) {
        assertThat(socket.next())
            .isEqualTo(
                "{\"type\":\"training_metrics\",\"job_id\":"
                    + job
                    + ",\"seq\":"
                    + epoch
                    + ",\"metrics\":{\"epoch\":"
                    + epoch
                    + ",\"metrics\":{\"loss\":0.5,\"accuracy\":0.75},\"timestamp\":\"2026-11-28T10:00:0"
                    + epoch
                    + "Z\"}}");
      }
    }
  }

  @Test
  void aSessionSocketReceivesItsTwoJobsAndNotAThird() throws Exception {
    long session = ThreadLocalRandom.current().nextLong(1_000_000, 1_000_000_000_000L);
    long first = submit(session);
    long second = submit(session);
    long outsider = submit(session + 1);
    try (TestSocket socket = open(system.relaySocket("session_id=" + session))) {
      postMetric(first, 1, "2026-11-28T10:00:00");
      postMetric(outsider, 1, "2026-11-28T10:00:00");
      postMetric(second, 1, "2026-11-28T10:00:00");
      assertThat(socket.next()).contains("\"job_id\":" + first + ",");
      assertThat(socket.next()).contains("\"job_id\":" + second + ",");
      assertThat(socket.poll(Duration.ofMillis(500))).isNull();
    }
  }

  @Test
  void twoHundredSocketsOnOneJobShareOneRedisSubscription() throws Exception {
    long job = submit(null);
    String channel = RunningSystem.KEY_PREFIX + ":job:" + job;
    List<TestSocket> sockets = new ArrayList<>();
    try {
      for (int i = 0; i < 200; i++) {
        sockets.add(open(system.relaySocket("job_id=" + job)));
      }
      assertThat(RedisProbe.subscribers(channel)).isEqualTo(1);
      postMetric(job, 1, "2026-11-28T10:00:00");
      for (TestSocket socket : sockets) {
        assertThat(socket.next()).contains("\"seq\":1,");
      }
    } finally {
      sockets.forEach(TestSocket::close);
    }
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> RedisProbe.subscribers(channel) == 0);
  }

  /** Connects like a browser and takes the relay's greeting. */
  private static TestSocket open(URI uri) throws InterruptedException {
    TestSocket socket = TestSocket.open(uri);
    assertThat(socket.next()).startsWith("{\"type\":\"connected\"");
    return socket;
  }

  private long submit(Long session) {
    String sessionField = session == null ? "" : ",\"session_id\":" + session;
    return given()
        .contentType(ContentType.JSON)
        .body(
            "{\"model_name\":\"yolo11n\",\"framework\":\"ultralytics\",\"dataset_path\":\"s3://bucket/dataset\","
                + "\"num_epochs\":10,\"batch_size\":16,\"executor_type\":\"local\""
                + sessionField
                + "}")
        .post(system.functions("/api/v1/training/jobs"))
        .then()
        .statusCode(201)
        .extract()
        .jsonPath()
        .getLong("job_id");
  }

  private void postMetric(long job, int epoch, String timestamp) {
    given()
        .contentType(ContentType.JSON)
        .body(
            "{\"epoch\":"
                + epoch
                + ",\"metrics\":{\"loss\":0.5,\"accuracy\":0.75},\"timestamp\":\""
                + timestamp
                + "\"}")
        .post(system.functions("/api/v1/training/jobs/" + job + "/metrics"))
        .then()
        .statusCode(200);
  }
}
