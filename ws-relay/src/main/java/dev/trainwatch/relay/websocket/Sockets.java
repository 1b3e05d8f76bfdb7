package dev.trainwatch.relay.websocket;

import io.quarkus.logging.Log;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import java.io.IOException;

/** Closing a socket whose peer may already be gone. */
final class Sockets {

  private Sockets() {}

  /** Closes the socket with {@code reason}; a failure only means it is closed already. */
  static void close(Session session, CloseReason reason) {
    try {
      session.close(reason);
    } catch (IOException e) {
      Log.debugf(e, "Closing socket %s failed", session.getId());
    }
  }
}
