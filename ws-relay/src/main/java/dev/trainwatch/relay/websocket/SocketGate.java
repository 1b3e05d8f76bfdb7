package dev.trainwatch.relay.websocket;

import dev.trainwatch.guard.FailedAttempts;
import dev.trainwatch.guard.HostAllowList;
import dev.trainwatch.relay.config.RelayConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import io.undertow.websockets.UndertowSession;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.websocket.Session;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The relay's edge, per client address: every request's Host against the allow-list ({@link
 * HostAllowList}, 421); a WebSocket handshake from an address that presented too many refused
 * tokens this minute gets 429 ({@link FailedAttempts}); an address may hold at most {@code
 * max-unauthenticated-sockets-per-address} sockets that have not sent their token yet. The client
 * address is read at the handshake (forwarded, where quarkus.http.proxy trusts the proxy) and kept
 * on the connection, since a WebSocket session does not tell it. Counted in /q/metrics as {@code
 * trainwatch_relay_sockets_limited_total{reason}}.
 */
@ApplicationScoped
public class SocketGate {

  private static final AttributeKey<String> CLIENT = AttributeKey.valueOf("trainwatch.client");

  private final HostAllowList hosts;
  private final FailedAttempts attempts;
  private final int maxWaiting;
  private final Map<String, Integer> waiting = new ConcurrentHashMap<>();
  private final Counter failedTokens;
  private final Counter tooManyWaiting;

  public SocketGate(RelayConfig config, MeterRegistry registry) {
    this.hosts = new HostAllowList(config.allowedHosts());
    this.attempts = new FailedAttempts(config.maxTokenFailuresPerMinute());
    this.maxWaiting = config.maxUnauthenticatedSocketsPerAddress();
    this.failedTokens = limited(registry, "token_failures");
    this.tooManyWaiting = limited(registry, "unauthenticated");
  }

  private static Counter limited(MeterRegistry registry, String reason) {
    return Counter.builder("trainwatch.relay.sockets.limited")
        .description("Sockets refused because their address hit a limit")
        .tag("reason", reason)
        .register(registry);
  }

  void install(@Observes Router router) {
    router.route().order(Integer.MIN_VALUE).handler(hosts);
    router.route("/api/v1/ws/training").order(Integer.MIN_VALUE + 1).handler(this::handshake);
  }

  private void handshake(RoutingContext ctx) {
    String address = FailedAttempts.addressOf(ctx);
    if (attempts.turnAway(ctx, address)) {
      failedTokens.increment();
      return;
    }
    if (ctx.request().connection() instanceof ConnectionBase connection) {
      connection.channel().attr(CLIENT).set(address);
    }
    ctx.next();
  }

  /** The client address of a socket, as its handshake gave it. */
  String addressOf(Session session) {
    if (session instanceof UndertowSession undertow) {
      Channel channel = undertow.getChannel();
      String tagged = channel.attr(CLIENT).get();
      if (tagged != null) {
        return tagged;
      }
      if (channel.remoteAddress() instanceof InetSocketAddress remote) {
        return remote.getAddress().getHostAddress();
      }
    }
    return "";
  }

  /** Records a refused token from {@code address}. */
  void tokenRefused(String address) {
    attempts.record(address, System.currentTimeMillis());
  }

  /** Takes one of the address's places for a socket without a token; false when none is left. */
  boolean holdWaiting(String address) {
    boolean[] held = {false};
    waiting.compute(
        address,
        (key, now) -> {
          int count = now == null ? 0 : now;
          if (count >= maxWaiting) {
            return now;
          }
          held[0] = true;
          return count + 1;
        });
    if (!held[0]) {
      tooManyWaiting.increment();
    }
    return held[0];
  }

  /** Gives back a place taken by {@link #holdWaiting}. */
  void releaseWaiting(String address) {
    waiting.computeIfPresent(address, (key, now) -> now > 1 ? now - 1 : null);
  }
}
