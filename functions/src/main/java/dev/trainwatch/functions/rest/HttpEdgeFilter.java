package dev.trainwatch.functions.rest;

import dev.trainwatch.functions.config.TrainwatchConfig;
import dev.trainwatch.guard.FailedAttempts;
import dev.trainwatch.guard.HostAllowList;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * The first handlers of every request: the Host allow-list ({@link HostAllowList}, 421), then, on
 * every path but /q/, the limit of refused tokens per client address ({@link FailedAttempts}, 429
 * with Retry-After). Every 401 to a request that sent a token counts against its address (one that
 * sent none is only asked for one). The client address is the connection's, or the forwarded one
 * where quarkus.http.proxy trusts the proxy in front.
 */
@ApplicationScoped
public class HttpEdgeFilter {

  private final HostAllowList hosts;
  private final FailedAttempts attempts;
  private final Counter failures;
  private final Counter turnedAway;

  public HttpEdgeFilter(TrainwatchConfig config, MeterRegistry registry) {
    this.hosts = new HostAllowList(config.http().allowedHosts());
    this.attempts = new FailedAttempts(config.http().maxTokenFailuresPerMinute());
    this.failures =
        Counter.builder("trainwatch.auth.failures")
            .description("Requests refused with 401 (no token, or a bad one)")
            .register(registry);
    this.turnedAway =
        Counter.builder("trainwatch.auth.limited")
            .description("Requests refused with 429 because their address refused too many tokens")
            .register(registry);
  }

  void install(@Observes Router router) {
    // Before Quarkus's body handler (Integer.MIN_VALUE + 1): nothing of a refused request is read.
    router.route().order(Integer.MIN_VALUE).handler(hosts);
    // Every path but /q/: RESTEasy also routes spellings such as /api;x/v1/... that "/api/*"
    // misses.
    router.routeWithRegex("^/(?!q/).*").order(Integer.MIN_VALUE).handler(this::limitFailures);
  }

  private void limitFailures(RoutingContext ctx) {
    String address = FailedAttempts.addressOf(ctx);
    if (attempts.turnAway(ctx, address)) {
      turnedAway.increment();
      return;
    }
    boolean triesAToken = ctx.request().getHeader(HttpHeaders.AUTHORIZATION) != null;
    ctx.addHeadersEndHandler(
        ignored -> {
          if (triesAToken && ctx.response().getStatusCode() == 401) {
            failures.increment();
            attempts.record(address, System.currentTimeMillis());
          }
        });
    ctx.next();
  }
}
