package dev.trainwatch.functions.auth;

import dev.trainwatch.functions.config.TrainwatchConfig;
import dev.trainwatch.guard.ClaimValues;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.SecurityIdentityAugmentor;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * What a valid signature does not settle: every token carries an id (jti) and an issue time, lives
 * no longer than its scope allows (exp minus iat: API {@code api-token-max-lifetime}, 30 days;
 * subscribe {@code subscription-token-ttl}, 1 hour; ingest {@code ingest-token-ttl}), and has not
 * been revoked ({@link RevokedTokens}). A token that fails is refused like a bad one (401). Runs
 * for every authenticated request, after smallrye-jwt checked the signature, issuer and exp.
 */
@ApplicationScoped
public class TokenPolicy implements SecurityIdentityAugmentor {

  /** How far ahead of this clock a token's iat may be (mp.jwt.verify.clock.skew). */
  static final long CLOCK_SKEW_SECONDS = 5;

  private final TrainwatchConfig.Auth config;
  private final RevokedTokens revoked;

  public TokenPolicy(TrainwatchConfig config, RevokedTokens revoked) {
    this.config = config.auth();
    this.revoked = revoked;
  }

  @Override
  public Uni<SecurityIdentity> augment(
      SecurityIdentity identity, AuthenticationRequestContext context) {
    if (identity.isAnonymous() || !(identity.getPrincipal() instanceof JsonWebToken token)) {
      return Uni.createFrom().item(identity);
    }
    return accepts(token).flatMap(ok -> ok ? Uni.createFrom().item(identity) : refused());
  }

  /**
   * Whether a token whose signature, issuer and exp smallrye-jwt accepted passes the rest: an id,
   * an iat not ahead of the clock, a lifetime its scope allows, and neither it nor the API token
   * that minted it ({@value TokenClaims#PARENT}) revoked.
   */
  public Uni<Boolean> accepts(JsonWebToken token) {
    String jti = token.getTokenID();
    long now = Instant.now().getEpochSecond();
    // An iat ahead of the clock would stretch exp - iat past the scope's limit from now on.
    if (jti == null
        || jti.isBlank()
        || token.getIssuedAtTime() <= 0
        || token.getIssuedAtTime() > now + CLOCK_SKEW_SECONDS) {
      return Uni.createFrom().item(false);
    }
    Duration lifetime = Duration.ofSeconds(token.getExpirationTime() - token.getIssuedAtTime());
    if (lifetime.compareTo(maxLifetime(ClaimValues.text(token.getClaim(TokenClaims.SCOPE)))) > 0) {
      return Uni.createFrom().item(false);
    }
    Object parent = token.getClaim(TokenClaims.PARENT);
    return revoked
        .isRevoked(jti, parent == null ? null : ClaimValues.text(parent))
        .map(gone -> !gone);
  }

  /** The longest a token of {@code scope} may be issued for; zero for an unknown scope. */
  Duration maxLifetime(String scope) {
    return switch (scope) {
      case TokenClaims.API -> config.apiTokenMaxLifetime();
      case TokenClaims.SUBSCRIBE -> config.subscriptionTokenTtl();
      case TokenClaims.INGEST -> config.ingestTokenTtl();
      default -> Duration.ZERO;
    };
  }

  private static Uni<SecurityIdentity> refused() {
    return Uni.createFrom().failure(new AuthenticationFailedException());
  }
}
