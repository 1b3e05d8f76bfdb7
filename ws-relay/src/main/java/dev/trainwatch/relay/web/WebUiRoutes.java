package dev.trainwatch.relay.web;

import dev.trainwatch.relay.config.RelayConfig;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Serves the built web UI at / from the relay, so page and WebSocket share an origin, and the UI's
 * runtime settings at /config.json (nothing is baked into the bundle). A path that names no file
 * and has no extension (/training/42, /sessions/7) gets index.html, where the UI routes it. It does
 * not touch /api/ (the WebSocket) or /q/ (health, metrics), and serves nothing outside its root.
 */
@ApplicationScoped
public class WebUiRoutes {

  private static final String NOT_BUILT =
      "The web UI is not built here: run ./trainwatch up (it builds web/), or set TRAINWATCH_WEB_ROOT.";

  void install(@Observes Router router, RelayConfig config) {
    RelayConfig.Web web = config.web();
    JsonObject settings =
        new JsonObject()
            .put("apiBaseUrl", web.apiUrl())
            .put("grafanaUrl", web.grafanaUrl().orElse(null));
    web.apiToken().ifPresent(token -> settings.put("apiToken", token));
    String answer = settings.encode();
    router
        .get("/config.json")
        .handler(
            ctx ->
                ctx.response()
                    .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                    .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
                    .end(answer));
    Path root = web.root().map(r -> Path.of(r).toAbsolutePath().normalize()).orElse(null);
    router.getWithRegex("^/(?!api/|q/).*").handler(ctx -> serve(ctx, root));
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
