package dev.trainwatch.relay.websocket;

import dev.trainwatch.relay.history.EventHistory;
import dev.trainwatch.relay.history.EventId;
import dev.trainwatch.relay.history.HistoryRange;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * What one socket has been sent, job by job: the last seq of each job it follows. Every event goes
 * through here, so the socket gets each event once and in order:
 *
 * <ul>
 *   <li>an event at or below the job's last seq is a duplicate and dropped;
 *   <li>a resume ({@code since}) replays the job's history after {@code since}, holding back live
 *       events that arrive meanwhile and sending them after the replay, without repeats;
 *   <li>a live event that skips seqs (the subscription was lost for a while) makes it replay the
 *       gap from history before sending it;
 *   <li>{@link #resync} replays every job's gap after the subscription came back.
 * </ul>
 *
 * When the history no longer reaches back far enough, a resume answers {@code recovered:false} and
 * the client reloads from the REST history; nothing partial is replayed. Thread-safe; it never
 * blocks (history reads complete later, on their own thread). Events that are not the protocol's
 * (no job_id and seq) pass through untouched.
 */
final class SocketFeed {

  /** Where a job stands on this socket. */
  private static final class Cursor {
    long last;
    boolean replaying;
    int generation;
    final List<String> held = new ArrayList<>();

    Cursor(long last) {
      this.last = last;
    }
  }

  private final EventHistory history;
  private final Consumer<String> out;
  private final Map<Long, Cursor> cursors = new HashMap<>();

  SocketFeed(EventHistory history, Consumer<String> out) {
    this.history = history;
    this.out = out;
  }

  /** An event from a followed channel, and its id ({@link EventId#of}; null for a non-event). */
  synchronized void live(String message, EventId id) {
    if (id == null) {
      out.accept(message);
      return;
    }
    Cursor cursor = cursors.get(id.jobId());
    if (cursor == null) {
      cursors.put(id.jobId(), new Cursor(id.seq()));
      out.accept(message);
    } else if (cursor.replaying) {
      cursor.held.add(message);
    } else if (id.seq() == cursor.last + 1) {
      cursor.last = id.seq();
      out.accept(message);
    } else if (id.seq() > cursor.last + 1) {
      cursor.held.add(message);
      replay(id.jobId(), cursor, false);
    }
  }

  /**
   * Replays the job's events after {@code since}, answering {@code resumed} first; live events of
   * the job from now on come after the replay.
   */
  synchronized void resume(long jobId, long since) {
    Cursor cursor = cursors.computeIfAbsent(jobId, id -> new Cursor(since));
    cursor.last = since;
    replay(jobId, cursor, true);
  }

  /** Replays every job's gap since its last seq: the subscription was lost and is back. */
  synchronized void resync() {
    cursors.forEach(
        (jobId, cursor) -> {
          if (!cursor.replaying) {
            replay(jobId, cursor, false);
          }
        });
  }

  /** Stops tracking a job (its channel was unsubscribed). */
  synchronized void forget(long jobId) {
    cursors.remove(jobId);
  }

  private void replay(long jobId, Cursor cursor, boolean announce) {
    cursor.replaying = true;
    int generation = ++cursor.generation;
    long since = cursor.last;
    history
        .after(jobId, since)
        .whenComplete(
            (range, failure) -> replayed(jobId, generation, since, announce, range, failure));
  }

  private synchronized void replayed(
      long jobId,
      int generation,
      long since,
      boolean announce,
      HistoryRange range,
      Throwable failure) {
    Cursor cursor = cursors.get(jobId);
    if (cursor == null || cursor.generation != generation) {
      return; // forgotten, or a newer replay took over
    }
    boolean recovered = failure == null && range.complete();
    if (announce) {
      out.accept(resumed(jobId, since, recovered));
    }
    if (recovered) {
      range.messages().forEach(message -> sendAbove(cursor, message));
    } else if (failure == null && !range.messages().isEmpty()) {
      // The client reloads from the REST history; live events go on from the newest one kept here.
      EventId newest = EventId.of(range.messages().get(range.messages().size() - 1));
      cursor.last = Math.max(cursor.last, newest == null ? cursor.last : newest.seq());
    }
    List<String> held = new ArrayList<>(cursor.held);
    cursor.held.clear();
    cursor.replaying = false;
    held.forEach(message -> sendAbove(cursor, message));
  }

  private void sendAbove(Cursor cursor, String message) {
    EventId id = EventId.of(message);
    if (id != null && id.seq() > cursor.last) {
      cursor.last = id.seq();
      out.accept(message);
    }
  }

  static String resumed(long jobId, long since, boolean recovered) {
    return "{\"type\":\"resumed\",\"job_id\":"
        + jobId
        + ",\"since\":"
        + since
        + ",\"recovered\":"
        + recovered
        + "}";
  }
}
