package dev.trainwatch.functions.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import dev.trainwatch.functions.TestJobs;
import dev.trainwatch.functions.service.LogIngestService;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Integration: what real training code prints, sent to the logs endpoint and run as a local job,
 * stored as a person reads it: coloured levels, tracebacks whole across requests, redrawn lines
 * once, long lines in parts. Held tracebacks wait 2 s in tests (trainwatch.logs.traceback-hold).
 */
@QuarkusTest
class TrainerOutputIntegrationTest {

  private static final String TRACEBACK = "Traceback (most recent call last):";

  @Inject LogIngestService logs;

  @Test
  void aColouredLevelIsReadAndTheEscapesAreKept() {
    long job = TestJobs.submit(null);
    post(job, "{\"message\":\"\\u001b[31mERROR\\u001b[0m CUDA out of memory\"}", null);
    given()
        .get(TestJobs.JOBS + "/" + job + "/logs")
        .then()
        .body("logs.level", contains("ERROR"))
        .body("logs[0].message", equalTo("\u001b[31mERROR\u001b[0m CUDA out of memory"));
  }

  @Test
  void aTracebackSplitOverTwoRequestsIsOneErrorEntry() {
    long job = TestJobs.submit(null);
    post(job, lines("step 9", TRACEBACK, "  File \"t.py\", line 3, in <module>"), "tb-1");
    post(job, lines("    main()", "RuntimeError: CUDA error", "step 10"), "tb-2");
    given()
        .get(TestJobs.JOBS + "/" + job + "/logs")
        .then()
        .body("logs.level", contains("INFO", "ERROR", "INFO"))
        .body(
            "logs[1].message",
            equalTo(
                TRACEBACK
                    + "\n  File \"t.py\", line 3, in <module>\n    main()\nRuntimeError: CUDA error"));
  }

  @Test
  void aRetriedRequestDoesNotRepeatTheLinesOfAHeldTraceback() {
    long job = TestJobs.submit(null);
    String first = lines(TRACEBACK, "  File \"t.py\", line 3");
    post(job, first, "held-1");
    post(job, first, "held-1").body("duplicate", equalTo(true));
    post(job, lines("KeyError: 'lr'"), "held-2");
    given()
        .get(TestJobs.JOBS + "/" + job + "/logs")
        .then()
        .body("logs.message", contains(TRACEBACK + "\n  File \"t.py\", line 3\nKeyError: 'lr'"));
  }

  @Test
  void aTracebackNobodyCameBackForIsStoredByTheSweepWhenItsTimeIsUp() throws Exception {
    long job = TestJobs.submit(null);
    post(job, lines("epoch 1", TRACEBACK, "  File \"t.py\", line 3"), null);
    given().get(TestJobs.JOBS + "/" + job + "/logs").then().body("logs", hasSize(1));
    Thread.sleep(2_100);
    assertThat(logs.storeDueTracebacks().await().indefinitely()).isPositive();
    given()
        .get(TestJobs.JOBS + "/" + job + "/logs")
        .then()
        .body("logs.level", contains("INFO", "ERROR"))
        .body("logs[1].message", equalTo(TRACEBACK + "\n  File \"t.py\", line 3"));
  }

  @Test
  void linesThatShowNothingAreAcceptedAndStoreNothingSoTheirNeighboursStay() {
    long job = TestJobs.submit(null);
    post(
        job,
        "{\"logs\":[{\"message\":\"a\"},{\"message\":\"\\r\"},{\"message\":\"\"},"
            + "{\"message\":\"  \"},{\"message\":\"b\"}]}",
        null);
    post(job, "{\"message\":\"\\r\\n\"}", null);
    given()
        .get(TestJobs.JOBS + "/" + job + "/logs")
        .then()
        .body("logs.message", contains("a", "b"));
  }

  @Test
  void aBodyIsOneJsonValueNdjsonAndRepeatedFieldsAreRefusedWhole() {
    long job = TestJobs.submit(null);
    for (String body :
        List.of(
            "{\"message\":\"l1\"}\n{\"message\":\"l2\"}\n",
            "{\"message\":\"a\"}   garbage",
            "{\"message\":\"a\",\"message\":\"b\"}")) {
      TestJobs.postLogs(job, body, null).statusCode(400).body("error", equalTo("malformed_json"));
    }
    given().get(TestJobs.JOBS + "/" + job + "/logs").then().body("logs", hasSize(0));
  }

  @Test
  void aNulInAMetricNameFilterOrAnIdWithAnythingAroundItIsNoServerError() {
    long job = TestJobs.submit(null);
    given().get(TestJobs.JOBS + "/" + job + "/metrics?name=%00").then().statusCode(200);
    given().get(TestJobs.JOBS + "/" + job + "/metrics?name=a%00b&name=x").then().statusCode(200);
    for (String id : List.of(job + "%00", job + "%20", "%20" + job, "+" + job, "0" + job)) {
      given().urlEncodingEnabled(false).get(TestJobs.JOBS + "/" + id).then().statusCode(400);
    }
  }

  @Test
  void aBarOnStderrAndPrintsOnStdoutEachKeepTheirLines() {
    long job =
        TestJobs.submitLocal(
            "import sys, time\n"
                + "for i in range(3):\n"
                + "    sys.stderr.write('\\r%d%%' % (i * 50)); sys.stderr.flush()\n"
                + "    print('epoch %d' % i, flush=True)\n"
                + "    time.sleep(0.05)\n"
                + "time.sleep(0.2)\n"
                + "sys.stderr.write('\\n')\n");
    TestJobs.awaitStatus(job, "completed");
    given()
        .get(TestJobs.JOBS + "/" + job + "/logs")
        .then()
        .body("logs.message", contains("epoch 0", "epoch 1", "epoch 2", "100%"));
  }

  private static String lines(String... messages) {
    StringBuilder batch = new StringBuilder("{\"logs\":[");
    for (int i = 0; i < messages.length; i++) {
      batch
          .append(i == 0 ? "" : ",")
          .append("{\"message\":\"")
          .append(messages[i].replace("\"", "\\\""))
          .append("\"}");
    }
    return batch.append("]}").toString();
  }

  private static ValidatableResponse post(long job, String body, String key) {
    return TestJobs.postLogs(job, body, key).statusCode(200);
  }
}
