package dev.trainwatch.functions.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.trainwatch.functions.TestJobs;
import dev.trainwatch.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import org.junit.jupiter.api.Test;

/**
 * Integration: a metric's overview in buckets from the real PostgreSQL keeps every spike and every
 * NaN of a long history, in a bounded answer.
 */
@QuarkusTest
class MetricOverviewIntegrationTest {

  @Inject Pool pool;

  /**
   * Points another writer stores (a script, a restore) are summarized all the same: the blocks are
   * the database's to keep.
   */
  @Test
  void valuesStoredWithoutTheFunctionsAreInTheOverview() {
    long job = TestJobs.submit(null);
    pool.preparedQuery(
            """
            WITH j AS (
              UPDATE training_jobs SET metric_names = metric_names || '{direct}' WHERE id = $1
              RETURNING cardinality(metric_names) AS id)
            INSERT INTO metric_points (job_id, seq, epoch, step, ts, name_ids, vals)
            SELECT $1, 1000 + i, 1, i, now(), ARRAY[j.id], ARRAY[CASE WHEN i = 17 THEN 99 ELSE i END]
            FROM j, generate_series(0, 39) i
            """)
        .execute(Tuple.of(job))
        .await()
        .indefinitely();

    List<Map<String, Object>> buckets =
        given()
            .get(TestJobs.JOBS + "/" + job + "/metrics/overview?name=direct&buckets=1")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath()
            .getList("buckets");
    assertThat(buckets).hasSize(1);
    assertThat(buckets.get(0))
        .containsEntry("count", 40)
        .containsEntry("max", 99.0f)
        .containsEntry("last", 39.0f)
        .containsEntry("last_step", 39);
  }

  /**
   * A since or before past 2^31 reads as given: PostgreSQL types a parameter by its first use, and
   * one typed integer would take 2^32 + 1 as 1 and answer the job's points from its start.
   */
  @Test
  void sequenceNumbersPast32BitsAreNotFolded() {
    long job = TestJobs.submit(null);
    TestJobs.postMetrics(
            job,
            "{\"points\":[{\"epoch\":1,\"metrics\":{\"loss\":0.5}},"
                + "{\"epoch\":1,\"metrics\":{\"loss\":0.4}},{\"epoch\":1,\"metrics\":{\"loss\":0.3}}]}")
        .statusCode(200);
    String path = TestJobs.JOBS + "/" + job + "/metrics";
    for (String since : List.of("4294967297", "4294967296", "9223372036854775807")) {
      assertThat(given().get(path + "?name=loss&since=" + since).jsonPath().getList("points"))
          .as("points of loss after %s", since)
          .isEmpty();
      assertThat(
              given()
                  .get(path + "/overview?name=loss&since=" + since)
                  .jsonPath()
                  .getList("buckets"))
          .as("buckets of loss after %s", since)
          .isEmpty();
    }
    assertThat(
            given()
                .get(path + "/overview?name=loss&buckets=1&since=0&before=4294967297")
                .jsonPath()
                .getList("buckets"))
        .as("every point is before 2^32 + 1")
        .hasSize(1);
  }

  @Test
  void eachBucketKeepsItsExtremesAndCountsItsNonFiniteValues() {
    long job = TestJobs.submitBody(TestJobs.body("alerts", Map.of("nan", false)));
    StringJoiner batch = new StringJoiner(",", "{\"points\":[", "]}");
    for (int i = 0; i < 1_000; i++) {
      String loss = i == 437 ? "9.5" : i == 812 ? "\"NaN\"" : Double.toString(1.0 / (i + 1));
      batch.add(
          "{\"epoch\":" + i / 100 + ",\"step\":" + i + ",\"metrics\":{\"loss\":" + loss + "}}");
    }
    TestJobs.postMetrics(job, batch.toString()).statusCode(200);

    JsonPath overview =
        given()
            .get(TestJobs.JOBS + "/" + job + "/metrics/overview?name=loss&buckets=10")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath();

    List<Map<String, Object>> buckets = overview.getList("buckets");
    assertThat(buckets).hasSize(10);
    assertThat(buckets).allSatisfy(b -> assertThat(b.get("count")).isEqualTo(100));
    assertThat(buckets.get(0).get("step")).isEqualTo(0);
    assertThat(buckets.get(0).get("max")).isEqualTo(1.0f);
    assertThat(buckets.get(4).get("max")).isEqualTo(9.5f); // the spike at step 437
    assertThat(buckets.get(8).get("non_finite")).isEqualTo(1); // the NaN at step 812
    assertThat(buckets.get(9).get("last")).isEqualTo(0.001f);
  }

  @Test
  void aNameIsRequiredBucketsAreBoundedAndAnotherProjectsJobIsNotFound() {
    long job = TestJobs.submit(null);
    given().get(TestJobs.JOBS + "/" + job + "/metrics/overview").then().statusCode(400);
    given()
        .get(TestJobs.JOBS + "/" + job + "/metrics/overview?name=loss&buckets=5001")
        .then()
        .statusCode(400);
    assertThat(
            given()
                .get(TestJobs.JOBS + "/" + job + "/metrics/overview?name=loss")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("buckets"))
        .isEmpty();
    TestJobs.as(TestTokens.api("team-b"))
        .get(TestJobs.JOBS + "/" + job + "/metrics/overview?name=loss")
        .then()
        .statusCode(404);
  }

  @Test
  void aPageReadsTheNamesTheLastSeqAndTheOverviewOfARangeOfSeqs() {
    long job = TestJobs.submitBody(TestJobs.body("alerts", Map.of("nan", false)));
    StringJoiner batch = new StringJoiner(",", "{\"points\":[", "]}");
    for (int i = 0; i < 100; i++) {
      batch.add(
          "{\"epoch\":1,\"step\":"
              + i
              + ",\"metrics\":{\"loss\":"
              + (100 - i)
              + (i % 10 == 0 ? ",\"val/acc\":0.5" : "")
              + "}}");
    }
    TestJobs.postMetrics(job, batch.toString()).statusCode(200);
    String jobs = TestJobs.JOBS + "/" + job;
    // seq 1 is pending -> running; the points are seqs 2 to 101.
    given().get(jobs).then().statusCode(200).body("last_seq", equalTo(101));
    given()
        .get(jobs + "/metrics/names")
        .then()
        .statusCode(200)
        .body("names", equalTo(List.of("loss", "val/acc")));

    // Points 10 to 19 (seqs 12 to 21), one bucket each: every point at full resolution.
    List<Map<String, Object>> range =
        given()
            .get(jobs + "/metrics/overview?name=loss&since=11&before=22&buckets=100")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath()
            .getList("buckets");
    assertThat(range).hasSize(10);
    assertThat(range).allSatisfy(b -> assertThat(b.get("count")).isEqualTo(1));
    assertThat(range.get(0).get("step")).isEqualTo(10);
    assertThat(range.get(9).get("last")).isEqualTo(81.0f);
    given().get(jobs + "/metrics/overview?name=loss&since=-1").then().statusCode(400);
    TestJobs.as(TestTokens.api("team-b")).get(jobs + "/metrics/names").then().statusCode(404);
  }
}
