package dev.trainwatch.relay.web;

import dev.trainwatch.relay.config.RelayConfig;
import io.quarkus.logging.Log;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Serves the built web UI at / from the relay, so page and WebSocket share an origin, and the UI's
 * runtime settings at /config.json (nothing is baked into the bundle). The development API token
 * (TRAINWATCH_UI_TOKEN) is in /config.json only for a loopback client of a relay that listens on
 * loopback, whose process is the relay's own OS user's (so not a local job, which runs as a user of
 * its own); anyone else brings their own token. A path that names no file and has no extension
 * (/training/42, /sessions/7) gets index.html, where the UI routes it. It does not touch /api/ (the
 * WebSocket) or /q/ (health, metrics), and serves nothing outside its root.
 */
@ApplicationScoped
public class WebUiRoutes {

  private static final String NOT_BUILT =
      "The web UI is not built here: run ./trainwatch up (it builds web/), or set TRAINWATCH_WEB_ROOT.";

  void install(
      @Observes Router router,
      RelayConfig config,
      @ConfigProperty(name = "quarkus.http.host") String listenHost) {
    RelayConfig.Web web = config.web();
    JsonObject settings =
        new JsonObject()
            .put("apiBaseUrl", web.apiUrl())
            .put("grafanaUrl", web.grafanaUrl().orElse(null));
    String answer = settings.encode();
    // The development token goes only to this user's loopback clients of a relay that listens on
    // loopback: what is convenient on a developer's machine never reaches a network or a job.
    boolean loopbackOnly = isLoopback(listenHost);
    if (web.apiToken().isPresent() && !loopbackOnly) {
      Log.warnf(
          "TRAINWATCH_UI_TOKEN is set but the relay listens on %s, not on loopback: /config.json"
              + " will not hand it out",
          listenHost);
    }
    String withToken = settings.copy().put("apiToken", web.apiToken().orElse(null)).encode();
    router
        .get("/config.json")
        .handler(
            ctx ->
                ctx.response()
                    .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                    .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
                    .end(
                        web.apiToken().isPresent() && loopbackOnly && fromThisUser(ctx)
                            ? withToken
                            : answer));
    Path root = web.root().map(r -> Path.of(r).toAbsolutePath().normalize()).orElse(null);
    router.getWithRegex("^/(?!api/|q/).*").handler(ctx -> serve(ctx, root));
  }

  /** A loopback client whose process is this relay's OS user's: the developer, not a local job. */
  private static boolean fromThisUser(RoutingContext ctx) {
    return ctx.request().remoteAddress() != null
        && ctx.request().localAddress() != null
        && isLoopback(ctx.request().remoteAddress().hostAddress())
        && LocalPeers.sameUser(
            ctx.request().remoteAddress().port(), ctx.request().localAddress().port());
  }

  /** Whether {@code host} (a name or an address) can only be reached from this machine. */
  private static boolean isLoopback(String host) {
    try {
      return host != null && !host.isBlank() && InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  private static void serve(RoutingContext ctx, Path root) {
    if (root == null || !Files.isRegularFile(root.resolve("index.html"))) {
      ctx.response()
          .setStatusCode(404)
          .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain")
          .end(NOT_BUILT);
      return;
    }
    String path = ctx.normalizedPath();
    Path file = root.resolve(path.substring(1)).normalize();
    if (file.startsWith(root) && Files.isRegularFile(file)) {
      boolean hashed = path.startsWith("/assets/"); // Vite names these by content: cache forever
      ctx.response()
          .putHeader(
              HttpHeaders.CACHE_CONTROL,
              hashed ? "public, max-age=31536000, immutable" : "no-cache")
          .sendFile(file.toString());
    } else if (!path.substring(path.lastIndexOf('/') + 1).contains(".")) {
      ctx.response()
          .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache")
          .sendFile(root.resolve("index.html").toString());
    } else {
      ctx.response().setStatusCode(404).end();
    }
  }
}
