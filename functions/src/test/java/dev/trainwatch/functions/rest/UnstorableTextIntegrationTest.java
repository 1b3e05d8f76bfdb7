package dev.trainwatch.functions.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;

import dev.trainwatch.functions.TestJobs;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Integration: text PostgreSQL cannot store (U+0000) or that is no Unicode (a lone surrogate) never
 * fails a request and never costs a neighbouring line: it is stored with U+FFFD in its place, on
 * every path (a POST of logs or metrics, a submission, a local process's output). Bytes that are no
 * UTF-8 become U+FFFD, in a body as in a process's output.
 */
@QuarkusTest
class UnstorableTextIntegrationTest {

  @Test
  void aNulOrALoneSurrogateInALogIsStoredAsTheReplacementCharacter() {
    long job = TestJobs.submit(null);
    TestJobs.postLogs(
            job,
            "{\"logs\":[{\"message\":\"a\\u0000b\"},{\"message\":\"\\ud800x\"},{\"message\":\"after\"}]}",
            null)
        .statusCode(200);
    TestJobs.postLogs(job, "{\"message\":\"next request\"}", null).statusCode(200);
    given()
        .get(TestJobs.JOBS + "/" + job + "/logs")
        .then()
        .body("logs.message", contains("a\uFFFDb", "\uFFFDx", "after", "next request"));
  }

  @Test
  void bytesThatAreNotUtf8InABodyAreStoredAsTheReplacementCharacter() {
    long job = TestJobs.submit(null);
    byte[] body =
        "\uFEFF{\"logs\":[{\"message\":\"bad ## bytes\"},{\"message\":\"after\"}]}"
            .getBytes(StandardCharsets.UTF_8);
    int at =
        new String(body, StandardCharsets.UTF_8).indexOf("##")
            + 3; // the BOM is one character, three bytes
    body[at - 1] = (byte) 0xff;
    body[at] = (byte) 0xc3; // a lead byte with no continuation
    given() // bytes as they are: TestJobs.postLogs would send a String
        .contentType(ContentType.JSON)
        .body(body)
        .post(TestJobs.JOBS + "/" + job + "/logs")
        .then()
        .statusCode(200);
    given()
        .get(TestJobs.JOBS + "/" + job + "/logs")
        .then()
        .body("logs.message", contains("bad \uFFFD\uFFFD bytes", "after"));
  }

  @Test
  void aNulInAMetricNameOrASubmissionIsStoredAsTheReplacementCharacter() {
    long job =
        TestJobs.submitBody(
            TestJobs.body("model_name", "res\u0000net", "args", List.of("--x\u0000")));
    given()
        .get(TestJobs.JOBS + "/" + job)
        .then()
        .body("model_name", equalTo("res\uFFFDnet"))
        .body("args[0]", equalTo("--x\uFFFD"));
    given()
        .contentType(ContentType.JSON)
        .body("{\"epoch\":1,\"metrics\":{\"lo\\u0000ss\":0.5}}")
        .post(TestJobs.JOBS + "/" + job + "/metrics")
        .then()
        .statusCode(200);
    given()
        .get(TestJobs.JOBS + "/" + job + "/metrics")
        .then()
        .body("points[0].metrics", hasKey("lo\uFFFDss"));
  }

  @Test
  void aLocalProcessThatPrintsNulAndBytesThatAreNotUtf8KeepsEveryLine() {
    long job =
        TestJobs.submitLocal(
            "import sys\n"
                + "sys.stdout.buffer.write(b'before\\n')\n"
                + "sys.stdout.buffer.write(b'nul\\x00here\\n')\n"
                + "sys.stdout.buffer.write(b'bad \\xff\\xfe bytes\\n')\n"
                + "sys.stdout.buffer.write(b'after\\n')\n");
    TestJobs.awaitStatus(job, "completed");
    given()
        .get(TestJobs.JOBS + "/" + job + "/logs")
        .then()
        .body(
            "logs.message", contains("before", "nul\uFFFDhere", "bad \uFFFD\uFFFD bytes", "after"));
  }
}
