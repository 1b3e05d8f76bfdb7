package dev.trainwatch.functions.rest;

import dev.trainwatch.functions.executor.KubernetesHealthReader;
import dev.trainwatch.functions.executor.KubernetesHealthReader.KubernetesHealth;
import io.quarkus.security.Authenticated;
import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/** {@code GET /api/v1/internal/k8s/health}: 200 when jobs can run, 503 otherwise. */
@Path("/api/v1/internal/k8s/health")
@Authenticated
public class KubernetesHealthResource {

  private final KubernetesHealthReader health;
  private final Access access;

  public KubernetesHealthResource(KubernetesHealthReader health, Access access) {
    this.health = health;
    this.access = access;
  }

  @GET
  @Blocking
  @Produces(MediaType.APPLICATION_JSON)
  @APIResponse(
      responseCode = "200",
      description = "jobs can run (503, the same body: they cannot)",
      content = @Content(schema = @Schema(implementation = KubernetesHealth.class)))
  public Response check() {
    access.requireApi();
    KubernetesHealth answer = health.check();
    return Response.status(answer.healthy() ? 200 : 503).entity(answer).build();
  }
}
