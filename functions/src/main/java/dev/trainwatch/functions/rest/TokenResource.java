package dev.trainwatch.functions.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.trainwatch.functions.auth.AccessDeniedException;
import dev.trainwatch.functions.auth.RevokedTokens;
import dev.trainwatch.functions.auth.TokenClaims;
import io.quarkus.security.Authenticated;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;

/**
 * Revokes a token before it expires: {@code POST /api/v1/auth/revoke} with {@code {"token":
 * "..."}}. A token may revoke itself (log out); an API token that grants every project may revoke
 * any. Both apps refuse the revoked token within a second, until it would have expired.
 */
@Path("/api/v1/auth/revoke")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class TokenResource {

  private final JsonWebToken caller;
  private final JWTParser parser;
  private final RevokedTokens revoked;
  private final JsonBodyReader json;

  public TokenResource(
      JsonWebToken caller, JWTParser parser, RevokedTokens revoked, JsonBodyReader json) {
    this.caller = caller;
    this.parser = parser;
    this.revoked = revoked;
    this.json = json;
  }

  /** Answers {@code {"revoked": jti, "expires_at": ...}}; 400 for a token that is not ours. */
  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  @RequestBody(
      required = true,
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON,
              schema =
                  @Schema(
                      type = SchemaType.OBJECT,
                      description = "{\"token\": \"...\"}: docs/protocol.md, \"Tokens\"")))
  public Uni<Map<String, Object>> revoke(@Parameter(hidden = true) RoutingContext raw)
      throws JsonProcessingException {
    JsonNode body = json.read(raw);
    JsonFields.requireObject(body, "the revocation", Set.of("token"));
    String text = JsonFields.requireText(body, "token", 16_384);
    JsonWebToken target;
    try {
      target = parser.parse(text);
    } catch (ParseException e) {
      throw ApiException.badRequest(
          "'token' is not a valid, unexpired Trainwatch token (an expired one needs no revoking)");
    }
    if (target.getTokenID() == null) {
      throw ApiException.badRequest("'token' has no jti, so it cannot be revoked");
    }
    if (!target.getTokenID().equals(caller.getTokenID())
        && !TokenClaims.grantsEveryProject(caller)) {
      throw new AccessDeniedException(
          "a token may revoke itself; revoking another needs an API token for every project");
    }
    Instant expiresAt = Instant.ofEpochSecond(target.getExpirationTime());
    return revoked
        .revoke(target.getTokenID(), expiresAt)
        .map(done -> Map.of("revoked", target.getTokenID(), "expires_at", expiresAt.toString()));
  }
}
