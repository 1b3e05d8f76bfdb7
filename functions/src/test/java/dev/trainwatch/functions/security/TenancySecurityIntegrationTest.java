package dev.trainwatch.functions.security;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.trainwatch.functions.TestJobs;
import dev.trainwatch.testing.TestTokens;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.pubsub.PubSubCommands;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Security: projects are walled off. A session belongs to a project, so what project B submits with
 * project A's session id never reaches A's session channel and never stops A from following its own
 * session; another project's job or session is answered exactly as one that does not exist (404),
 * so ids and owners cannot be listed.
 */
@QuarkusTest
class TenancySecurityIntegrationTest {

  @Inject RedisDataSource redis;

  @Test
  void anotherProjectsJobsWithTheSameSessionIdNeverReachTheSession() {
    long session = ThreadLocalRandom.current().nextLong(1_000_000, Long.MAX_VALUE / 2);
    String alice = TestTokens.api("team-a");
    String mallory = TestTokens.api("team-b");
    List<String> aliceChannel = new CopyOnWriteArrayList<>();
    PubSubCommands.RedisSubscriber subscriber =
        redis.pubsub(String.class).subscribe("twtest:session:team-a:" + session, aliceChannel::add);
    try {
      long own = submit(alice, "team-a", session);
      long intruder = submit(mallory, "team-b", session);
      TestJobs.postPoint(alice, own).then().statusCode(200);
      TestJobs.postPoint(mallory, intruder).then().statusCode(200);
      given()
          .header("Authorization", "Bearer " + mallory)
          .post(TestJobs.JOBS + "/" + intruder + "/cancel")
          .then()
          .statusCode(200);
      TestJobs.postPoint(alice, own).then().statusCode(200);
      Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> aliceChannel.size() >= 3);
      assertThat(aliceChannel)
          .allSatisfy(m -> assertThat(m).contains("\"job_id\":" + own + ","))
          .noneSatisfy(m -> assertThat(m).contains("\"job_id\":" + intruder + ","));

      // Mallory's job did not make Alice's session hers: Alice still gets a token for it, and the
      // token names Alice's project, which is what the relay follows.
      String token =
          TestJobs.as(alice)
              .post("/api/v1/training/sessions/" + session + "/subscription-token")
              .then()
              .statusCode(200)
              .extract()
              .path("token");
      assertThat(TestTokens.claimsOf(token))
          .contains("\"project\":\"team-a\"")
          .contains("" + session);
      TestJobs.as(mallory)
          .queryParam("project", "team-a")
          .post("/api/v1/training/sessions/" + session + "/subscription-token")
          .then()
          .statusCode(404);
      // Listing a session shows only the caller's projects' jobs.
      List<Long> listed =
          TestJobs.as(alice)
              .queryParam("session_id", session)
              .get(TestJobs.JOBS)
              .then()
              .extract()
              .jsonPath()
              .getList("jobs.job_id", Long.class);
      assertThat(listed).containsExactly(own);
    } finally {
      subscriber.unsubscribe();
    }
  }

  @Test
  void anotherProjectsJobIsAnsweredExactlyAsAMissingOne() {
    long theirs = submit(TestTokens.api("team-b"), "team-b", null);
    long missing = Long.MAX_VALUE - ThreadLocalRandom.current().nextLong(1000);
    String mine = TestTokens.api("team-a");
    for (String path : List.of("", "/metrics", "/logs", "/events")) {
      Response foreign = TestJobs.as(mine).get(TestJobs.JOBS + "/" + theirs + path);
      Response absent = TestJobs.as(mine).get(TestJobs.JOBS + "/" + missing + path);
      assertThat(foreign.statusCode()).as(path).isEqualTo(404).isEqualTo(absent.statusCode());
      assertThat(foreign.asString().replace(Long.toString(theirs), "N"))
          .as(path)
          .isEqualTo(absent.asString().replace(Long.toString(missing), "N"))
          .doesNotContain("team-b");
    }
    Map<String, String> writes =
        Map.of(
            "/cancel", "{}",
            "/subscription-token", "{}",
            "/metrics", "{\"epoch\":1,\"metrics\":{\"loss\":0.5}}",
            "/logs", "{\"message\":\"x\"}");
    writes.forEach(
        (path, body) -> {
          Response foreign =
              TestJobs.as(mine)
                  .contentType(ContentType.JSON)
                  .body(body)
                  .post(TestJobs.JOBS + "/" + theirs + path);
          assertThat(foreign.statusCode()).as(path).isEqualTo(404);
          assertThat(foreign.asString()).doesNotContain("team-b");
        });
    // A job's own ingest token cannot tell other jobs from missing ones either.
    long own = submit(mine, "team-a", null);
    String ingest = TestTokens.ingest(own);
    TestJobs.postPoint(ingest, theirs).then().statusCode(404);
    TestJobs.postPoint(ingest, missing).then().statusCode(404);
  }

  private static long submit(String token, String project, Long session) {
    return TestJobs.submitAs(token, TestJobs.body("project", project, "session_id", session));
  }
}
