package dev.trainwatch.relay.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trainwatch.relay.history.EventHistory;
import dev.trainwatch.relay.history.EventId;
import dev.trainwatch.relay.history.HistoryRange;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/** Unit: one socket gets every event of a job once, in order, across resumes, gaps and repeats. */
class SocketFeedTest {

  private final List<String> sent = new ArrayList<>();
  private final ScriptedHistory history = new ScriptedHistory();
  private final SocketFeed feed = new SocketFeed(history, sent::add);

  @Test
  void liveEventsPassOnceAndRepeatsAreDropped() {
    live(event(1, 5));
    live(event(1, 6));
    live(event(1, 6));
    live(event(1, 4));
    live("{\"type\":\"something else\"}");
    assertThat(sent).containsExactly(event(1, 5), event(1, 6), "{\"type\":\"something else\"}");
  }

  @Test
  void aResumeReplaysTheGapThenLiveEventsHeldMeanwhileWithoutRepeats() {
    feed.resume(7, 2);
    live(event(7, 5)); // arrives while the history read is under way
    live(event(7, 6));
    history.answer(List.of(event(7, 3), event(7, 4), event(7, 5)), true);
    live(event(7, 7));
    assertThat(sent)
        .containsExactly(
            SocketFeed.resumed(7, 2, true),
            event(7, 3),
            event(7, 4),
            event(7, 5),
            event(7, 6),
            event(7, 7));
  }

  @Test
  void aGapOlderThanTheHistoryAnswersNotRecoveredAndReplaysNothing() {
    feed.resume(7, 2);
    history.answer(List.of(event(7, 9), event(7, 10)), false);
    live(event(7, 11));
    assertThat(sent).containsExactly(SocketFeed.resumed(7, 2, false), event(7, 11));
  }

  @Test
  void aLiveEventThatSkipsSeqsMakesItReplayTheGapFirst() {
    live(event(3, 1));
    live(event(3, 4)); // 2 and 3 were missed while the subscription was down
    assertThat(history.asked).containsExactly("3 after 1");
    history.answer(List.of(event(3, 2), event(3, 3), event(3, 4)), true);
    assertThat(sent).containsExactly(event(3, 1), event(3, 2), event(3, 3), event(3, 4));
  }

  @Test
  void aResyncReplaysEveryJobsGapAndAnnouncesNothing() {
    live(event(1, 1));
    live(event(2, 8));
    feed.resync();
    assertThat(history.asked).containsExactly("1 after 1", "2 after 8");
    history.answer(List.of(event(1, 2)), true);
    history.answer(List.of(), true);
    assertThat(sent).containsExactly(event(1, 1), event(2, 8), event(1, 2));
  }

  @Test
  void aFailedHistoryReadStillReleasesHeldEvents() {
    feed.resume(4, 0);
    live(event(4, 1));
    history.fail();
    assertThat(sent).containsExactly(SocketFeed.resumed(4, 0, false), event(4, 1));
  }

  private static String event(long job, long seq) {
    return "{\"type\":\"training_metrics\",\"job_id\":"
        + job
        + ",\"seq\":"
        + seq
        + ",\"metrics\":{}}";
  }

  /** A history whose answers the test gives, in the order they were asked for. */
  private static final class ScriptedHistory implements EventHistory {
    final List<String> asked = new ArrayList<>();
    private final List<CompletableFuture<HistoryRange>> pending = new ArrayList<>();

    @Override
    public CompletionStage<HistoryRange> after(long jobId, long since) {
      asked.add(jobId + " after " + since);
      CompletableFuture<HistoryRange> answer = new CompletableFuture<>();
      pending.add(answer);
      return answer;
    }

    void answer(List<String> messages, boolean complete) {
      pending.remove(0).complete(new HistoryRange(messages, complete));
    }

    void fail() {
      pending.remove(0).completeExceptionally(new IllegalStateException("Redis is down"));
    }
  }

  private void live(String message) {
    feed.live(message, EventId.of(message));
  }
}
