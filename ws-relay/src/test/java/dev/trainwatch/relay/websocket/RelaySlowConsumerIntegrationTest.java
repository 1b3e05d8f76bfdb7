package dev.trainwatch.relay.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trainwatch.relay.TestChannels;
import dev.trainwatch.testing.TestSocket;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Integration: a browser that stops reading is closed once its backlog passes the bound, so it
 * cannot grow the relay's heap, while a reading socket keeps getting its events, however large one
 * of them is.
 */
@QuarkusTest
class RelaySlowConsumerIntegrationTest {

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

  @Test
  void oneEventFourTimesTheBudgetReachesAReadingSocketLiveAndOnResume() throws Exception {
    long job = TestSocket.randomId();
    TestSocket live = TestSocket.open(TestSocket.uri(endpoint, "job_id=" + job));
    assertThat(live.next()).contains("\"connected\"");
    String line = "y".repeat(1 << 20); // 1 Mi characters; the budget in tests is 256 Ki

    store(job, 1, line);
    publish(job, 1, line);
    store(job, 2, "");
    publish(job, 2, "");
    assertThat(live.next()).contains("\"seq\":1,").contains(line);
    assertThat(live.next()).contains("\"seq\":2,");

    TestSocket resumed = TestSocket.open(TestSocket.uri(endpoint, "job_id=" + job + "&since=0"));
    assertThat(resumed.next()).contains("\"connected\"");
    assertThat(resumed.next()).contains("\"type\":\"resumed\"");
    assertThat(resumed.next()).contains("\"seq\":1,").contains(line);
    assertThat(resumed.next()).contains("\"seq\":2,");
    assertThat(live.poll(Duration.ofMillis(300))).as("no close or error frame").isNull();
    live.close();
    resumed.close();
  }

  @Test
  void aSocketThatNeverReadsEvenTheCloseFrameHasItsConnectionEnded() throws Exception {
    long job = TestSocket.randomId();
    URI uri = TestSocket.uri(endpoint, "job_id=" + job);
    try (Socket raw = new Socket()) {
      // A small window, so the relay's kernel buffers fill and its close frame cannot be sent.
      raw.setReceiveBufferSize(4096);
      raw.connect(new InetSocketAddress(uri.getHost(), uri.getPort()));
      raw.getOutputStream()
          .write(
              ("GET "
                      + uri.getRawPath()
                      + "?"
                      + uri.getRawQuery()
                      + " HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\n"
                      + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                      + "Sec-WebSocket-Version: 13\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> subscribers(job) == 1);

      // Nothing is read from here on: not the events, and not the 4001 close frame behind them.
      String padding = "x".repeat(4000);
      for (int seq = 1; seq <= 4000; seq++) {
        publish(job, seq, padding);
      }
      Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> subscribers(job) == 0);

      // The relay ends the connection (at the latest SlowSocketCutter, after 1 s in tests): reading
      // what arrived ends in end-of-stream or a reset, where a connection left open would time out.
      raw.setSoTimeout(8_000);
      InputStream in = raw.getInputStream();
      byte[] buffer = new byte[1 << 16];
      try {
        while (in.read(buffer) >= 0) {
          // drain
        }
      } catch (SocketException reset) {
        // cut with a reset: as good as end-of-stream
      }
    }
  }

  private void publish(long job, long seq, String message) {
    TestChannels.publish(redis, TestChannels.NAMES.jobChannel(job), event(job, seq, message));
  }

  /** Appends an event to the job's history as the functions' publish script does. */
  private void store(long job, long seq, String message) {
    redis.execute(
        "XADD", TestChannels.NAMES.history(job), "0-" + seq, "m", event(job, seq, message));
  }

  private static String event(long job, long seq, String message) {
    return "{\"type\":\"training_log\",\"job_id\":"
        + job
        + ",\"seq\":"
        + seq
        + ",\"log\":{\"message\":\""
        + message
        + "\"}}";
  }

  private long subscribers(long job) {
    return TestChannels.subscribers(redis, TestChannels.NAMES.jobChannel(job));
  }
}
