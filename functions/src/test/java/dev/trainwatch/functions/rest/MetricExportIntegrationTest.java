package dev.trainwatch.functions.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;

import dev.trainwatch.functions.TestJobs;
import dev.trainwatch.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.util.List;
import java.util.StringJoiner;
import org.junit.jupiter.api.Test;

/**
 * Integration: a job's metric history as CSV ({@code Accept: text/csv} or {@code ?format=csv}),
 * from the real PostgreSQL, a page at a time.
 */
@QuarkusTest
class MetricExportIntegrationTest {

  @Test
  void everyPointIsARowWithAColumnPerMetricInSeqOrder() {
    long job = TestJobs.submit(null);
    TestJobs.postMetrics(
            job,
            "{\"points\":["
                + "{\"epoch\":0,\"step\":10,\"metrics\":{\"loss\":0.5,\"step\":1},"
                + "\"timestamp\":\"2026-11-28T10:00:00Z\"},"
                + "{\"epoch\":1,\"metrics\":{\"loss\":\"NaN\",\"acc, top-1\":0.25},"
                + "\"timestamp\":\"2026-11-28T10:00:01Z\"}]}")
        .statusCode(200);

    Response csv = given().accept("text/csv").get(TestJobs.JOBS + "/" + job + "/metrics");

    assertThat(csv.statusCode()).isEqualTo(200);
    assertThat(csv.contentType()).isEqualTo("text/csv;charset=UTF-8");
    assertThat(csv.header("Content-Disposition"))
        .isEqualTo("attachment; filename=\"job-" + job + "-metrics.csv\"");
    // seq 1 is the job's move to running; a metric named "step" is a column like any other.
    assertThat(csv.asString())
        .isEqualTo(
            "seq,epoch,step,timestamp,\"acc, top-1\",loss,step\n"
                + "2,0,10,2026-11-28T10:00:00Z,,0.5,1.0\n"
                + "3,1,,2026-11-28T10:00:01Z,0.25,NaN,\n");
    assertThat(given().get(TestJobs.JOBS + "/" + job + "/metrics?format=csv").asString())
        .isEqualTo(csv.asString());
  }

  @Test
  void aMetricNameASpreadsheetWouldRunIsWrittenAsText() {
    long job = TestJobs.submit(null);
    TestJobs.postMetrics(
            job,
            "{\"epoch\":1,\"metrics\":{\"=HYPERLINK(\\\"http://x\\\")\":1,\"-loss\":-2,\"@a\":3},"
                + "\"timestamp\":\"2026-11-28T10:00:00Z\"}")
        .statusCode(200);
    assertThat(given().get(TestJobs.JOBS + "/" + job + "/metrics?format=csv").asString())
        .isEqualTo(
            "seq,epoch,step,timestamp,\"'-loss\",\"'=HYPERLINK(\"\"http://x\"\")\",\"'@a\"\n"
                + "2,1,,2026-11-28T10:00:00Z,-2.0,1.0,3.0\n");
  }

  @Test
  void namedMetricsAreTheColumnsAndAJobWithTooManyMetricsMustNameThem() {
    long job = TestJobs.submit(null);
    StringJoiner metrics = new StringJoiner(",", "{\"epoch\":1,\"metrics\":{", "}}");
    for (int i = 0; i < 200; i++) {
      metrics.add("\"q" + i + "\":" + i);
    }
    for (int batch = 0; batch < 6; batch++) {
      TestJobs.postMetrics(job, metrics.toString().replace("\"q", "\"b" + batch + "m"))
          .statusCode(200);
    }

    given()
        .get(TestJobs.JOBS + "/" + job + "/metrics?format=csv")
        .then()
        .statusCode(400)
        .body("message", containsString("1200 metrics"));
    assertThat(
            given()
                .get(TestJobs.JOBS + "/" + job + "/metrics?format=csv&name=b0m7&name=b5m9")
                .asString())
        .startsWith("seq,epoch,step,timestamp,b0m7,b5m9\n")
        .contains(",7.0,\n")
        .endsWith(",,9.0\n");
  }

  @Test
  void aLongHistoryIsStreamedWhole() {
    long job = TestJobs.submit(null);
    int points = 2 * 1_000 + 7; // over two pages
    StringJoiner batch = new StringJoiner(",", "{\"points\":[", "]}");
    for (int i = 0; i < points; i++) {
      batch.add("{\"epoch\":" + i + ",\"metrics\":{\"loss\":" + (1.0 / (i + 1)) + "}}");
    }
    TestJobs.postMetrics(job, batch.toString()).statusCode(200);

    List<String> lines =
        given().get(TestJobs.JOBS + "/" + job + "/metrics?format=csv").asString().lines().toList();

    assertThat(lines).hasSize(points + 1);
    for (int i = 0; i < points; i++) {
      assertThat(lines.get(i + 1)).startsWith((i + 2) + "," + i + ",");
    }
  }

  @Test
  void anUnknownFormatIsRefusedAndAnotherProjectsJobIsNotFound() {
    long job = TestJobs.submit(null);
    given()
        .get(TestJobs.JOBS + "/" + job + "/metrics?format=xml")
        .then()
        .statusCode(400)
        .contentType(ContentType.JSON);
    assertThat(
            TestJobs.as(TestTokens.api("team-b"))
                .accept("text/csv")
                .get(TestJobs.JOBS + "/" + job + "/metrics")
                .statusCode())
        .isEqualTo(404);
    assertThat(
            given()
                .accept("text/csv")
                .get(TestJobs.JOBS + "/" + Long.MAX_VALUE + "/metrics")
                .statusCode())
        .isEqualTo(404);
  }
}
