package dev.trainwatch.relay.subscription;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trainwatch.relay.history.EventId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SubscriptionRegistryTest {

  private final RecordingSubscriber subscriber = new RecordingSubscriber();
  private final SubscriptionRegistry registry = new SubscriptionRegistry(subscriber);

  @Test
  void firstFollowerSubscribesAndLastUnsubscribes() {
    RecordingFollower first = new RecordingFollower();
    RecordingFollower second = new RecordingFollower();

    registry.add("tw:job:1", first);
    registry.add("tw:job:1", second);
    assertThat(subscriber.calls).containsExactly("SUBSCRIBE tw:job:1");
    assertThat(registry.followerCount()).isEqualTo(2);
    assertThat(registry.channelCount()).isEqualTo(1);

    registry.remove("tw:job:1", first);
    assertThat(subscriber.calls).containsExactly("SUBSCRIBE tw:job:1");

    registry.remove("tw:job:1", second);
    assertThat(subscriber.calls).containsExactly("SUBSCRIBE tw:job:1", "UNSUBSCRIBE tw:job:1");
    assertThat(registry.followerCount()).isZero();
    assertThat(registry.channelCount()).isZero();
  }

  @Test
  void addingTwiceOrRemovingAnAbsentFollowerChangesNothing() {
    RecordingFollower follower = new RecordingFollower();

    registry.add("tw:job:1", follower);
    registry.add("tw:job:1", follower);
    registry.remove("tw:job:2", follower);
    registry.remove("tw:job:1", new RecordingFollower());

    assertThat(registry.followerCount()).isEqualTo(1);
    assertThat(subscriber.calls).containsExactly("SUBSCRIBE tw:job:1");
  }

  @Test
  void anEventsIdIsReadOnceForAllOfItsFollowers() {
    RecordingFollower first = new RecordingFollower();
    RecordingFollower second = new RecordingFollower();
    registry.add("tw:job:4", first);
    registry.add("tw:job:4", second);

    subscriber.push("tw:job:4", "{\"type\":\"training_log\",\"job_id\":4,\"seq\":9,\"log\":{}}");
    subscriber.push("tw:job:4", "{\"type\":\"not an event\"}");

    assertThat(first.ids.get(0)).isEqualTo(new EventId(4, 9)).isSameAs(second.ids.get(0));
    assertThat(first.ids.get(1)).isNull();
  }

  @Test
  void messagesReachOnlyTheChannelsFollowers() {
    RecordingFollower job = new RecordingFollower();
    RecordingFollower session = new RecordingFollower();
    registry.add("tw:job:1", job);
    registry.add("tw:session:7", session);

    subscriber.push("tw:job:1", "{\"seq\":1}");
    subscriber.push("tw:session:7", "{\"seq\":2}");
    subscriber.push("tw:job:99", "{\"seq\":3}");

    assertThat(job.received).containsExactly("(subscribed)", "{\"seq\":1}");
    assertThat(session.received).containsExactly("(subscribed)", "{\"seq\":2}");
  }

  @Test
  void followersAreToldOnceTheSubscriptionIsConfirmedAndBeforeAnyMessage() {
    subscriber.pending = new CompletableFuture<>();
    CompletableFuture<Void> confirmation = subscriber.pending;
    RecordingFollower early = new RecordingFollower();
    registry.add("tw:job:1", early);
    assertThat(early.told).isEmpty();

    confirmation.complete(null);
    assertThat(early.told).containsExactly("subscribed");

    RecordingFollower late = new RecordingFollower();
    registry.add("tw:job:1", late);
    subscriber.push("tw:job:1", "{\"seq\":1}");
    assertThat(late.received).containsExactly("(subscribed)", "{\"seq\":1}");
    assertThat(subscriber.calls).containsExactly("SUBSCRIBE tw:job:1");
  }

  @Test
  void aFailedSubscriptionTellsItsFollowersAndIsTriedAgainForTheNext() {
    subscriber.pending = new CompletableFuture<>();
    CompletableFuture<Void> confirmation = subscriber.pending;
    RecordingFollower first = new RecordingFollower();
    registry.add("tw:job:1", first);

    confirmation.completeExceptionally(new IllegalStateException("Redis is down"));
    assertThat(first.told).containsExactly("failed: Redis is down");
    assertThat(registry.followerCount()).isZero();
    assertThat(registry.channelCount()).isZero();

    RecordingFollower second = new RecordingFollower();
    registry.add("tw:job:1", second);
    assertThat(second.told).containsExactly("subscribed");
    assertThat(subscriber.calls).containsExactly("SUBSCRIBE tw:job:1", "SUBSCRIBE tw:job:1");
  }

  @Test
  void aResubscribedChannelTellsItsFollowersOnly() {
    RecordingFollower job = new RecordingFollower();
    RecordingFollower other = new RecordingFollower();
    registry.add("tw:job:1", job);
    registry.add("tw:job:2", other);
    subscriber.reconnected("tw:job:1");
    assertThat(job.told).containsExactly("subscribed", "resubscribed tw:job:1");
    assertThat(other.told).containsExactly("subscribed");
  }

  @Test
  void aGoneFollowerIsDroppedAndItsChannelUnsubscribed() {
    RecordingFollower gone = new RecordingFollower();
    gone.open = false;
    registry.add("tw:job:1", gone);

    subscriber.push("tw:job:1", "{}");

    assertThat(registry.followerCount()).isZero();
    assertThat(subscriber.calls).containsExactly("SUBSCRIBE tw:job:1", "UNSUBSCRIBE tw:job:1");
  }

  @Test
  void concurrentAddsAndRemovesEndConsistent() throws Exception {
    int threads = 8;
    int rounds = 2_000;
    List<String> channels = List.of("tw:job:1", "tw:job:2", "tw:session:3");
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<?>> done = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int thread = t;
      done.add(
          pool.submit(
              () -> {
                start.await();
                for (int i = 0; i < rounds; i++) {
                  String channel = channels.get((thread + i) % channels.size());
                  RecordingFollower follower = new RecordingFollower();
                  registry.add(channel, follower);
                  registry.remove(channel, follower);
                }
                return null;
              }));
    }
    start.countDown();
    for (Future<?> future : done) {
      future.get(30, TimeUnit.SECONDS);
    }
    pool.shutdown();

    assertThat(registry.followerCount()).isZero();
    assertThat(registry.channelCount()).isZero();
    Map<String, String> lastCall = new HashMap<>();
    for (String call : subscriber.calls) {
      String channel = call.substring(call.indexOf(' ') + 1);
      String previous = lastCall.put(channel, call);
      String expected = previous == null || previous.startsWith("UN") ? "SUBSCRIBE" : "UNSUBSCRIBE";
      assertThat(call).as("call after %s", previous).isEqualTo(expected + " " + channel);
    }
    assertThat(lastCall.values()).allMatch(call -> call.startsWith("UNSUBSCRIBE"));
  }

  /** Records the calls in the order the registry makes them and lets a test push messages. */
  private static final class RecordingSubscriber implements ChannelSubscriber {

    final List<String> calls = new CopyOnWriteArrayList<>();
    private Listener listener;

    @Override
    public void listen(Listener listener) {
      this.listener = listener;
    }

    /** When set, the next subscription waits for the test to complete it. */
    CompletableFuture<Void> pending;

    @Override
    public CompletionStage<Void> subscribe(String channel) {
      calls.add("SUBSCRIBE " + channel);
      CompletableFuture<Void> reply =
          pending == null ? CompletableFuture.completedFuture(null) : pending;
      pending = null;
      return reply;
    }

    @Override
    public void unsubscribe(String channel) {
      calls.add("UNSUBSCRIBE " + channel);
    }

    @Override
    public boolean connected() {
      return true;
    }

    void push(String channel, String message) {
      listener.onMessage(channel, message);
    }

    void reconnected(String channel) {
      listener.onResubscribed(channel);
    }
  }

  private static final class RecordingFollower implements Follower {

    final List<String> received = new CopyOnWriteArrayList<>();
    final List<String> told = new CopyOnWriteArrayList<>();
    final List<EventId> ids = new CopyOnWriteArrayList<>();
    boolean open = true;

    @Override
    public void subscribed(String channel) {
      told.add("subscribed");
      received.add("(subscribed)");
    }

    @Override
    public void failed(String channel, Throwable cause) {
      told.add("failed: " + cause.getMessage());
    }

    @Override
    public void resubscribed(String channel) {
      told.add("resubscribed " + channel);
    }

    @Override
    public boolean send(String message, EventId id) {
      if (open) {
        received.add(message);
        ids.add(id);
      }
      return open;
    }
  }
}
