package dev.trainwatch.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trainwatch.testing.TestSocket;
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
class LiveFeedIT {

  private final RunningSystem system = RunningSystem.get();
  private final Api api = new Api(system);

  @Test
  void threePostsArriveAsTheExactMessagesInSeqOrderAfterTheJobTurnsRunning() throws Exception {
    long job = api.submitKubernetes(null);
    try (TestSocket socket = Api.open(system.relaySocket("job_id=" + job))) {
      for (int epoch = 1; epoch <= 3; epoch++) {
        api.postMetric(job, epoch, "2026-11-28T10:00:0" + epoch);
      }
      // The job was pending in its (mock) cluster; its first report is evidence that it runs.
      assertThat(socket.next())
          .startsWith("{\"type\":\"training_status_change\",\"job_id\":" + job + ",\"seq\":1,")
          .contains("\"old_status\":\"pending\",\"new_status\":\"running\"");
      for (int epoch = 1; epoch <= 3; epoch++) {
        assertThat(socket.next())
            .isEqualTo(
                "{\"type\":\"training_metrics\",\"job_id\":"
                    + job
                    + ",\"seq\":"
                    + (epoch + 1)
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
    long first = api.submitKubernetes(session);
    long second = api.submitKubernetes(session);
    long outsider = api.submitKubernetes(session + 1);
    try (TestSocket socket = Api.open(system.relaySocket("session_id=" + session))) {
      api.postMetric(first, 1, "2026-11-28T10:00:00");
      api.postMetric(outsider, 1, "2026-11-28T10:00:00");
      api.postMetric(second, 1, "2026-11-28T10:00:00");
      List<String> seen = Api.take(socket, 4);
      assertThat(seen)
          .allSatisfy(m -> assertThat(m).doesNotContain("\"job_id\":" + outsider + ","));
      assertThat(seen.get(0))
          .contains("\"job_id\":" + first + ",")
          .contains("\"new_status\":\"running\"");
      assertThat(seen.get(1)).contains("\"job_id\":" + first + ",").contains("training_metrics");
      assertThat(seen.get(2))
          .contains("\"job_id\":" + second + ",")
          .contains("\"new_status\":\"running\"");
      assertThat(seen.get(3)).contains("\"job_id\":" + second + ",").contains("training_metrics");
      assertThat(socket.poll(Duration.ofMillis(500))).isNull();
    }
  }

  @Test
  void twoHundredSocketsOnOneJobShareOneRedisSubscription() throws Exception {
    long job = api.submitKubernetes(null);
    String channel = RunningSystem.KEY_PREFIX + ":job:{" + job + "}";
    List<TestSocket> sockets = new ArrayList<>();
    try {
      for (int i = 0; i < 200; i++) {
        sockets.add(Api.open(system.relaySocket("job_id=" + job)));
      }
      assertThat(RedisProbe.shardSubscribers(channel)).isEqualTo(1);
      api.postMetric(job, 1, "2026-11-28T10:00:00");
      for (TestSocket socket : sockets) {
        assertThat(socket.next()).contains("\"seq\":1,").contains("\"new_status\":\"running\"");
        assertThat(socket.next()).contains("\"seq\":2,").contains("training_metrics");
      }
    } finally {
      sockets.forEach(TestSocket::close);
    }
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> RedisProbe.shardSubscribers(channel) == 0);
  }
}
