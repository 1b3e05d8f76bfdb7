package dev.trainwatch.functions.auth;

import dev.trainwatch.functions.config.TrainwatchConfig;
import io.smallrye.jwt.build.Jwt;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;

/**
 * Mints the tokens the functions hand out, signed with the key at {@code
 * smallrye.jwt.sign.key.location}: a job's ingest token at launch, and short-lived relay
 * subscription tokens for callers that may read the job or session. API tokens are not minted here:
 * an identity provider (or {@code ./trainwatch token}) issues them.
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
    return sign(TokenClaims.INGEST, TokenClaims.JOB, jobId, config.ingestTokenTtl().toSeconds())
        .token();
  }

  /** A relay subscription token for one job or one session ({@code claim} is JOB or SESSION). */
  public IssuedToken subscriptionToken(String claim, long id) {
    return sign(TokenClaims.SUBSCRIBE, claim, id, config.subscriptionTokenTtl().toSeconds());
  }

  private IssuedToken sign(String scope, String claim, long id, long lifetimeSeconds) {
    Instant expiresAt = Instant.now().plusSeconds(lifetimeSeconds);
    String token =
        Jwt.issuer(config.issuer())
            .subject(claim + ":" + id)
            .claim(TokenClaims.SCOPE, scope)
            .claim(claim, id)
            .expiresAt(expiresAt)
            .sign();
    return new IssuedToken(token, expiresAt);
  }
}
