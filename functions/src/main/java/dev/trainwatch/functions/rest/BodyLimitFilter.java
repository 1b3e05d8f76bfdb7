package dev.trainwatch.functions.rest;

import dev.trainwatch.functions.config.TrainwatchConfig;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Refuses a body whose declared length is over {@code trainwatch.http.max-body-bytes} with the
 * API's JSON error, before any of it is read. A chunked body with no declared length is cut off by
 * Quarkus at the same limit ({@code quarkus.http.limits.max-body-size}), with a plain 413.
 */
@ApplicationScoped
public class BodyLimitFilter {

  void install(@Observes Router router, TrainwatchConfig config) {
    long limit = config.http().maxBodyBytes();
    router
        .route()
        .order(Integer.MIN_VALUE)
        .handler(
            ctx -> {
              String declared = ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH);
              if (declared != null && isOver(declared, limit)) {
                ctx.response()
                    .setStatusCode(413)
                    .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                    .putHeader(HttpHeaders.CONNECTION, "close")
                    .end(
                        new JsonObject()
                            .put("error", "payload_too_large")
                            .put("message", "the body is over the limit of " + limit + " bytes")
                            .encode());
              } else {
                ctx.next();
              }
            });
  }

  private static boolean isOver(String declared, long limit) {
    try {
      return Long.parseLong(declared.trim()) > limit;
    } catch (NumberFormatException e) {
      return false;
    }
  }
}
