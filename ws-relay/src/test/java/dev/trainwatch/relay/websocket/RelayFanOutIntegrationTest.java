package dev.trainwatch.relay.websocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.trainwatch.relay.TestChannels;
import dev.trainwatch.testing.TestSocket;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Events published on Redis reach exactly the sockets that follow them, over one subscription. */
@QuarkusTest
class RelayFanOutIntegrationTest {

  private static final Duration WAIT = Duration.ofSeconds(10);

  @TestHTTPResource("/api/v1/ws/training")
  URI endpoint;

  @Inject RedisDataSource redis;

  @Test
  void forwardsAJobsEventsUnchangedFromTheMomentItGreets() throws Exception {
    long job = TestSocket.randomId();
    String channel = TestChannels.NAMES.jobChannel(job);
    TestSocket socket = open("job_id=" + job);
    // No waiting for Redis here: "connected" is sent once the subscription is confirmed.

    String event =
        "{\"type\":\"metrics\",\"job_id\":" + job + ",\"seq\":1,\"loss\":0.25,\"n\":\"é\"}";
    publish(channel, event);

    assertThat(socket.next()).isEqualTo(event);
    socket.close();
  }

  @Test
  void sessionSocketsGetOnlyTheirSessionsEvents() throws Exception {
    long mine = TestSocket.randomId();
    long other = TestSocket.randomId();
    TestSocket socket = open("session_id=" + mine);
    TestSocket otherSocket = open("session_id=" + other);
    awaitSubscribers("twtest:session:default:" + mine, 1);
    awaitSubscribers("twtest:session:default:" + other, 1);

    publish("twtest:session:default:" + other, "{\"for\":\"other\"}");
    publish("twtest:session:default:" + mine, "{\"for\":\"mine\"}");

    // Redis delivers in publish order, so an event of the other session would come first.
    assertThat(socket.next()).isEqualTo("{\"for\":\"mine\"}");
    assertThat(otherSocket.next()).isEqualTo("{\"for\":\"other\"}");
    socket.close();
    otherSocket.close();
  }

  @Test
  void manySocketsShareOneSubscriptionThatEndsWithTheLast() throws Exception {
    long job = TestSocket.randomId();
    String channel = TestChannels.NAMES.jobChannel(job);
    List<TestSocket> sockets = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      sockets.add(open("job_id=" + job));
    }
    awaitSubscribers(channel, 1);
    assertThat(subscribers(channel)).isEqualTo(1);

    publish(channel, "{\"seq\":7}");
    for (TestSocket socket : sockets) {
      assertThat(socket.next()).isEqualTo("{\"seq\":7}");
    }

    sockets.forEach(TestSocket::close);
    awaitSubscribers(channel, 0);
  }

  /** Opens a socket and takes its greeting. */
  private TestSocket open(String query) throws InterruptedException {
    TestSocket socket = TestSocket.open(TestSocket.uri(endpoint, query));
    assertThat(socket.next()).contains("\"type\":\"connected\"");
    return socket;
  }

  private void publish(String channel, String message) {
    TestChannels.publish(redis, channel, message);
  }

  private void awaitSubscribers(String channel, long count) {
    await().atMost(WAIT).until(() -> subscribers(channel) == count);
  }

  private long subscribers(String channel) {
    return TestChannels.subscribers(redis, channel);
  }
}
