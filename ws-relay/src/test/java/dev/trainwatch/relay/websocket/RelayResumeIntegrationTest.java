package dev.trainwatch.relay.websocket;

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
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Integration: resuming from a seq over the real Redis history stream (written as the functions
 * write it), several jobs on one socket, and the subscriber connection lost and back.
 */
@QuarkusTest
class RelayResumeIntegrationTest {

  @TestHTTPResource("/api/v1/ws/training")
  URI endpoint;

  @Inject RedisDataSource redis;

  @Test
  void connectingWithSinceReplaysTheGapThenGoesLive() throws Exception {
    long job = TestSocket.randomId();
    for (int seq = 1; seq <= 5; seq++) {
      store(job, seq);
    }
    TestSocket socket = TestSocket.open(TestSocket.uri(endpoint, "job_id=" + job + "&since=2"));
    assertThat(socket.next()).contains("\"type\":\"connected\"");
    assertThat(socket.next())
        .isEqualTo("{\"type\":\"resumed\",\"job_id\":" + job + ",\"since\":2,\"recovered\":true}");
    assertThat(List.of(socket.next(), socket.next(), socket.next()))
        .containsExactly(event(job, 3), event(job, 4), event(job, 5));
    publish(job, 5); // a repeat is dropped
    publish(job, 6);
    assertThat(socket.next()).isEqualTo(event(job, 6));
    socket.close();
  }

  @Test
  void theFirstSocketOfAStreamingJobGetsEveryEventOnceInOrder() throws Exception {
    long job = TestSocket.randomId();
    Thread trainer =
        new Thread(
            () -> {
              for (int seq = 1; seq <= 300; seq++) {
                publish(job, seq);
                sleepQuietly(3);
              }
            });
    trainer.start();
    Awaitility.await().until(() -> newestStored(job) >= 50);
    // The relay subscribes the job's channel for this socket while events keep coming.
    TestSocket socket = TestSocket.open(TestSocket.uri(endpoint, "job_id=" + job + "&since=0"));
    List<Long> seqs = new ArrayList<>();
    while (seqs.isEmpty() || seqs.get(seqs.size() - 1) < 300) {
      String message = socket.next();
      if (message.startsWith("{\"type\":\"training_metrics\"")) {
        seqs.add(Long.parseLong(message.replaceAll(".*\"seq\":(\\d+).*", "$1")));
      }
    }
    trainer.join();
    assertThat(seqs)
        .containsExactlyElementsOf(
            java.util.stream.LongStream.rangeClosed(1, 300).boxed().toList());
    socket.close();
  }

  private long newestStored(long job) {
    List<Long> newest = new ArrayList<>();
    redis
        .execute("XREVRANGE", TestChannels.NAMES.history(job), "+", "-", "COUNT", "1")
        .forEach(entry -> newest.add(Long.parseLong(entry.get(0).toString().substring(2))));
    return newest.isEmpty() ? 0 : newest.get(0);
  }

  private static void sleepQuietly(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void aGapOlderThanTheHistoryIsAnsweredNotRecovered() throws Exception {
    long job = TestSocket.randomId();
    for (int seq = 10; seq <= 12; seq++) {
      store(job, seq); // 1 to 9 trimmed away
    }
    TestSocket socket = TestSocket.open(TestSocket.uri(endpoint, "job_id=" + job));
    socket.next();
    socket.send("{\"type\":\"resume\",\"job_id\":" + job + ",\"since\":4}");
    assertThat(socket.next())
        .isEqualTo("{\"type\":\"resumed\",\"job_id\":" + job + ",\"since\":4,\"recovered\":false}");
    publish(job, 13);
    assertThat(socket.next()).isEqualTo(event(job, 13));
    socket.close();
  }

  @Test
  void oneSocketFollowsSeveralJobsEachFromItsOwnPoint() throws Exception {
    long first = TestSocket.randomId();
    long second = TestSocket.randomId();
    store(second, 1);
    store(second, 2);
    TestSocket socket = TestSocket.open(TestSocket.uri(endpoint, "job_id=" + first));
    socket.next();
    socket.send(
        "{\"type\":\"subscribe\",\"job_id\":"
            + second
            + ",\"since\":1,\"token\":\""
            + TestTokens.subscribeJob(second)
            + "\"}");
    assertThat(socket.next()).isEqualTo("{\"type\":\"subscribed\",\"job_id\":" + second + "}");
    assertThat(socket.next()).contains("\"recovered\":true");
    assertThat(socket.next()).isEqualTo(event(second, 2));
    publish(first, 1);
    assertThat(socket.next()).isEqualTo(event(first, 1));

    socket.send("{\"type\":\"unsubscribe\",\"job_id\":" + first + "}");
    assertThat(socket.next()).isEqualTo("{\"type\":\"unsubscribed\",\"job_id\":" + first + "}");
    Awaitility.await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> subscribers(TestChannels.NAMES.jobChannel(first)) == 0);
    publish(second, 3);
    assertThat(socket.next()).isEqualTo(event(second, 3));
    socket.close();
  }

  @Test
  void eventsPublishedWhileTheSubscriberConnectionWasDownArriveAfterItIsBack() throws Exception {
    long job = TestSocket.randomId();
    TestSocket socket = TestSocket.open(TestSocket.uri(endpoint, "job_id=" + job));
    socket.next();
    publish(job, 1);
    assertThat(socket.next()).isEqualTo(event(job, 1));

    redis.execute("CLIENT", "KILL", "TYPE", "pubsub");
    store(job, 2); // published while nobody listened: only the history has it
    publish(job, 2);
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> subscribers(TestChannels.NAMES.jobChannel(job)) == 1);
    publish(job, 3);
    List<String> rest = new ArrayList<>();
    while (rest.size() < 2) {
      rest.add(socket.next());
    }
    assertThat(rest).containsExactly(event(job, 2), event(job, 3));
    socket.close();
  }

  /**
   * Appends an event to the job's history as the functions' publish script does, without
   * publishing.
   */
  private void store(long job, long seq) {
    redis.execute("XADD", TestChannels.NAMES.history(job), "0-" + seq, "m", event(job, seq));
  }

  /** Appends (if new) and publishes, as the functions' publish script does. */
  private void publish(long job, long seq) {
    List<String> newest = new ArrayList<>();
    redis
        .execute("XREVRANGE", TestChannels.NAMES.history(job), "+", "-", "COUNT", "1")
        .forEach(entry -> newest.add(entry.get(0).toString()));
    if (newest.isEmpty() || Long.parseLong(newest.get(0).substring(2)) < seq) {
      store(job, seq);
    }
    TestChannels.publish(redis, TestChannels.NAMES.jobChannel(job), event(job, seq));
  }

  private long subscribers(String channel) {
    return TestChannels.subscribers(redis, channel);
  }

  private static String event(long job, long seq) {
    return "{\"type\":\"training_metrics\",\"job_id\":"
        + job
        + ",\"seq\":"
        + seq
        + ",\"metrics\":{}}";
  }
}
