package dev.trainwatch.functions.rest;

import io.smallrye.health.SmallRyeHealthReporter;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * {@code GET /health}: the same checks and answer as {@code /q/health/ready} (PostgreSQL and
 * Redis), 200 when all are up and 503 otherwise.
 */
@Path("/health")
public class LegacyHealthResource {

  private final SmallRyeHealthReporter reporter;

  public LegacyHealthResource(SmallRyeHealthReporter reporter) {
    this.reporter = reporter;
  }

  @GET
  @Produces(MediaType.APPLICATION_JSON)
  public Uni<Response> health() {
    return reporter
        .getReadinessAsync()
        .map(
            health ->
                Response.status(health.isDown() ? 503 : 200)
                    .entity(health.getPayload().toString())
                    .build());
  }
}
