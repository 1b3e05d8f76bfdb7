package dev.trainwatch.relay.websocket;

import dev.trainwatch.relay.config.RelayConfig;
import io.undertow.websockets.UndertowSession;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;

/**
 * Closes a socket that reads too slowly, and cuts its connection if the close does not finish.
 *
 * <p>A close frame queues behind the socket's unread messages, and everything queued stays on the
 * heap until the connection ends. A browser that is only slow gets the close frame and its reason
 * (4001). One that reads nothing would never get it, and its queue would stay on the heap. So after
 * {@code trainwatch.relay.slow-close-grace} the connection is cut, which frees the queue; that
 * client sees an abnormal closure (1006) and reconnects.
 */
@ApplicationScoped
public class SlowSocketCutter {

  private final Vertx vertx;
  private final long graceMillis;

  public SlowSocketCutter(Vertx vertx, RelayConfig config) {
    this.vertx = vertx;
    this.graceMillis = config.slowCloseGrace().toMillis();
  }

  /** Sends the close frame now, and cuts the connection after the grace period. */
  void close(Session session, CloseReason reason) {
    Sockets.close(session, reason);
    vertx.setTimer(graceMillis, timer -> cut(session));
  }

  private static void cut(Session session) {
    if (session instanceof UndertowSession undertow && undertow.getChannel().isOpen()) {
      undertow.getChannel().close();
    }
  }
}
