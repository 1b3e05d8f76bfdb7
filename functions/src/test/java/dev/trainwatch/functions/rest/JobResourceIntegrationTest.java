package dev.trainwatch.functions.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

import dev.trainwatch.functions.TestJobs;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/** Integration: job submission, listing and lookup against the real PostgreSQL. */
@QuarkusTest
class JobResourceIntegrationTest {

  @Test
  void submitsTheExampleSubmissionAndShowsItBack() {
    long id =
        given()
            .contentType(ContentType.JSON)
            .body(TestJobs.body())
            .post(TestJobs.JOBS)
            .then()
            .statusCode(201)
            .body("job_id", notNullValue())
            .body("status", equalTo("pending"))
            .body("model_name", equalTo("yolo11n"))
            .body("framework", equalTo("ultralytics"))
            .body("dataset_path", equalTo("s3://bucket/dataset"))
            .body("num_epochs", equalTo(10))
            .body("batch_size", equalTo(16))
            .body("executor_type", equalTo("kubernetes"))
            .body("session_id", nullValue())
            .body("created_at", matchesPattern("\\d{4}-\\d\\d-\\d\\dT.*Z"))
            .extract()
            .jsonPath()
            .getLong("job_id");

    given()
        .get(TestJobs.JOBS + "/" + id)
        .then()
        .statusCode(200)
        .body("job_id", equalTo((int) id))
        .body("status", equalTo("pending"));
  }

  @Test
  void refusesEachBadFieldWithAMessageNamingIt() {
    assertRefused(TestJobs.body("model_name", null), "'model_name' is required");
    assertRefused(TestJobs.body("framework", ""), "'framework' must be a non-empty string");
    assertRefused(TestJobs.body("dataset_path", 5), "'dataset_path' must be a non-empty string");
    assertRefused(TestJobs.body("num_epochs", "ten"), "'num_epochs' must be an integer");
    assertRefused(TestJobs.body("num_epochs", 0), "'num_epochs' must be between 1");
    assertRefused(TestJobs.body("batch_size", 1.5), "'batch_size' must be an integer");
    assertRefused(TestJobs.body("executor_type", "slurm"), "'executor_type' must be");
    assertRefused(TestJobs.body("session_id", -3), "'session_id' must be between 1");
    assertRefused(TestJobs.body("num_epoch", 3), "unknown field 'num_epoch'");
    given()
        .contentType(ContentType.JSON)
        .body("{\"model_name\":")
        .post(TestJobs.JOBS)
        .then()
        .statusCode(400)
        .body("error", equalTo("malformed_json"));
  }

  @Test
  void listsNewestFirstFilteredBySessionAndStatusWithPages() {
    long session = ThreadLocalRandom.current().nextLong(1_000_000, Long.MAX_VALUE / 2);
    long first = TestJobs.submit(session);
    long second = TestJobs.submit(session);
    TestJobs.submit(null);

    given()
        .queryParam("session_id", session)
        .get(TestJobs.JOBS)
        .then()
        .statusCode(200)
        .body("total", equalTo(2))
        .body("jobs.job_id", equalTo(List.of((int) second, (int) first)));
    given()
        .queryParam("session_id", session)
        .queryParam("size", 1)
        .queryParam("page", 1)
        .get(TestJobs.JOBS)
        .then()
        .body("jobs", hasSize(1))
        .body("jobs[0].job_id", equalTo((int) first))
        .body("page", equalTo(1))
        .body("size", equalTo(1));
    given()
        .queryParam("status", "pending")
        .get(TestJobs.JOBS)
        .then()
        .statusCode(200)
        .body("total", greaterThanOrEqualTo(3))
        .body("jobs.status", everyItem(equalTo("pending")));
  }

  @Test
  void refusesBadFiltersAndUnknownIds() {
    given().queryParam("status", "done").get(TestJobs.JOBS).then().statusCode(400);
    given().queryParam("size", 100000).get(TestJobs.JOBS).then().statusCode(400);
    given().queryParam("session_id", "abc").get(TestJobs.JOBS).then().statusCode(400);
    // A page that would start past the largest offset is a 400, not a 500.
    given()
        .queryParam("page", Integer.MAX_VALUE)
        .queryParam("size", 500)
        .get(TestJobs.JOBS)
        .then()
        .statusCode(400);
    given()
        .get(TestJobs.JOBS + "/" + Long.MAX_VALUE)
        .then()
        .statusCode(404)
        .body("error", equalTo("not_found"))
        .body("message", startsWith("no training job with id"));
    given()
        .get(TestJobs.JOBS + "/abc")
        .then()
        .statusCode(400)
        .body("error", equalTo("bad_request"));
  }

  private static void assertRefused(Object body, String message) {
    given()
        .contentType(ContentType.JSON)
        .body(body)
        .post(TestJobs.JOBS)
        .then()
        .statusCode(400)
        .body("error", equalTo("bad_request"))
        .body("message", containsString(message));
  }
}
