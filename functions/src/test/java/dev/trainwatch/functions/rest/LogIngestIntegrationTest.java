package dev.trainwatch.functions.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;

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

  @Test
  void aTimelineReadsARangeOfLinesTheWarningsAndTheEventsOfSomeTypes() {
    long job = TestJobs.submit(null);
    TestJobs.postLogs(
            job,
            "{\"logs\":[{\"message\":\"a\"},{\"message\":\"b\",\"level\":\"WARNING\"},"
                + "{\"message\":\"c\",\"level\":\"DEBUG\"},{\"message\":\"d\",\"level\":\"ERROR\"},"
                + "{\"message\":\"e\"}]}",
            null)
        .statusCode(200);
    String logs = TestJobs.JOBS + "/" + job + "/logs";
    // seq 1 is the pending -> running change the first line caused; the lines are 2 to 6.
    given()
        .queryParam("since", 2)
        .queryParam("before", 6)
        .get(logs)
        .then()
        .statusCode(200)
        .body("logs.message", equalTo(List.of("b", "c", "d")));
    given()
        .queryParam("level", "warning")
        .get(logs)
        .then()
        .body("logs.message", equalTo(List.of("b", "d")));
    given()
        .queryParam("level", "ERROR")
        .queryParam("since", 0)
        .queryParam("limit", 1)
        .get(logs)
        .then()
        .body("logs.message", equalTo(List.of("d")));
    given()
        .queryParam("level", "LOUD")
        .get(logs)
        .then()
        .statusCode(400)
        .body("message", containsString("'level' must be"));

    String events = TestJobs.JOBS + "/" + job + "/events";
    given()
        .queryParam("type", "training_status_change")
        .get(events)
        .then()
        .statusCode(200)
        .body("events.type", equalTo(List.of("training_status_change")))
        .body("next_since", equalTo(1));
    given()
        .queryParam("type", "training_log")
        .queryParam("type", "training_status_change")
        .queryParam("since", 1)
        .queryParam("limit", 2)
        .get(events)
        .then()
        .body("events.seq", equalTo(List.of(2, 3)));
    given()
        .queryParam("type", "training_nonsense")
        .get(events)
        .then()
        .statusCode(400)
        .body("message", containsString("training_status_change"));
  }

  @Test
  void linesAreReadByTheTimeTheyWereWrittenHoweverLateTheyArrived() {
    long job = TestJobs.submit(null);
    // Written at 10:00:01, :02 and :03, but the :01 line arrives last (a trainer that sends late).
    TestJobs.postLogs(
            job,
            "{\"logs\":[{\"message\":\"two\",\"timestamp\":\"2026-11-28T10:00:02Z\"},"
                + "{\"message\":\"three\",\"level\":\"WARNING\",\"timestamp\":\"2026-11-28T10:00:03Z\"}]}",
            null)
        .statusCode(200);
    TestJobs.postLogs(job, "{\"message\":\"one\",\"timestamp\":\"2026-11-28T10:00:01Z\"}", null)
        .statusCode(200);
    String logs = TestJobs.JOBS + "/" + job + "/logs";
    given()
        .queryParam("from", "2026-11-28T10:00:01Z")
        .queryParam("to", "2026-11-28T10:00:02Z")
        .get(logs)
        .then()
        .statusCode(200)
        .body("logs.message", equalTo(List.of("one", "two")));
    given()
        .queryParam("to", "2026-11-28T10:00:02.5Z")
        .queryParam("limit", 1)
        .get(logs)
        .then()
        .body("logs.message", equalTo(List.of("two")));
    given()
        .queryParam("from", "2026-11-28T10:00:00Z")
        .queryParam("level", "WARNING")
        .get(logs)
        .then()
        .body("logs.message", equalTo(List.of("three")));
    given()
        .queryParam("from", "yesterday")
        .get(logs)
        .then()
        .statusCode(400)
        .body("message", containsString("'from'"));
    given()
        .queryParam("from", "2026-11-28T10:00:00Z")
        .get(logs)
        .then()
        .body("next_before", nullValue()); // a time read is one page
    // An empty parameter counts as absent, as everywhere in the API.
    given().queryParam("level", "").get(logs).then().statusCode(200).body("logs", hasSize(3));
    given()
        .queryParam("from", "2026-11-28T10:00:03Z")
        .queryParam("to", "2026-11-28T10:00:01Z")
        .get(logs)
        .then()
        .statusCode(400)
        .body("message", containsString("after"));
    given()
        .queryParam("from", "2026-11-28T10:00:00Z")
        .queryParam("since", 1)
        .get(logs)
        .then()
        .statusCode(400)
        .body("message", containsString("not both"));
  }
}
