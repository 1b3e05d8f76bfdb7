package dev.trainwatch.guard;

import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts refused tokens per client address in fixed one-minute windows, so an address that keeps
 * guessing is turned away (429 on the API, a closed socket on the relay) until its window ends. It
 * holds no more than {@value #MOST_ADDRESSES} addresses: past that, every count starts again (a
 * flood of addresses then costs the attacker its counts too).
 */
public final class FailedAttempts {

  private static final int MOST_ADDRESSES = 100_000;
  private static final long WINDOW_MILLIS = 60_000;

  private record Window(long start, int failures) {}

  private final int perMinute;
  private final Map<String, Window> windows = new ConcurrentHashMap<>();

  /** Allows {@code perMinute} refused tokens per address and minute. */
  public FailedAttempts(int perMinute) {
    this.perMinute = perMinute;
  }

  /** Records a refused token from {@code address}. */
  public void record(String address, long nowMillis) {
    if (windows.size() > MOST_ADDRESSES) {
      windows.clear();
    }
    windows.merge(
        address,
        new Window(nowMillis, 1),
        (old, one) ->
            nowMillis - old.start() >= WINDOW_MILLIS
                ? one
                : new Window(old.start(), old.failures() + 1));
  }

  /**
   * Answers 429 with Retry-After and the JSON error {@code too_many_failures} when the request's
   * address must wait; otherwise does nothing.
   *
   * @return whether it answered
   */
  public boolean turnAway(RoutingContext ctx, String address) {
    long wait = waitSeconds(address, System.currentTimeMillis());
    if (wait == 0) {
      return false;
    }
    ctx.response()
        .setStatusCode(429)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .putHeader("Retry-After", Long.toString(wait))
        .end(
            "{\"error\":\"too_many_failures\",\"message\":\"too many refused tokens from this"
                + " address; retry after "
                + wait
                + " s\"}");
    return true;
  }

  /**
   * The request's client, as counted: its address (forwarded, where quarkus.http.proxy trusts the
   * proxy), with every loopback address as one, and an IPv6 address by its /64, so a caller cannot
   * spread its attempts over the addresses it owns anyway.
   */
  public static String addressOf(RoutingContext ctx) {
    if (ctx.request().remoteAddress() == null) {
      return "";
    }
    return counted(ctx.request().remoteAddress().hostAddress());
  }

  /** What {@code address} is counted as (see {@link #addressOf}). */
  static String counted(String address) {
    try {
      InetAddress parsed = InetAddress.getByName(address);
      if (parsed.isLoopbackAddress()) {
        return "loopback";
      }
      if (parsed instanceof Inet6Address) {
        byte[] bytes = parsed.getAddress();
        return String.format(
            "%02x%02x:%02x%02x:%02x%02x:%02x%02x::/64",
            bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7]);
      }
      return parsed.getHostAddress();
    } catch (UnknownHostException e) {
      return address;
    }
  }

  /** Seconds {@code address} must wait before it may try again, or 0 when it may now. */
  public long waitSeconds(String address, long nowMillis) {
    Window window = windows.get(address);
    if (window == null || window.failures() < perMinute) {
      return 0;
    }
    long left = window.start() + WINDOW_MILLIS - nowMillis;
    return left <= 0 ? 0 : (left + 999) / 1000;
  }
}
