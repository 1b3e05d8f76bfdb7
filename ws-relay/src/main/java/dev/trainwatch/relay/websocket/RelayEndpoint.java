package dev.trainwatch.relay.websocket;

import dev.trainwatch.relay.config.RelayConfig;
import dev.trainwatch.relay.metrics.RelayMetrics;
import dev.trainwatch.relay.subscription.SubscriptionRegistry;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.websocket.CloseReason;
import jakarta.websocket.CloseReason.CloseCodes;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import java.time.Instant;

/**
 * Browsers' live feed: {@code ?job_id=N} or {@code ?session_id=N} makes the socket receive every
 * event published for that job or session, unchanged. A socket with neither, both or a bad id is
 * closed with 1008 before anything is sent. The greeting is sent once Redis has confirmed the
 * subscription, so every event published after it arrives. The socket answers pings; it takes no
 * other requests and does not replay events published before it connected.
 */
@ServerEndpoint("/api/v1/ws/training")
@ApplicationScoped
public class RelayEndpoint {

  private static final String FOLLOWER = SocketFollower.class.getName();
  private static final CloseReason REFUSED =
      new CloseReason(CloseCodes.VIOLATED_POLICY, FollowTarget.REFUSAL);

  private final SubscriptionRegistry registry;
  private final Frames frames;
  private final RelayMetrics metrics;
  private final String keyPrefix;

  public RelayEndpoint(
      SubscriptionRegistry registry, Frames frames, RelayMetrics metrics, RelayConfig config) {
    this.registry = registry;
    this.frames = frames;
    this.metrics = metrics;
    this.keyPrefix = config.keyPrefix();
  }

  @OnOpen
  public void onOpen(Session session) {
    FollowTarget target = FollowTarget.parse(session.getRequestParameterMap()).orElse(null);
    if (target == null) {
      Sockets.close(session, REFUSED);
      return;
    }
    SocketFollower follower =
        new SocketFollower(
            session, target.channel(keyPrefix), frames.connected(Instant.now()), metrics);
    session.getUserProperties().put(FOLLOWER, follower);
    registry.add(follower.channel(), follower);
  }

  @OnMessage
  public void onMessage(String frame, Session session) {
    session.getAsyncRemote().sendText(frames.reply(frame));
  }

  @OnClose
  public void onClose(Session session) {
    if (session.getUserProperties().get(FOLLOWER) instanceof SocketFollower follower) {
      registry.remove(follower.channel(), follower);
    }
  }

  @OnError
  public void onError(Session session, Throwable error) {
    Log.debugf(error, "Socket %s failed", session.getId());
  }
}
