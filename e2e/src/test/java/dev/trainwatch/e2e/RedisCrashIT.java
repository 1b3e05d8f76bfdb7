package dev.trainwatch.e2e;

import static dev.trainwatch.e2e.Api.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.trainwatch.testing.TestSocket;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * End to end: Redis is killed with {@code kill -9} in the middle of a stream and started again (it
 * keeps nothing on disk, so its history is gone too). The relay reconnects by itself; a client that
 * watched throughout and then fills its gaps from {@code GET /events}, as the web UI does, ends
 * with the job's complete sequence, each event once.
 */
class RedisCrashIT {

  private static final Pattern SEQ = Pattern.compile("\"job_id\":(\\d+),\"seq\":(\\d+),");

  private final RunningSystem system = RunningSystem.get();
  private final Api api = new Api(system);

  @Test
  void aClientEndsWithTheCompleteSequenceAfterRedisDiesAndComesBack() throws Exception {
    long job = api.submitKubernetes(null);
    try (TestSocket socket = Api.open(system.relaySocket("job_id=" + job))) {
      AtomicInteger sent = new AtomicInteger();
      CompletableFuture<Void> trainer =
          CompletableFuture.runAsync(
              () -> {
                for (int epoch = 1; epoch <= 150; epoch++) {
                  postUntilStored(job, epoch);
                  sent.incrementAndGet();
                  sleep(20);
                }
              });
      while (sent.get() < 40) {
        sleep(10);
      }
      RedisServer.crashAndRestart();
      trainer.get(120, TimeUnit.SECONDS);

      long last = lastStoredSeq(job);
      List<Long> seen = new ArrayList<>();
      Instant deadline = Instant.now().plusSeconds(20);
      // What the socket delivers after the restart, until the live feed reaches the newest event.
      while (Instant.now().isBefore(deadline)
          && (seen.isEmpty() || seen.get(seen.size() - 1) < last)) {
        String message = socket.poll(Duration.ofMillis(500));
        if (message != null) {
          Matcher m = SEQ.matcher(message);
          if (m.find()) {
            seen.add(Long.parseLong(m.group(2)));
          }
        }
      }
      List<Long> complete = fillGaps(job, seen);
      List<Long> expected = new ArrayList<>();
      for (long seq = 1; seq <= last; seq++) {
        expected.add(seq);
      }
      assertThat(complete).containsExactlyElementsOf(expected);
    }
  }

  /** The client's sequence, its gaps filled from GET /events as the UI's sequencer does. */
  private List<Long> fillGaps(long job, List<Long> seen) {
    List<Long> complete = new ArrayList<>();
    for (long seq : seen) {
      long have = complete.isEmpty() ? 0 : complete.get(complete.size() - 1);
      if (seq <= have) {
        continue; // a repeat: dropped
      }
      if (seq > have + 1) {
        JsonPath missed =
            given()
                .queryParam("since", have)
                .queryParam("limit", seq - have - 1)
                .get(system.functions("/api/v1/training/jobs/" + job + "/events"))
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        missed.getList("events.seq", Long.class).forEach(complete::add);
      }
      complete.add(seq);
    }
    return complete;
  }

  private long lastStoredSeq(long job) {
    List<Long> all =
        given()
            .queryParam("limit", 100000)
            .get(system.functions("/api/v1/training/jobs/" + job + "/events"))
            .then()
            .statusCode(200)
            .extract()
            .jsonPath()
            .getList("events.seq", Long.class);
    return all.get(all.size() - 1);
  }

  /** Posts one point, retrying while Redis is down or the functions answer anything but 200. */
  private void postUntilStored(long job, int epoch) {
    for (int attempt = 0; attempt < 200; attempt++) {
      int status =
          given()
              .contentType("application/json")
              .header("Idempotency-Key", "crash-" + job + "-" + epoch)
              .body("{\"epoch\":" + epoch + ",\"metrics\":{\"loss\":0.5}}")
              .post(system.functions("/api/v1/training/jobs/" + job + "/metrics"))
              .statusCode();
      if (status == 200) {
        return;
      }
      sleep(100);
    }
    throw new IllegalStateException("point " + epoch + " was never stored");
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
