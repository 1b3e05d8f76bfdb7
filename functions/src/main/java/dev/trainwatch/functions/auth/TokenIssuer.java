package dev.trainwatch.functions.auth;

import dev.trainwatch.functions.config.TrainwatchConfig;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.build.JwtClaimsBuilder;
import io.smallrye.jwt.build.JwtSignatureBuilder;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.jwt.Claims;

/**
 * Mints the tokens the functions hand out, signed with the key at {@code
 * smallrye.jwt.sign.key.location}: a job's ingest token at launch, and short-lived relay
 * subscription tokens for callers that may read the job or session. Every token has an id (jti, so
 * it can be revoked), an issue time, and the signing key's kid when {@code
 * trainwatch.auth.signing-key-id} is set. API tokens are not minted here: an identity provider (or
 * {@code ./trainwatch token}) issues them.
 */
@ApplicationScoped
public class TokenIssuer {

  /** A minted token and when it stops being accepted. */
  public record IssuedToken(String token, Instant expiresAt) {}

  private final TrainwatchConfig.Auth config;

  public TokenIssuer(TrainwatchConfig config) {
    this.config = config.auth();
  }

  /** The token a trainer reports with: job {@code jobId}, ingest only. */
  public String ingestToken(long jobId) {
    return sign(
            TokenClaims.INGEST,
            TokenClaims.JOB,
            jobId,
            Map.of(),
            config.ingestTokenTtl().toSeconds())
        .token();
  }

  /**
   * A relay subscription token for following job {@code jobId}, minted by the API token {@code
   * parent} (its jti): revoking that token ends this one too.
   */
  public IssuedToken jobToken(long jobId, String parent) {
    return sign(
        TokenClaims.SUBSCRIBE,
        TokenClaims.JOB,
        jobId,
        Map.of(TokenClaims.PARENT, parent),
        config.subscriptionTokenTtl().toSeconds());
  }

  /** A relay subscription token for following session {@code sessionId} of {@code project}. */
  public IssuedToken sessionToken(String project, long sessionId, String parent) {
    return sign(
        TokenClaims.SUBSCRIBE,
        TokenClaims.SESSION,
        sessionId,
        Map.of(TokenClaims.PROJECT, project, TokenClaims.PARENT, parent),
        config.subscriptionTokenTtl().toSeconds());
  }

  private IssuedToken sign(
      String scope, String claim, long id, Map<String, String> more, long lifetimeSeconds) {
    Instant expiresAt = Instant.now().plusSeconds(lifetimeSeconds);
    JwtClaimsBuilder claims =
        Jwt.issuer(config.issuer())
            .subject(claim + ":" + id)
            .claim(Claims.jti.name(), UUID.randomUUID().toString())
            .issuedAt(Instant.now())
            .claim(TokenClaims.SCOPE, scope)
            .claim(claim, id)
            .expiresAt(expiresAt);
    more.forEach(claims::claim);
    JwtSignatureBuilder signature = claims.jws();
    config.signingKeyId().ifPresent(signature::keyId);
    return new IssuedToken(signature.sign(), expiresAt);
  }
}
