package dev.trainwatch.relay.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trainwatch.relay.history.EventHistory;
import dev.trainwatch.relay.history.EventId;
import dev.trainwatch.relay.history.HistoryRange;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * Property, over 500 random worlds (each reproducible from its seed): a stream of events for
 * several jobs, while clients disconnect, reconnect and resume from what they hold, connect late,
 * and history reads answer in any order, ends with every client holding exactly 1..N of each job,
 * in order.
 */
class SocketFeedPropertyTest {

  @Test
  void everyClientEndsWithEachJobsWholeSequenceOnce() {
    Random seeds = new Random(20261128);
    for (int world = 0; world < 500; world++) {
      long seed = seeds.nextLong();
      Random random = new Random(seed);
      run(seed, 1 + random.nextInt(4), 1 + random.nextInt(6), 50 + random.nextInt(1950));
    }
  }

  private static void run(long seed, int jobs, int clients, int events) {
    Random random = new Random(seed);
    World world = new World(random);
    List<Client> all = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      all.add(new Client(world, jobs, random));
    }
    int published = 0;
    while (published < events) {
      int action = random.nextInt(100);
      Client client = all.get(random.nextInt(all.size()));
      if (action < 60) {
        world.publish(1 + random.nextInt(jobs));
        published++;
      } else if (action < 70) {
        client.disconnect();
      } else if (action < 80) {
        client.connect();
      } else {
        world.answerOne();
      }
    }
    all.forEach(Client::connect);
    world.answerAll();
    for (Client client : all) {
      for (long job = 1; job <= jobs; job++) {
        long last = world.lastSeq(job);
        assertThat(client.held(job))
            .as(
                "seed %d, %d jobs, %d clients, %d events: a client's events of job %d",
                seed, jobs, clients, events, job)
            .containsExactlyElementsOf(LongStream.rangeClosed(1, last).boxed().toList());
      }
    }
  }

  /** Redis as the relay sees it: the history, live delivery, and history reads answered late. */
  private static final class World implements EventHistory {
    private final Random random;
    private final Map<Long, List<String>> history = new HashMap<>();
    private final List<SocketFeed> connected = new ArrayList<>();
    private final List<Runnable> pendingReads = new ArrayList<>();

    World(Random random) {
      this.random = random;
    }

    void publish(long job) {
      List<String> events = history.computeIfAbsent(job, j -> new ArrayList<>());
      String event =
          "{\"type\":\"training_metrics\",\"job_id\":"
              + job
              + ",\"seq\":"
              + (events.size() + 1)
              + "}";
      events.add(event); // appended to the history before it is published, as the script does
      EventId id = EventId.of(event);
      List.copyOf(connected).forEach(feed -> feed.live(event, id));
    }

    long lastSeq(long job) {
      return history.getOrDefault(job, List.of()).size();
    }

    @Override
    public CompletionStage<HistoryRange> after(long jobId, long since) {
      CompletableFuture<HistoryRange> answer = new CompletableFuture<>();
      pendingReads.add(
          () -> {
            List<String> events = history.getOrDefault(jobId, List.of());
            answer.complete(
                new HistoryRange(
                    List.copyOf(
                        events.subList((int) Math.min(since, events.size()), events.size())),
                    true));
          });
      return answer;
    }

    void answerOne() {
      if (!pendingReads.isEmpty()) {
        pendingReads.remove(random.nextInt(pendingReads.size())).run();
      }
    }

    void answerAll() {
      while (!pendingReads.isEmpty()) {
        answerOne();
      }
    }
  }

  /** A browser: what it holds per job, and a socket (a feed) while connected. */
  private static final class Client {
    private final World world;
    private final int jobs;
    private final Map<Long, List<Long>> held = new HashMap<>();
    private SocketFeed feed;

    Client(World world, int jobs, Random random) {
      this.world = world;
      this.jobs = jobs;
      if (random.nextBoolean()) {
        connect();
      }
    }

    void connect() {
      if (feed != null) {
        return;
      }
      SocketFeed[] self = new SocketFeed[1];
      // A closed socket's late replies go nowhere: only the current socket delivers.
      SocketFeed socket =
          new SocketFeed(
              world,
              message -> {
                if (feed == self[0]) {
                  receive(message);
                }
              });
      self[0] = socket;
      feed = socket;
      world.connected.add(socket);
      for (long job = 1; job <= jobs; job++) {
        socket.resume(job, held.getOrDefault(job, List.of()).size());
      }
    }

    void disconnect() {
      world.connected.remove(feed);
      feed = null;
    }

    List<Long> held(long job) {
      return held.getOrDefault(job, List.of());
    }

    private void receive(String message) {
      EventId id = EventId.of(message);
      if (id != null) {
        held.computeIfAbsent(id.jobId(), j -> new ArrayList<>()).add(id.seq());
      }
    }
  }
}
