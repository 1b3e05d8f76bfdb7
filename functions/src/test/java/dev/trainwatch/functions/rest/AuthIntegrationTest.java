package dev.trainwatch.functions.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

import dev.trainwatch.functions.TestJobs;
import dev.trainwatch.functions.auth.CachingJwtParser;
import dev.trainwatch.functions.executor.KubernetesMockResource;
import dev.trainwatch.testing.TestTokens;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.smallrye.jwt.auth.principal.JWTParser;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/**
 * Integration: bearer tokens on the REST API. No token, a bad one, or one of the wrong scope or
 * project is refused (401, 403) with the API's JSON error; each scope does what it may and nothing
 * more.
 */
@QuarkusTest
class AuthIntegrationTest {

  private static final String POINT = "{\"epoch\":1,\"metrics\":{\"loss\":0.5}}";

  @Inject JWTParser parser;

  /** smallrye-jwt's authentication verifies through the cache of verified tokens. */
  @Test
  void tokensAreVerifiedThroughTheCache() {
    assertThat(parser).isInstanceOf(CachingJwtParser.class);
  }

  @Test
  void everyApiPathRefusesARequestWithoutATokenWith401() throws Exception {
    long job = TestJobs.submit(null);
    List<String[]> calls =
        List.of(
            new String[] {"GET", TestJobs.JOBS},
            new String[] {"POST", TestJobs.JOBS},
            new String[] {"GET", TestJobs.JOBS + "/" + job},
            new String[] {"POST", TestJobs.JOBS + "/" + job + "/cancel"},
            new String[] {"GET", TestJobs.JOBS + "/" + job + "/metrics"},
            new String[] {"POST", TestJobs.JOBS + "/" + job + "/metrics"},
            new String[] {"GET", TestJobs.JOBS + "/" + job + "/logs"},
            new String[] {"POST", TestJobs.JOBS + "/" + job + "/logs"},
            new String[] {"GET", TestJobs.JOBS + "/" + job + "/events"},
            new String[] {"POST", TestJobs.JOBS + "/" + job + "/subscription-token"},
            new String[] {"POST", "/api/v1/training/sessions/1/subscription-token"},
            new String[] {"GET", "/api/v1/internal/k8s/health"});
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    for (String[] call : calls) {
      HttpRequest.Builder request =
          HttpRequest.newBuilder(URI.create(RestAssured.baseURI + ":" + RestAssured.port + call[1]))
              .header("Content-Type", "application/json");
      request =
          call[0].equals("GET")
              ? request.GET()
              : request.POST(HttpRequest.BodyPublishers.ofString(POINT));
      HttpResponse<String> response =
          http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).as(call[0] + " " + call[1]).isEqualTo(401);
      assertThat(response.body()).as(call[1]).contains("\"error\":\"unauthorized\"");
      assertThat(response.headers().firstValue("WWW-Authenticate")).contains("Bearer");
    }
  }

  @Test
  void malformedExpiredForeignAndWronglySignedTokensGet401() {
    Map<String, String> bad =
        Map.of(
            "malformed", "not.a.token",
            "expired", TestTokens.expiredApi(),
            "another issuer's", TestTokens.foreignIssuerApi(),
            "signed with another key", TestTokens.wrongKeyApi());
    bad.forEach(
        (what, token) ->
            TestJobs.as(token)
                .get(TestJobs.JOBS)
                .then()
                .statusCode(401)
                .body("error", equalTo("unauthorized")));
  }

  @Test
  void theHealthEndpointsAndTheCloudEventRouteNeedNoToken() throws Exception {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    for (String path : List.of("/health", "/q/health/ready", "/q/metrics")) {
      HttpResponse<Void> response =
          http.send(
              HttpRequest.newBuilder(
                      URI.create(RestAssured.baseURI + ":" + RestAssured.port + path))
                  .build(),
              HttpResponse.BodyHandlers.discarding());
      assertThat(response.statusCode()).as(path).isEqualTo(200);
    }
  }

  @Test
  void anApiTokenSeesAndManagesOnlyTheProjectsItGrants() {
    long theirs =
        submit(TestTokens.api(), "vision")
            .then()
            .statusCode(201)
            .extract()
            .jsonPath()
            .getLong("job_id");
    String mine = TestTokens.api("nlp");

    submit(mine, "vision").then().statusCode(403).body("error", equalTo("forbidden"));
    long own =
        submit(mine, "nlp")
            .then()
            .statusCode(201)
            .body("project", equalTo("nlp"))
            .extract()
            .jsonPath()
            .getLong("job_id");

    // Another project's job is answered exactly as a job that does not exist.
    TestJobs.as(mine).get(TestJobs.JOBS + "/" + theirs).then().statusCode(404);
    TestJobs.as(mine).get(TestJobs.JOBS + "/" + theirs + "/metrics").then().statusCode(404);
    TestJobs.as(mine).get(TestJobs.JOBS + "/" + theirs + "/events").then().statusCode(404);
    TestJobs.as(mine).post(TestJobs.JOBS + "/" + theirs + "/cancel").then().statusCode(404);
    TestJobs.postPoint(mine, theirs).then().statusCode(404);
    TestJobs.as(mine)
        .queryParam("size", 500)
        .get(TestJobs.JOBS)
        .then()
        .statusCode(200)
        .body("jobs.project", everyItem(equalTo("nlp")))
        .body("jobs.job_id", hasItem((int) own))
        .body("jobs.job_id", not(hasItem((int) theirs)));
    TestJobs.as(mine).get(TestJobs.JOBS + "/" + own).then().statusCode(200);
  }

  @Test
  void aJobsIngestTokenReportsForThatJobAndDoesNothingElse() {
    long job = TestJobs.submit(null);
    long other = TestJobs.submit(null);
    String token = ingestTokenHandedTo(job);

    TestJobs.postPoint(token, job).then().statusCode(200);
    TestJobs.as(token)
        .contentType(ContentType.JSON)
        .body("{\"message\":\"hello\"}")
        .post(TestJobs.JOBS + "/" + job + "/logs")
        .then()
        .statusCode(200);
    TestJobs.postPoint(token, other).then().statusCode(404).body("error", equalTo("not_found"));
    TestJobs.as(token).get(TestJobs.JOBS + "/" + job).then().statusCode(403);
    TestJobs.as(token).get(TestJobs.JOBS + "/" + job + "/metrics").then().statusCode(403);
    TestJobs.as(token).get(TestJobs.JOBS).then().statusCode(403);
    TestJobs.as(token).post(TestJobs.JOBS + "/" + job + "/cancel").then().statusCode(403);
    TestJobs.as(token)
        .post(TestJobs.JOBS + "/" + job + "/subscription-token")
        .then()
        .statusCode(403);
    submit(token, "default").then().statusCode(403);
  }

  @Test
  void subscriptionTokensAreMintedForReadableJobsAndSessionsOnlyAndReadNothing() {
    long session = ThreadLocalRandom.current().nextLong(1L << 40, 1L << 50);
    long job =
        given()
            .contentType(ContentType.JSON)
            .body(TestJobs.body("session_id", session, "project", "vision"))
            .post(TestJobs.JOBS)
            .then()
            .statusCode(201)
            .extract()
            .jsonPath()
            .getLong("job_id");

    String minted =
        given()
            .post(TestJobs.JOBS + "/" + job + "/subscription-token")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath()
            .getString("token");
    TestJobs.as(minted).get(TestJobs.JOBS + "/" + job).then().statusCode(403);
    TestJobs.postPoint(minted, job).then().statusCode(403);

    String nlp = TestTokens.api("nlp");
    TestJobs.as(nlp).post(TestJobs.JOBS + "/" + job + "/subscription-token").then().statusCode(404);
    TestJobs.as(nlp)
        .queryParam("project", "vision")
        .post("/api/v1/training/sessions/" + session + "/subscription-token")
        .then()
        .statusCode(404);
    TestJobs.as(TestTokens.api("vision"))
        .post("/api/v1/training/sessions/" + session + "/subscription-token")
        .then()
        .statusCode(200)
        .body("expires_at", not(equalTo(null)));
  }

  /** The TRAINWATCH_TOKEN the Kubernetes executor put in the job's container. */
  private static String ingestTokenHandedTo(long job) {
    return KubernetesMockResource.server()
        .createClient()
        .batch()
        .v1()
        .jobs()
        .inNamespace("training")
        .withName("training-job-" + job)
        .get()
        .getSpec()
        .getTemplate()
        .getSpec()
        .getContainers()
        .get(0)
        .getEnv()
        .stream()
        .filter(env -> env.getName().equals("TRAINWATCH_TOKEN"))
        .map(EnvVar::getValue)
        .findFirst()
        .orElseThrow();
  }

  private static Response submit(String token, String project) {
    return TestJobs.as(token)
        .contentType(ContentType.JSON)
        .body(TestJobs.body("project", project))
        .post(TestJobs.JOBS);
  }
}
