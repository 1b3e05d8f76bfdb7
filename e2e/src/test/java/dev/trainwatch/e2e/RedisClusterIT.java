package dev.trainwatch.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trainwatch.testing.TestSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * End to end on a Redis Cluster ({@link LocalRedisCluster}: three masters, a replica each): the
 * functions and two relays run with REDIS_CLIENT_TYPE=cluster. Each job is watched by a socket on
 * each relay, from seq 0. A trainer reports to every job while relay 0 is killed (its sockets
 * resume on relay 1 from the last seq they have, as the web UI does) and then the master that
 * serves the first job's slot is killed (its replica takes over). Every socket ends with every
 * event of its job exactly once and in order, from the live feed alone.
 */
class RedisClusterIT {

  private static final String PREFIX = "twcluster";
  private static final Pattern EVENT = Pattern.compile("\"job_id\":(\\d+),\"seq\":(\\d+),");
  private static final int POINTS = 150;

  private static LocalRedisCluster redis;
  private static RunningSystem system;

  /** One browser tab on one job: the seqs it was sent, over every socket it opened. */
  private static final class Watcher {
    final long job;
    final List<Long> seqs = new ArrayList<>();
    TestSocket socket;

    Watcher(long job, int relay) throws InterruptedException {
      this.job = job;
      this.socket = Api.open(system.relaySocket(relay, "job_id=" + job + "&since=0"));
    }

    /** Takes what arrived so far; false when nothing did for {@code quiet}. */
    boolean read(Duration quiet) throws InterruptedException {
      String message = socket.poll(quiet);
      if (message == null) {
        return false;
      }
      Matcher event = EVENT.matcher(message);
      if (event.find() && Long.parseLong(event.group(1)) == job) {
        seqs.add(Long.parseLong(event.group(2)));
      }
      return true;
    }

    /** After its relay died: what it had, then a socket on {@code relay} resuming after it. */
    void resumeOn(int relay) throws InterruptedException {
      while (read(Duration.ofMillis(50))) {
        // what arrived before the relay died
      }
      socket.close();
      long last = seqs.isEmpty() ? 0 : seqs.get(seqs.size() - 1);
      socket = Api.open(system.relaySocket(relay, "job_id=" + job + "&since=" + last));
    }
  }

  @BeforeAll
  static void start() throws Exception {
    redis = LocalRedisCluster.start();
    system =
        RunningSystem.start(
            PREFIX,
            Map.of("REDIS_CLIENT_TYPE", "cluster", "QUARKUS_REDIS_HOSTS", redis.hosts()),
            2);
  }

  @AfterAll
  static void stop() throws Exception {
    if (system != null) {
      system.close();
    }
    if (redis != null) {
      redis.close();
    }
  }

  @Test
  void everySocketGetsEveryEventOnceAcrossARelayKillAndAShardFailover() throws Exception {
    Api api = new Api(system);
    List<Long> jobs = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      jobs.add(api.submitKubernetes(null));
    }
    List<Watcher> onRelay0 = new ArrayList<>();
    List<Watcher> watchers = new ArrayList<>();
    for (long job : jobs) {
      Watcher first = new Watcher(job, 0);
      onRelay0.add(first);
      watchers.add(first);
      watchers.add(new Watcher(job, 1));
    }

    AtomicInteger reported = new AtomicInteger();
    CompletableFuture<Void> trainer =
        CompletableFuture.runAsync(
            () -> {
              for (int epoch = 1; epoch <= POINTS; epoch++) {
                for (long job : jobs) {
                  api.postUntilStored(job, epoch, "cluster");
                }
                reported.set(epoch);
                Api.sleep(20);
              }
            });
    awaitReported(reported, POINTS / 3);
    system.killRelay(0);
    for (Watcher watcher : onRelay0) {
      watcher.resumeOn(1);
    }
    awaitReported(reported, 2 * POINTS / 3);
    redis.killAndAwaitFailover(redis.masterOf(PREFIX + ":job:{" + jobs.get(0) + "}"));
    trainer.get(180, TimeUnit.SECONDS);

    for (Watcher watcher : watchers) {
      long last = api.lastStoredSeq(watcher.job);
      Instant deadline = Instant.now().plusSeconds(30);
      while (Instant.now().isBefore(deadline)
          && (watcher.seqs.isEmpty() || watcher.seqs.get(watcher.seqs.size() - 1) < last)) {
        watcher.read(Duration.ofMillis(500));
      }
      assertThat(watcher.seqs)
          .as("job %d: every event once, in order", watcher.job)
          .containsExactlyElementsOf(LongStream.rangeClosed(1, last).boxed().toList());
      watcher.socket.close();
    }
  }

  private static void awaitReported(AtomicInteger reported, int epoch) {
    Instant deadline = Instant.now().plusSeconds(120);
    while (reported.get() < epoch && Instant.now().isBefore(deadline)) {
      Api.sleep(20);
    }
  }
}
