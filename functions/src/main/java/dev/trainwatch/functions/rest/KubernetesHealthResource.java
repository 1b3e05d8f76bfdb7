package dev.trainwatch.functions.rest;

import dev.trainwatch.functions.service.KubernetesHealthService;
import dev.trainwatch.functions.service.KubernetesHealthService.KubernetesHealth;
import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** The guide's {@code GET /api/v1/internal/k8s/health}: 200 when jobs can run, 503 otherwise. */
@Path("/api/v1/internal/k8s/health")
public class KubernetesHealthResource {

  private final KubernetesHealthService health;

  public KubernetesHealthResource(KubernetesHealthService health) {
    this.health = health;
  }

  @GET
  @Blocking
  @Produces(MediaType.APPLICATION_JSON)
  public Response check() {
    KubernetesHealth answer = health.check();
    return Response.status(answer.healthy() ? 200 : 503).entity(answer).build();
  }
}
