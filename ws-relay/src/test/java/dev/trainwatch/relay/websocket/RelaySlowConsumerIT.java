package dev.trainwatch.relay.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trainwatch.testing.TestSocket;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Integration: a browser that stops reading is closed once its queued bytes pass the bound, so it
 * cannot grow the relay's heap, while a reading socket keeps getting its events.
 */
@QuarkusTest
class RelaySlowConsumerIT {

  @TestHTTPResource("/api/v1/ws/training")
  URI endpoint;

  @Inject RedisDataSource redis;

  @Test
  void aStalledSocketIsClosedAndAReadingOneIsNotHeldUp() throws Exception {
    long stalledJob = TestSocket.randomId();
    long liveJob = TestSocket.randomId();
    // Reads the greeting and then nothing more: its TCP window fills and the relay's queue grows.
    WebSocket stalled =
        HttpClient.newHttpClient()
            .newWebSocketBuilder()
            .buildAsync(
                TestSocket.uri(endpoint, "job_id=" + stalledJob),
                new WebSocket.Listener() {
                  @Override
                  public CompletionStage<?> onText(
                      WebSocket socket, CharSequence data, boolean last) {
                    return null; // never asks for more
                  }
                })
            .join();
    TestSocket reader = TestSocket.open(TestSocket.uri(endpoint, "job_id=" + liveJob));
    reader.next();
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> subscribers(stalledJob) == 1);

    String padding = "x".repeat(4000);
    for (int seq = 1; seq <= 4000; seq++) {
      publish(stalledJob, seq, padding);
    }
    publish(liveJob, 1, "");
    assertThat(reader.next()).contains("\"seq\":1,");

    Awaitility.await()
        .atMost(Duration.ofSeconds(20))
        .alias("the stalled socket is closed and its channel unsubscribed")
        .until(() -> subscribers(stalledJob) == 0);
    publish(liveJob, 2, "");
    assertThat(reader.next()).contains("\"seq\":2,");
    reader.close();
    stalled.abort();
  }

  private void publish(long job, long seq, String padding) {
    redis
        .pubsub(String.class)
        .publish(
            "twtest:job:" + job,
            "{\"type\":\"training_log\",\"job_id\":"
                + job
                + ",\"seq\":"
                + seq
                + ",\"log\":{\"message\":\""
                + padding
                + "\"}}");
  }

  private long subscribers(long job) {
    return redis.execute("PUBSUB", "NUMSUB", "twtest:job:" + job).get(1).toLong();
  }
}
