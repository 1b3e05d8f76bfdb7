package dev.trainwatch.functions.security;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.trainwatch.functions.TestJobs;
import dev.trainwatch.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Security: tokens end. A token issued for longer than its scope allows is refused, as is one
 * without an id; a revoked token is refused on its next request; a job's ingest token stops writing
 * once the job has ended and its grace has passed; minted tokens carry an id and an issue time.
 */
@QuarkusTest
class TokenLifetimeSecurityIT {

  @Inject Pool pool;

  @Test
  void aTokenLongerLivedThanItsScopeAllowsOrWithoutAnIdIsRefused() {
    as(TestTokens.apiLiving(Duration.ofDays(36_500))).get(TestJobs.JOBS).then().statusCode(401);
    as(TestTokens.apiLiving(Duration.ofDays(31))).get(TestJobs.JOBS).then().statusCode(401);
    as(TestTokens.apiLiving(Duration.ofDays(29))).get(TestJobs.JOBS).then().statusCode(200);
    as(TestTokens.apiWithoutId()).get(TestJobs.JOBS).then().statusCode(401);
  }

  @Test
  void aRevokedTokenIsRefusedAtOnce() {
    String mine = TestTokens.api("team-a");
    as(mine).get(TestJobs.JOBS).then().statusCode(200);
    revoke(mine, mine).then().statusCode(200).body("revoked", equalTo(jti(mine)));
    as(mine).get(TestJobs.JOBS).then().statusCode(401);

    // Another token is revoked only by an API token for every project.
    String theirs = TestTokens.api("team-b");
    revoke(TestTokens.api("team-a"), theirs).then().statusCode(403);
    as(theirs).get(TestJobs.JOBS).then().statusCode(200);
    revoke(TestTokens.api(), theirs).then().statusCode(200);
    as(theirs).get(TestJobs.JOBS).then().statusCode(401);

    revoke(TestTokens.api(), "not.a.token").then().statusCode(400);
  }

  @Test
  void anIngestTokenStopsWritingOnceItsJobEndedAndTheGraceIsOver() {
    long ended = TestJobs.submit(null);
    String token = TestTokens.ingest(ended);
    metric(token, ended).then().statusCode(200);
    given().post(TestJobs.JOBS + "/" + ended + "/cancel").then().statusCode(200);
    // Within the grace (10 minutes) the trainer's last flush still lands.
    metric(TestTokens.ingest(ended), ended).then().statusCode(200);

    long old = TestJobs.submit(null);
    given().post(TestJobs.JOBS + "/" + old + "/cancel").then().statusCode(200);
    pool.preparedQuery(
            "UPDATE training_jobs SET finished_at = now() - interval '1 hour' WHERE id = $1")
        .execute(Tuple.of(old))
        .await()
        .indefinitely();
    metric(TestTokens.ingest(old), old).then().statusCode(403);
    as(TestTokens.ingest(old))
        .contentType(ContentType.JSON)
        .body("{\"message\":\"late\"}")
        .post(TestJobs.JOBS + "/" + old + "/logs")
        .then()
        .statusCode(403);
  }

  @Test
  void mintedTokensCarryAnIdAndAnIssueTime() {
    long job = TestJobs.submit(null);
    String minted =
        given()
            .post(TestJobs.JOBS + "/" + job + "/subscription-token")
            .then()
            .statusCode(200)
            .extract()
            .path("token");
    String claims = claims(minted);
    assertThat(claims).contains("\"jti\":").contains("\"iat\":");
  }

  private static RequestSpecification as(String token) {
    return given().header("Authorization", "Bearer " + token);
  }

  private static Response revoke(String caller, String token) {
    return as(caller)
        .contentType(ContentType.JSON)
        .body(Map.of("token", token))
        .post("/api/v1/auth/revoke");
  }

  private static Response metric(String token, long job) {
    return as(token)
        .contentType(ContentType.JSON)
        .body("{\"epoch\":1,\"metrics\":{\"loss\":0.5}}")
        .post(TestJobs.JOBS + "/" + job + "/metrics");
  }

  private static String claims(String token) {
    return new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8);
  }

  private static String jti(String token) {
    return claims(token).replaceAll(".*\"jti\":\"([^\"]+)\".*", "$1");
  }
}
