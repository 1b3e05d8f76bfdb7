package dev.trainwatch.functions.rest;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.trainwatch.functions.auth.TokenIssuer.IssuedToken;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;

/**
 * A minted relay subscription token.
 *
 * @param token the token, for the relay's {@code token} query parameter or auth frame
 * @param expiresAt when the relay stops accepting it for new connections
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@RegisterForReflection
public record SubscriptionTokenView(String token, Instant expiresAt) {

  static SubscriptionTokenView of(IssuedToken issued) {
    return new SubscriptionTokenView(issued.token(), issued.expiresAt());
  }
}
