package dev.trainwatch.relay.websocket;

import dev.trainwatch.relay.config.RelayConfig;
import dev.trainwatch.relay.history.EventHistory;
import dev.trainwatch.relay.metrics.RelayMetrics;
import dev.trainwatch.relay.subscription.SubscriptionRegistry;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.websocket.CloseReason;
import jakarta.websocket.CloseReason.CloseCodes;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Browsers' live feed (docs/protocol.md). {@code ?job_id=N} or {@code ?session_id=N} (with {@code
 * &since=S} for a job) makes the socket follow that job or session; frames add and drop more
 * (subscribe, unsubscribe, resume) and ping. A socket with neither, both or a bad id is closed with
 * 1008 before anything is sent. On shutdown every socket is closed with 1012 so clients reconnect
 * (with jitter) to another relay.
 */
@ServerEndpoint("/api/v1/ws/training")
@ApplicationScoped
public class RelayEndpoint {

  private static final String FOLLOWER = SocketFollower.class.getName();
  private static final CloseReason REFUSED =
      new CloseReason(CloseCodes.VIOLATED_POLICY, FollowTarget.REFUSAL);
  private static final CloseReason RESTARTING =
      new CloseReason(CloseCodes.SERVICE_RESTART, "relay restarting; reconnect and resume");

  private final SubscriptionRegistry registry;
  private final Frames frames;
  private final RelayMetrics metrics;
  private final EventHistory history;
  private final RelayConfig config;
  private final Set<Session> open = ConcurrentHashMap.newKeySet();

  public RelayEndpoint(
      SubscriptionRegistry registry,
      Frames frames,
      RelayMetrics metrics,
      EventHistory history,
      RelayConfig config) {
    this.registry = registry;
    this.frames = frames;
    this.metrics = metrics;
    this.history = history;
    this.config = config;
  }

  @OnOpen
  public void onOpen(Session session) {
    FollowTarget target = FollowTarget.parse(session.getRequestParameterMap()).orElse(null);
    Long since = since(session);
    if (target == null || (since != null && (since < 0 || !target.isJob()))) {
      Sockets.close(session, REFUSED);
      return;
    }
    session.setMaxTextMessageBufferSize(Frames.MAX_FRAME_CHARS * 4);
    SocketFollower follower =
        new SocketFollower(
            session,
            frames,
            frames.connected(Instant.now()),
            metrics,
            history,
            config.maxPendingBytes());
    session.getUserProperties().put(FOLLOWER, follower);
    open.add(session);
    follow(follower, target, since);
  }

  @OnMessage
  public void onMessage(String text, Session session) {
    if (!(session.getUserProperties().get(FOLLOWER) instanceof SocketFollower follower)) {
      return;
    }
    ClientFrame frame = frames.read(text);
    if (frame instanceof ClientFrame.Ping) {
      follower.write(frames.pong());
    } else if (frame instanceof ClientFrame.Subscribe subscribe) {
      follow(follower, subscribe.target(), subscribe.since());
    } else if (frame instanceof ClientFrame.Unsubscribe unsubscribe) {
      String channel = unsubscribe.target().channel(config.keyPrefix());
      if (follower.follows(channel)) {
        follower.unfollow(channel);
        registry.remove(channel, follower);
      }
      follower.write(frames.unsubscribed(unsubscribe.target()));
    } else if (frame instanceof ClientFrame.Invalid invalid) {
      follower.write(frames.error(invalid.message()));
    }
  }

  @OnClose
  public void onClose(Session session) {
    open.remove(session);
    if (session.getUserProperties().get(FOLLOWER) instanceof SocketFollower follower) {
      for (String channel : follower.channels()) {
        follower.unfollow(channel);
        registry.remove(channel, follower);
      }
    }
  }

  @OnError
  public void onError(Session session, Throwable error) {
    Log.debugf(error, "Socket %s failed", session.getId());
  }

  void closeAll(@Observes ShutdownEvent event) {
    open.forEach(session -> Sockets.close(session, RESTARTING));
  }

  private void follow(SocketFollower follower, FollowTarget target, Long since) {
    String channel = target.channel(config.keyPrefix());
    if (follower.follows(channel)) {
      if (since != null) {
        follower.resume(target.id(), since);
      } else {
        follower.write(frames.subscribed(target));
      }
      return;
    }
    if (follower.channelCount() >= config.maxChannelsPerSocket()) {
      follower.write(
          frames.error(
              "a socket follows at most " + config.maxChannelsPerSocket() + " jobs and sessions"));
      return;
    }
    follower.expect(channel, target, since);
    registry.add(channel, follower);
  }

  private static Long since(Session session) {
    List<String> values = session.getRequestParameterMap().get("since");
    if (values == null || values.isEmpty()) {
      return null;
    }
    try {
      return values.size() == 1 ? Long.parseLong(values.get(0)) : -1L;
    } catch (NumberFormatException e) {
      return -1L;
    }
  }
}
