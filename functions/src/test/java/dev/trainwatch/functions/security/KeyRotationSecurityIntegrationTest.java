package dev.trainwatch.functions.security;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.trainwatch.functions.TestJobs;
import dev.trainwatch.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Security: keys rotate without logging everyone out. With a JWK set of two keys (kid test-1 and
 * test-2) at mp.jwt.verify.publickey.location, tokens signed by either verify; a token that names a
 * kid signed by another key, or names a kid the set does not hold, is refused.
 */
@QuarkusTest
@TestProfile(KeyRotationSecurityIntegrationTest.TwoKeys.class)
class KeyRotationSecurityIntegrationTest {

  /** The old and the new key, side by side. */
  public static class TwoKeys implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "mp.jwt.verify.publickey.location", "dev/trainwatch/testing/test-keys.jwks",
          "smallrye.jwt.sign.key.location", "dev/trainwatch/testing/next-private.pem",
          "trainwatch.auth.signing-key-id", "test-2");
    }
  }

  @Test
  void tokensOfBothKeysVerifyAndOthersAreRefused() {
    call(TestTokens.apiSignedBy("test", "test-1")).then().statusCode(200);
    call(TestTokens.apiSignedBy("next", "test-2")).then().statusCode(200);
    call(TestTokens.apiSignedBy("other", "test-2")).then().statusCode(401);
    call(TestTokens.apiSignedBy("test", "test-2")).then().statusCode(401);
    call(TestTokens.apiSignedBy("next", "retired")).then().statusCode(401);
    // What the functions mint now is signed by the new key and verifies.
    long job = TestJobs.submitAs(TestTokens.apiSignedBy("test", "test-1"), TestJobs.body());
    String minted =
        given()
            .header("Authorization", "Bearer " + TestTokens.apiSignedBy("next", "test-2"))
            .post(TestJobs.JOBS + "/" + job + "/subscription-token")
            .then()
            .statusCode(200)
            .extract()
            .path("token");
    assertThat(TestTokens.headerOf(minted)).contains("\"kid\":\"test-2\"");
  }

  private static Response call(String token) {
    return given().header("Authorization", "Bearer " + token).get(TestJobs.JOBS);
  }
}
