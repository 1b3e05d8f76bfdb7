package dev.trainwatch.relay.websocket;

import dev.trainwatch.relay.metrics.RelayMetrics;
import dev.trainwatch.relay.subscription.Follower;
import io.quarkus.logging.Log;
import jakarta.websocket.CloseReason;
import jakarta.websocket.CloseReason.CloseCodes;
import jakarta.websocket.Session;

/**
 * A browser socket as a follower of one channel: greets the browser once the channel is subscribed
 * (so "connected" means every later event will arrive), then sends each message asynchronously and
 * counts it once written. A socket found closed is dropped at once; one whose send fails is closed,
 * and the endpoint's close handler then removes it. It neither buffers nor retries.
 */
final class SocketFollower implements Follower {

  private static final CloseReason SEND_FAILED =
      new CloseReason(CloseCodes.UNEXPECTED_CONDITION, "sending failed");
  private static final CloseReason FEED_DOWN =
      new CloseReason(CloseCodes.TRY_AGAIN_LATER, "the live feed is unavailable; reconnect later");

  private final Session session;
  private final String channel;
  private final String greeting;
  private final RelayMetrics metrics;

  SocketFollower(Session session, String channel, String greeting, RelayMetrics metrics) {
    this.session = session;
    this.channel = channel;
    this.greeting = greeting;
    this.metrics = metrics;
  }

  /** Sends the greeting; it is not counted as a delivered event. */
  @Override
  public void subscribed() {
    try {
      session.getAsyncRemote().sendText(greeting);
    } catch (IllegalStateException e) {
      Log.debugf("Socket %s closed before its greeting", session.getId());
    }
  }

  @Override
  public void failed(Throwable cause) {
    Log.debugf(cause, "Socket %s: channel %s could not be subscribed", session.getId(), channel);
    Sockets.close(session, FEED_DOWN);
  }

  /** The channel this socket follows. */
  String channel() {
    return channel;
  }

  @Override
  public boolean send(String message) {
    if (!session.isOpen()) {
      return false;
    }
    try {
      session
          .getAsyncRemote()
          .sendText(
              message,
              result -> {
                if (result.isOK()) {
                  metrics.delivered();
                } else {
                  Log.debugf(result.getException(), "Send to socket %s failed", session.getId());
                  Sockets.close(session, SEND_FAILED);
                }
              });
      return true;
    } catch (IllegalStateException e) {
      return false; // closed between the check above and the send
    }
  }
}
