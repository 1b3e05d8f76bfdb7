package dev.trainwatch.functions.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trainwatch.testing.TestTokens;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.ParseException;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.junit.jupiter.api.Test;

/**
 * Unit: a verified token is verified once and served until its exp, never after; a token that fails
 * verification is refused each time.
 */
class CachingJwtParserTest {

  private static CachingJwtParser parser() {
    JWTAuthContextInfo context =
        new JWTAuthContextInfo(TestTokens.publicKeyFile().toString(), TestTokens.ISSUER);
    context.setClockSkew(0);
    return new CachingJwtParser(context);
  }

  @Test
  void aTokenIsVerifiedOnceAndNotServedPastItsExp() throws ParseException {
    CachingJwtParser parser = parser();
    String token = TestTokens.subscribeJobFor(7, Duration.ofSeconds(2));

    JsonWebToken first = parser.parse(token);
    assertThat(parser.parse(token)).as("kept, not verified again").isSameAs(first);

    Awaitility.await()
        .atMost(Duration.ofSeconds(6))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> System.currentTimeMillis() / 1000 >= first.getExpirationTime());
    assertThatThrownBy(() -> parser.parse(token)).isInstanceOf(ParseException.class);
  }

  @Test
  void aTokenThatFailsIsRefusedEveryTime() {
    CachingJwtParser parser = parser();
    String foreign = TestTokens.wrongKeyApi();
    assertThatThrownBy(() -> parser.parse(foreign)).isInstanceOf(ParseException.class);
    assertThatThrownBy(() -> parser.parse(foreign)).isInstanceOf(ParseException.class);
  }
}
