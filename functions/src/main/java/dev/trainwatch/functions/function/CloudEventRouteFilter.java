package dev.trainwatch.functions.function;

import dev.trainwatch.functions.auth.TokenClaims;
import dev.trainwatch.functions.auth.TokenPolicy;
import dev.trainwatch.functions.config.TrainwatchConfig;
import dev.trainwatch.functions.config.TrainwatchConfig.SweepCallers;
import io.quarkus.logging.Log;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.net.InetAddress;
import java.net.UnknownHostException;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Guards the CloudEvent routes (Funqy's {@code /} and {@code /<function>}, everything outside
 * {@code /api/}, {@code /q/} and {@code /health}), before Funqy reads a byte:
 *
 * <ul>
 *   <li>only POST (405 otherwise: a GET used to run a whole sweep);
 *   <li>only CloudEvents, binary ({@code ce-specversion} header) or structured ({@code
 *       application/cloudevents+json}); anything else is 400 with one log line;
 *   <li>with {@code trainwatch.sweep.callers=loopback} (the default), only loopback callers or a
 *       bearer API token that grants every project and passes {@link TokenPolicy} (403 otherwise).
 * </ul>
 *
 * A structured event Funqy cannot read is answered 400 too, not 500. It does not authenticate
 * Knative's Broker: where {@code callers=cluster}, any caller the network lets in is served
 * (docs/security.md).
 */
@ApplicationScoped
public class CloudEventRouteFilter {

  private final SweepCallers callers;
  private final JWTParser tokens;
  private final TokenPolicy policy;

  public CloudEventRouteFilter(TrainwatchConfig config, JWTParser tokens, TokenPolicy policy) {
    this.callers = config.sweep().callers();
    this.tokens = tokens;
    this.policy = policy;
  }

  void install(@Observes Router router) {
    router
        .routeWithRegex("^/(?!api/|q/|health).*")
        .order(Integer.MIN_VALUE + 3)
        .handler(this::gate);
    router
        .routeWithRegex("^/(?!api/|q/|health).*")
        .order(Integer.MIN_VALUE + 3)
        .failureHandler(this::unreadable);
  }

  private void gate(RoutingContext ctx) {
    if (ctx.request().method() != HttpMethod.POST) {
      refuse(ctx, 405, "method_not_allowed", "CloudEvent routes take POST only");
      return;
    }
    if (!isCloudEvent(ctx)) {
      Log.infof("Refused a request to %s that is not a CloudEvent", ctx.normalizedPath());
      refuse(
          ctx,
          400,
          "not_a_cloudevent",
          "send a CloudEvent: binary mode (ce-specversion, ce-type, ce-source, ce-id headers) or"
              + " structured mode (Content-Type: application/cloudevents+json)");
      return;
    }
    if (callers == SweepCallers.CLUSTER || fromLoopback(ctx)) {
      ctx.next();
      return;
    }
    JsonWebToken token = allProjectsToken(ctx);
    if (token == null) {
      refuseCaller(ctx);
      return;
    }
    policy
        .accepts(token)
        .subscribe()
        .with(
            ok -> {
              if (ok) {
                ctx.next();
              } else {
                refuseCaller(ctx);
              }
            },
            ctx::fail);
  }

  private static void refuseCaller(RoutingContext ctx) {
    refuse(
        ctx,
        403,
        "forbidden",
        "CloudEvent routes take loopback callers or an API token for every project here"
            + " (trainwatch.sweep.callers)");
  }

  /** An event Funqy failed to read: its fault is the body's, so 400 and one line, no trace. */
  private void unreadable(RoutingContext ctx) {
    if (ctx.response().headWritten()) {
      ctx.next();
      return;
    }
    Throwable failure = ctx.failure();
    Log.infof(
        "Refused a CloudEvent to %s: %s",
        ctx.normalizedPath(), failure == null ? "status " + ctx.statusCode() : failure.toString());
    int status = ctx.statusCode() >= 400 && ctx.statusCode() < 500 ? ctx.statusCode() : 400;
    refuse(ctx, status, "bad_cloudevent", "the CloudEvent could not be read");
  }

  private static boolean isCloudEvent(RoutingContext ctx) {
    String type = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
    return ctx.request().getHeader("ce-specversion") != null
        || (type != null && type.startsWith("application/cloudevents+json"));
  }

  private static boolean fromLoopback(RoutingContext ctx) {
    if (ctx.request().remoteAddress() == null) {
      return false;
    }
    try {
      return InetAddress.getByName(ctx.request().remoteAddress().hostAddress()).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /** The request's bearer token when it is a valid API token for every project, else null. */
  private JsonWebToken allProjectsToken(RoutingContext ctx) {
    String header = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
    if (header == null || !header.startsWith("Bearer ")) {
      return null;
    }
    try {
      JsonWebToken token = tokens.parse(header.substring("Bearer ".length()).trim());
      return TokenClaims.grantsEveryProject(token) ? token : null;
    } catch (ParseException e) {
      return null;
    }
  }

  private static void refuse(RoutingContext ctx, int status, String error, String message) {
    ctx.response()
        .setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(new JsonObject().put("error", error).put("message", message).encode());
  }
}
