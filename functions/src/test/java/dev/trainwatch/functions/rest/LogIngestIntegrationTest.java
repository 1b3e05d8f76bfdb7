package dev.trainwatch.functions.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import dev.trainwatch.functions.TestFeed;
import dev.trainwatch.functions.TestJobs;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Integration: log lines a trainer sends, and the events endpoint that replays a job's feed. */
@QuarkusTest
class LogIngestIntegrationTest {

  @Inject RedisDataSource redis;

  @Test
  void aBatchOfLinesIsStoredWithLevelsTracebacksWholeAndOncePerKey() {
    long job = TestJobs.submit(null);
    String batch =
        "{\"logs\":["
            + "{\"message\":\"Epoch 1/3\",\"timestamp\":\"2026-11-28T10:00:00\"},"
            + "{\"message\":\"lr is high\",\"level\":\"warn\"},"
            + "{\"message\":\"Traceback (most recent call last):\"},"
            + "{\"message\":\"  File \\\"t.py\\\", line 1\"},"
            + "{\"message\":\"KeyError: 'x'\"}]}";
    TestJobs.postLogs(job, batch, "logs-1").statusCode(200).body("status", equalTo("ok"));
    TestJobs.postLogs(job, batch, "logs-1").statusCode(200).body("duplicate", equalTo(true));

    given()
        .get(TestJobs.JOBS + "/" + job + "/logs")
        .then()
        .body("logs", hasSize(3))
        .body("logs.level", equalTo(List.of("INFO", "WARNING", "ERROR")))
        .body("logs[0].timestamp", equalTo("2026-11-28T10:00:00Z"))
        .body(
            "logs[2].message",
            equalTo("Traceback (most recent call last):\n  File \"t.py\", line 1\nKeyError: 'x'"));
    assertThat(TestFeed.statusChanges(redis, job)).containsExactly("pending->running");
  }

  @Test
  void aBadEntryRefusesTheBatch() {
    long job = TestJobs.submit(null);
    TestJobs.postLogs(
            job, "{\"logs\":[{\"message\":\"ok\"},{\"message\":\"x\",\"level\":\"LOUD\"}]}", null)
        .statusCode(400)
        .body("message", containsString("logs[1]: 'level' must be DEBUG, INFO, WARNING or ERROR"));
    TestJobs.postLogs(job, "{\"text\":\"hello\"}", null).statusCode(400);
    given().get(TestJobs.JOBS + "/" + job + "/logs").then().body("logs", hasSize(0));
    TestJobs.postLogs(Long.MAX_VALUE, "{\"message\":\"one line\"}", null).statusCode(404);
  }

  @Test
  void theEventsEndpointReplaysEveryEventAfterASeqExactlyAsPublished() {
    // The NaN below is a value to replay, not an alert to raise (AlertsIntegrationTest has those).
    long job = TestJobs.submitBody(TestJobs.body("alerts", Map.of("nan", false)));
    given()
        .contentType(ContentType.JSON)
        .body("{\"epoch\":1,\"metrics\":{\"loss\":NaN}}")
        .post(TestJobs.JOBS + "/" + job + "/metrics")
        .then()
        .statusCode(200);
    TestJobs.postLogs(job, "{\"message\":\"WARNING hot\"}", null).statusCode(200);
    List<String> published = TestFeed.of(redis, job);
    assertThat(published).hasSize(3);

    String replay =
        given()
            .get(TestJobs.JOBS + "/" + job + "/events")
            .then()
            .statusCode(200)
            .extract()
            .asString();
    assertThat(replay)
        .isEqualTo(
            "{\"job_id\":"
                + job
                + ",\"events\":["
                + String.join(",", published)
                + "],\"next_since\":3}");
    String after =
        given()
            .queryParam("since", 1)
            .queryParam("limit", 1)
            .get(TestJobs.JOBS + "/" + job + "/events")
            .then()
            .extract()
            .asString();
    assertThat(after)
        .isEqualTo(
            "{\"job_id\":" + job + ",\"events\":[" + published.get(1) + "],\"next_since\":2}");
  }
}
