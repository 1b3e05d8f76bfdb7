package dev.trainwatch.functions.rest;

import io.vertx.core.http.ConnectionPoolTooBusyException;
import io.vertx.core.impl.NoStackTraceThrowable;
import io.vertx.pgclient.PgException;
import java.net.ConnectException;
import java.nio.channels.ClosedChannelException;

/**
 * Tells a database that cannot be reached, or a process out of connections (retry later), from a
 * request that is wrong.
 */
final class DatabaseFailures {

  private DatabaseFailures() {}

  /** Whether {@code failure}, or a cause of it, says PostgreSQL is down or went away. */
  static boolean isUnavailable(Throwable failure) {
    for (Throwable e = failure; e != null; e = e.getCause() == e ? null : e.getCause()) {
      if (e instanceof ConnectException || e instanceof ClosedChannelException) {
        return true;
      }
      if (e instanceof PgException pg && pg.getSqlState() != null) {
        String state = pg.getSqlState();
        // 08: connection exceptions; 57P0x: the server is shutting down or restarting.
        if (state.startsWith("08") || state.startsWith("57P")) {
          return true;
        }
      }
      String message = String.valueOf(e.getMessage());
      if (message.contains("Connection refused")
          || message.contains("Connection reset")
          || message.contains("closed")
          || e.getClass().getSimpleName().equals("ClosedConnectionException")) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether {@code failure}, or a cause of it, says there is no connection to be had now: a client
   * pool's wait queue is full (Redis's or PostgreSQL's, under a burst of requests), the PostgreSQL
   * pool gave no connection within its timeout (Vert.x's {@code NoStackTraceThrowable: Timeout}),
   * or PostgreSQL has no connection slot left (SQLSTATE class 53, insufficient resources, e.g.
   * 53300).
   */
  static boolean isOverloaded(Throwable failure) {
    for (Throwable e = failure; e != null; e = e.getCause() == e ? null : e.getCause()) {
      if (e instanceof ConnectionPoolTooBusyException
          || (e instanceof NoStackTraceThrowable && "Timeout".equals(e.getMessage()))) {
        return true;
      }
      if (e instanceof PgException pg
          && pg.getSqlState() != null
          && pg.getSqlState().startsWith("53")) {
        return true;
      }
    }
    return false;
  }

  /**
   * The database's words when {@code failure}, or a cause of it, is a data exception (SQLSTATE
   * class 22: a value it cannot store or compare, such as U+0000 in text): the request's fault, so
   * a 400, never a 500. The parsers replace or refuse such values first; this is the net under
   * them. Null for any other failure.
   */
  static String badValue(Throwable failure) {
    for (Throwable e = failure; e != null; e = e.getCause() == e ? null : e.getCause()) {
      if (e instanceof PgException pg
          && pg.getSqlState() != null
          && pg.getSqlState().startsWith("22")) {
        return pg.getErrorMessage();
      }
    }
    return null;
  }
}
