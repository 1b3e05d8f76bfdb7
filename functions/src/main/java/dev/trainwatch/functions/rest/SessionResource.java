package dev.trainwatch.functions.rest;

import dev.trainwatch.functions.auth.TokenIssuer;
import io.quarkus.security.Authenticated;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;

/**
 * Relay subscription tokens for sessions (JobResource mints them for one job). A session belongs to
 * a project: session 7 of project A holds A's jobs submitted with {@code "session_id": 7} and
 * nothing of project B's session 7. {@code ?project=} names the project; without it, the token's
 * one project, or {@code default}. The browser asks for a token before each connection, so its API
 * token never travels to the relay.
 */
@Path("/api/v1/training/sessions/{id}/subscription-token")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class SessionResource {

  private final Access access;
  private final TokenIssuer issuer;
  private final JsonWebToken caller;

  public SessionResource(Access access, TokenIssuer issuer, JsonWebToken caller) {
    this.access = access;
    this.issuer = issuer;
    this.caller = caller;
  }

  /** A token for following session {@code id} of a project the API token grants; else 404. */
  @POST
  public SubscriptionTokenView forSession(
      @RestPath String id, @RestQuery("project") String project) {
    long sessionId = Params.positiveId(id, "session id");
    String owner = access.sessionProject(sessionId, Params.optionalProject(project));
    return SubscriptionTokenView.of(issuer.sessionToken(owner, sessionId, caller.getTokenID()));
  }
}
