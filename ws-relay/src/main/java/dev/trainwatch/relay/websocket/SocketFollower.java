package dev.trainwatch.relay.websocket;

import dev.trainwatch.relay.history.EventHistory;
import dev.trainwatch.relay.history.EventId;
import dev.trainwatch.relay.metrics.RelayMetrics;
import dev.trainwatch.relay.subscription.Follower;
import io.quarkus.logging.Log;
import jakarta.websocket.CloseReason;
import jakarta.websocket.CloseReason.CloseCodes;
import jakarta.websocket.Session;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A browser socket as a follower of its channels. Its first confirmed subscription sends the
 * greeting (so "connected" means every later event arrives); later ones answer "subscribed". The
 * greeting is always the socket's first frame: what is written before it (a pong, an error, an
 * event) waits and follows it in order. Every event passes through its {@link SocketFeed}, which
 * drops repeats and replays gaps.
 *
 * <p>Sends are asynchronous and complete in order ({@link WireFrames}). The slow-consumer rule
 * judges a backlog, not a message: the bytes queued and not yet written, less the largest queued
 * frame. When they are over {@code maxPendingBytes} as another frame comes, the socket is closed
 * with 4001, so a browser that stops reading cannot grow the heap (it holds at most the budget, the
 * largest frame and one more), while one large event to a browser that reads never closes it, also
 * when it is queued behind frames not yet reported written (a replay queues several at once).
 */
final class SocketFollower implements Follower {

  /** The close code of a socket that reads too slowly; the client reconnects and resumes. */
  static final int SLOW_CONSUMER = 4001;

  private static final CloseReason SEND_FAILED =
      new CloseReason(CloseCodes.UNEXPECTED_CONDITION, "sending failed");
  private static final CloseReason FEED_DOWN =
      new CloseReason(CloseCodes.TRY_AGAIN_LATER, "the live feed is unavailable; reconnect later");
  private static final CloseReason TOO_SLOW =
      new CloseReason(
          CloseCodes.getCloseCode(SLOW_CONSUMER),
          "slow consumer: reading too slowly; reconnect and resume");

  private final Session session;
  private final Frames frames;
  private final String greeting;
  private final RelayMetrics metrics;
  private final long maxPendingBytes;
  private final SocketFeed feed;
  private final SlowSocketCutter cutter;

  /** Sizes of the frames queued and not yet written, oldest (the one being written) first. */
  private final Deque<Integer> queued = new ArrayDeque<>();

  private long queuedSize;

  /** Frames written before the greeting, sent right after it; null once greeted. */
  private List<String> beforeGreeting = new ArrayList<>();

  /**
   * Followed channels and their targets; a target waiting for confirmation maps to its resume
   * point.
   */
  private final Map<String, FollowTarget> channels = new ConcurrentHashMap<>();

  private final Map<String, Long> resumeOnConfirm = new ConcurrentHashMap<>();

  SocketFollower(
      Session session,
      Frames frames,
      String greeting,
      RelayMetrics metrics,
      EventHistory history,
      long maxPendingBytes,
      SlowSocketCutter cutter) {
    this.session = session;
    this.cutter = cutter;
    this.frames = frames;
    this.greeting = greeting;
    this.metrics = metrics;
    this.maxPendingBytes = maxPendingBytes;
    this.feed = new SocketFeed(history, this::deliver);
    WireFrames.install(session);
  }

  /**
   * Records that the socket is about to follow {@code target}, replaying a job after {@code since}.
   */
  void expect(String channel, FollowTarget target, Long since) {
    channels.put(channel, target);
    if (since != null) {
      resumeOnConfirm.put(channel, since);
    }
  }

  /** Whether the socket follows (or is subscribing to) {@code channel}. */
  boolean follows(String channel) {
    return channels.containsKey(channel);
  }

  /** How many channels it follows. */
  int channelCount() {
    return channels.size();
  }

  /** The channels it follows, as of now. */
  List<String> channels() {
    return List.copyOf(channels.keySet());
  }

  /** Replays a job it already follows after {@code since}. */
  void resume(long jobId, long since) {
    feed.resume(jobId, since);
  }

  /** Stops following {@code channel}. */
  void unfollow(String channel) {
    FollowTarget target = channels.remove(channel);
    resumeOnConfirm.remove(channel);
    if (target != null && target.isJob()) {
      feed.forget(target.id());
    }
  }

  @Override
  public void subscribed(String channel) {
    FollowTarget target = channels.get(channel);
    if (target == null) {
      return; // unfollowed while subscribing
    }
    if (!greet()) {
      write(frames.subscribed(target));
    }
    Long since = resumeOnConfirm.remove(channel);
    if (since != null) {
      feed.resume(target.id(), since);
    }
  }

  @Override
  public void failed(String channel, Throwable cause) {
    Log.debugf(cause, "Socket %s: channel %s could not be subscribed", session.getId(), channel);
    FollowTarget target = channels.remove(channel);
    if (!greeted()) {
      Sockets.close(session, FEED_DOWN);
    } else if (target != null) {
      write(
          frames.error(
              "could not subscribe to " + target.kind() + " " + target.id() + "; try again"));
    }
  }

  @Override
  public void resubscribed(String channel) {
    feed.resync();
  }

  @Override
  public boolean send(String message, EventId id) {
    if (!session.isOpen()) {
      return false;
    }
    feed.live(message, id);
    return true;
  }

  private void deliver(String event) {
    if (write(event)) {
      metrics.delivered();
    }
  }

  private synchronized boolean greeted() {
    return beforeGreeting == null;
  }

  /** Sends the greeting and what waited for it; false when it was sent before. */
  private synchronized boolean greet() {
    if (beforeGreeting == null) {
      return false;
    }
    List<String> waiting = beforeGreeting;
    beforeGreeting = null;
    send(greeting);
    waiting.forEach(this::send);
    return true;
  }

  /**
   * Queues {@code text} on the socket, after the greeting; false when the socket is closed or too
   * slow.
   */
  synchronized boolean write(String text) {
    if (beforeGreeting != null) {
      beforeGreeting.add(text);
      return session.isOpen();
    }
    return send(text);
  }

  private synchronized boolean send(String text) {
    if (!session.isOpen()) {
      return false;
    }
    int size = text.length();
    if (queuedSize > maxPendingBytes && queuedSize - largestQueued() > maxPendingBytes) {
      cutter.close(session, TOO_SLOW);
      return false;
    }
    queued.addLast(size);
    queuedSize += size;
    WireFrames.write(session, text)
        .addListener(
            result -> {
              written();
              if (!result.isSuccess()) {
                Log.debugf(result.cause(), "Send to socket %s failed", session.getId());
                Sockets.close(session, SEND_FAILED);
              }
            });
    return true;
  }

  /** The largest frame still queued (0 for none): read only when the backlog is over budget. */
  private int largestQueued() {
    int largest = 0;
    for (int queuedFrame : queued) {
      largest = Math.max(largest, queuedFrame);
    }
    return largest;
  }

  /** The oldest queued frame is written (or dropped). */
  private synchronized void written() {
    Integer size = queued.pollFirst();
    if (size != null) {
      queuedSize -= size;
    }
  }
}
