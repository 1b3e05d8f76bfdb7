package dev.trainwatch.functions.security;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import dev.trainwatch.functions.TestJobs;
import dev.trainwatch.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Security: an address that keeps presenting bad tokens is turned away. After five refused tokens
 * in a minute (the limit this profile sets; 30 by default), every /api request from that address,
 * even with a good token, gets 429 with Retry-After until the minute ends.
 */
@QuarkusTest
@TestProfile(FailedAttemptsSecurityIntegrationTest.FiveAMinute.class)
class FailedAttemptsSecurityIntegrationTest {

  /** Five refused tokens per address and minute. */
  public static class FiveAMinute implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("trainwatch.http.max-token-failures-per-minute", "5");
    }
  }

  @Test
  void anAddressThatKeepsGuessingGets429() {
    for (int i = 0; i < 5; i++) {
      given()
          .header("Authorization", "Bearer " + TestTokens.wrongKeyApi())
          .get(TestJobs.JOBS)
          .then()
          .statusCode(401);
    }
    given()
        .header("Authorization", "Bearer " + TestTokens.api())
        .get(TestJobs.JOBS)
        .then()
        .statusCode(429)
        .body("error", equalTo("too_many_failures"))
        .header("Retry-After", notNullValue());
    // A spelling of the path that RESTEasy still routes is turned away all the same.
    given()
        .header("Authorization", "Bearer " + TestTokens.api())
        .get("/api;x/v1/training/jobs")
        .then()
        .statusCode(429);
    given().get("/q/metrics").then().body(containsString("trainwatch_auth_limited_total"));
  }
}
