package dev.trainwatch.guard;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Answers only requests whose Host header names this installation: a defence against DNS rebinding,
 * where a page on another origin makes its own name resolve to 127.0.0.1 and reads what a
 * development setup serves there. An entry is a host name or address (no port: any port is fine),
 * or {@code *.suffix} for every name under that suffix. A request without a Host header (an
 * HTTP/1.0 client, an AWS Lambda event) passes, since a browser always sends one. {@code /q/}
 * (health, metrics) also answers a Host that is an IP address, since probes and scrapes address a
 * pod by its IP, and a rebound name never arrives as one. Anything else gets 421 Misdirected
 * Request with the API's JSON error.
 */
public final class HostAllowList implements Handler<RoutingContext> {

  private final List<String> allowed;

  /** Allows the given hosts ({@code localhost}, {@code 127.0.0.1}, {@code ::1}, {@code *.corp}). */
  public HostAllowList(List<String> allowed) {
    this.allowed =
        allowed.stream().map(HostAllowList::bare).filter(entry -> !entry.isEmpty()).toList();
  }

  /** Whether a request with this Host header (null when absent) is answered. */
  public boolean allows(String hostHeader) {
    if (hostHeader == null) {
      return true;
    }
    String host = bare(hostHeader);
    return allowed.stream()
        .anyMatch(
            entry ->
                entry.startsWith("*.")
                    ? host.endsWith(entry.substring(1)) && host.length() > entry.length() - 1
                    : entry.equals(host));
  }

  @Override
  public void handle(RoutingContext ctx) {
    String host = ctx.request().getHeader(HttpHeaders.HOST);
    if (allows(host) || (ctx.normalizedPath().startsWith("/q/") && isAddress(host))) {
      ctx.next();
      return;
    }
    ctx.response()
        .setStatusCode(421)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(
            "{\"error\":\"unknown_host\",\"message\":\"this server does not answer for that Host;"
                + " add it to TRAINWATCH_ALLOWED_HOSTS\"}");
  }

  /** Whether {@code hostHeader} names an IPv4 or IPv6 address, not a name. */
  static boolean isAddress(String hostHeader) {
    if (hostHeader == null) {
      return false;
    }
    String host = bare(hostHeader);
    return host.contains(":") || IPV4.matcher(host).matches();
  }

  private static final Pattern IPV4 = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}");

  /** A host without its port and brackets, in lower case: {@code [::1]:8080} is {@code ::1}. */
  private static String bare(String host) {
    String h = host.trim().toLowerCase(Locale.ROOT);
    if (h.startsWith("[")) {
      int end = h.indexOf(']');
      return end < 0 ? h : h.substring(1, end);
    }
    int colon = h.indexOf(':');
    // One colon is a port; more is an IPv6 address written without brackets (in the allow-list).
    return colon >= 0 && colon == h.lastIndexOf(':') ? h.substring(0, colon) : h;
  }
}
