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
                  api.postUntilStored(job, epoch, "crash");
                  sent.incrementAndGet();
                  Api.sleep(20);
                }
              });
      while (sent.get() < 40) {
        Api.sleep(10);
      }
      RedisServer.crashAndRestart();
      trainer.get(120, TimeUnit.SECONDS);

      long last = api.lastStoredSeq(job);
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
}
