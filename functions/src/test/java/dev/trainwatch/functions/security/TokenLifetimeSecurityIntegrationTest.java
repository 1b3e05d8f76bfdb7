package dev.trainwatch.functions.security;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.trainwatch.functions.TestJobs;
import dev.trainwatch.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Security: tokens end. A token issued for longer than its scope allows is refused, as is one
 * without an id; a revoked token is refused on its next request; a job's ingest token stops writing
 * once the job has ended and its grace has passed; minted tokens carry an id and an issue time.
 */
@QuarkusTest
class TokenLifetimeSecurityIntegrationTest {

  @Inject Pool pool;

  @Test
  void aTokenLongerLivedThanItsScopeAllowsOrWithoutAnIdIsRefused() {
    TestJobs.as(TestTokens.apiLiving(Duration.ofDays(36_500)))
        .get(TestJobs.JOBS)
        .then()
        .statusCode(401);
    TestJobs.as(TestTokens.apiLiving(Duration.ofDays(31)))
        .get(TestJobs.JOBS)
        .then()
        .statusCode(401);
    TestJobs.as(TestTokens.apiLiving(Duration.ofDays(29)))
        .get(TestJobs.JOBS)
        .then()
        .statusCode(200);
    TestJobs.as(TestTokens.apiWithoutId()).get(TestJobs.JOBS).then().statusCode(401);
    // An iat in the future would stretch the lifetime: ten years ahead, for a day, is refused.
    TestJobs.as(TestTokens.apiIssuedAhead(Duration.ofDays(3650)))
        .get(TestJobs.JOBS)
        .then()
        .statusCode(401);
  }

  @Test
  void aRevokedTokenIsRefusedAtOnce() {
    String mine = TestTokens.api("team-a");
    TestJobs.as(mine).get(TestJobs.JOBS).then().statusCode(200);
    revoke(mine, mine).then().statusCode(200).body("revoked", equalTo(TestTokens.idOf(mine)));
    TestJobs.as(mine).get(TestJobs.JOBS).then().statusCode(401);

    // Another token is revoked only by an API token for every project.
    String theirs = TestTokens.api("team-b");
    revoke(TestTokens.api("team-a"), theirs).then().statusCode(403);
    TestJobs.as(theirs).get(TestJobs.JOBS).then().statusCode(200);
    revoke(TestTokens.api(), theirs).then().statusCode(200);
    TestJobs.as(theirs).get(TestJobs.JOBS).then().statusCode(401);

    revoke(TestTokens.api(), "not.a.token").then().statusCode(400);
  }

  @Test
  void anIngestTokenStopsWritingOnceItsJobEndedAndTheGraceIsOver() {
    long ended = TestJobs.submit(null);
    String token = TestTokens.ingest(ended);
    TestJobs.postPoint(token, ended).then().statusCode(200);
    given().post(TestJobs.JOBS + "/" + ended + "/cancel").then().statusCode(200);
    // Within the grace (10 minutes) the trainer's last flush still lands.
    TestJobs.postPoint(TestTokens.ingest(ended), ended).then().statusCode(200);

    long old = TestJobs.submit(null);
    given().post(TestJobs.JOBS + "/" + old + "/cancel").then().statusCode(200);
    pool.preparedQuery(
            "UPDATE training_jobs SET finished_at = now() - interval '1 hour' WHERE id = $1")
        .execute(Tuple.of(old))
        .await()
        .indefinitely();
    TestJobs.postPoint(TestTokens.ingest(old), old).then().statusCode(403);
    TestJobs.as(TestTokens.ingest(old))
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
    String claims = TestTokens.claimsOf(minted);
    assertThat(claims).contains("\"jti\":").contains("\"iat\":");
  }

  private static Response revoke(String caller, String token) {
    return TestJobs.as(caller)
        .contentType(ContentType.JSON)
        .body(Map.of("token", token))
        .post("/api/v1/auth/revoke");
  }
}
