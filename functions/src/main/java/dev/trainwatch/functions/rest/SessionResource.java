package dev.trainwatch.functions.rest;

import dev.trainwatch.functions.auth.Access;
import dev.trainwatch.functions.auth.AccessDeniedException;
import dev.trainwatch.functions.auth.TokenClaims;
import dev.trainwatch.functions.auth.TokenIssuer;
import dev.trainwatch.functions.service.JobService;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.jboss.resteasy.reactive.RestPath;

/**
 * Relay subscription tokens for sessions: a caller that may read every job of a session gets a
 * short-lived token that lets one WebSocket follow it (JobResource mints them for one job). The
 * browser asks for one before each connection, so its API token never travels to the relay.
 */
@Path("/api/v1/training/sessions/{id}/subscription-token")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class SessionResource {

  private final Access access;
  private final JobService jobs;
  private final TokenIssuer issuer;

  public SessionResource(Access access, JobService jobs, TokenIssuer issuer) {
    this.access = access;
    this.jobs = jobs;
    this.issuer = issuer;
  }

  /** A token for following session {@code id}: every job of it must be readable. */
  @POST
  public Uni<SubscriptionTokenView> forSession(@RestPath String id) {
    long sessionId = Params.positiveId(id, "session id");
    List<String> projects = access.projects();
    return jobs.sessionWithin(sessionId, projects)
        .map(
            within -> {
              if (!within) {
                throw new AccessDeniedException(
                    "session " + sessionId + " has jobs in projects this token does not grant");
              }
              return SubscriptionTokenView.of(
                  issuer.subscriptionToken(TokenClaims.SESSION, sessionId));
            });
  }
}
