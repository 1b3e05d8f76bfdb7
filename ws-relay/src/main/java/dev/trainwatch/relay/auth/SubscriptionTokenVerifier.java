package dev.trainwatch.relay.auth;

import dev.trainwatch.guard.ClaimValues;
import dev.trainwatch.relay.config.RelayConfig;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Checks a relay subscription token (minted by the functions; see docs/protocol.md, "Tokens"):
 * signed by a trusted key (by kid, when the key location is a JWK set), from the trusted issuer,
 * not expired, with an id (jti) that is not revoked, issued for no longer than {@code
 * trainwatch.relay.max-token-lifetime} (1 hour), of scope {@code subscribe}, for one job or one
 * session of one project. It never logs the token.
 */
@ApplicationScoped
public class SubscriptionTokenVerifier {

  /** How far ahead of this clock a token's iat may be (mp.jwt.verify.clock.skew). */
  private static final long CLOCK_SKEW_SECONDS = 5;

  private final JWTParser parser;
  private final RevokedTokens revoked;
  private final long maxLifetimeSeconds;

  public SubscriptionTokenVerifier(JWTParser parser, RevokedTokens revoked, RelayConfig config) {
    this.parser = parser;
    this.revoked = revoked;
    this.maxLifetimeSeconds = config.maxTokenLifetime().toSeconds();
  }

  /**
   * What the token lets a socket follow.
   *
   * @throws TokenRefusedException saying why it is refused
   */
  public SubscriptionGrant verify(String token) {
    if (token == null || token.isBlank()) {
      throw new TokenRefusedException("no token");
    }
    JsonWebToken jwt;
    try {
      jwt = parser.parse(token);
    } catch (ParseException e) {
      throw new TokenRefusedException("token is malformed, expired, or not signed by Trainwatch");
    }
    if (jwt.getTokenID() == null || jwt.getTokenID().isBlank() || jwt.getIssuedAtTime() <= 0) {
      throw new TokenRefusedException("a token needs a jti and an iat");
    }
    if (jwt.getIssuedAtTime() > Instant.now().getEpochSecond() + CLOCK_SKEW_SECONDS) {
      throw new TokenRefusedException("the token's iat is in the future");
    }
    if (jwt.getExpirationTime() - jwt.getIssuedAtTime() > maxLifetimeSeconds) {
      throw new TokenRefusedException(
          "a subscription token may be issued for " + maxLifetimeSeconds + " s at most");
    }
    Object parentClaim = jwt.getClaim("parent");
    String parent = parentClaim == null ? null : ClaimValues.text(parentClaim);
    if (revoked.isRevoked(jwt.getTokenID()) || revoked.isRevoked(parent)) {
      throw new TokenRefusedException("the token, or the API token that minted it, was revoked");
    }
    String scopeName = ClaimValues.text(jwt.getClaim("scope"));
    if (!"subscribe".equals(scopeName)) {
      throw new TokenRefusedException("a token of scope '" + scopeName + "' cannot subscribe");
    }
    Long job = ClaimValues.number(jwt.getClaim("job"));
    Long session = ClaimValues.number(jwt.getClaim("session"));
    if ((job == null) == (session == null)) {
      throw new TokenRefusedException("a subscription token names one job or one session");
    }
    if (job != null) {
      return new SubscriptionGrant(
          "job", job, null, jwt.getTokenID(), parent, jwt.getExpirationTime());
    }
    Object project = jwt.getClaim("project");
    if (project == null) {
      throw new TokenRefusedException("a session token names the session's project");
    }
    return new SubscriptionGrant(
        "session",
        session,
        ClaimValues.text(project),
        jwt.getTokenID(),
        parent,
        jwt.getExpirationTime());
  }
}
