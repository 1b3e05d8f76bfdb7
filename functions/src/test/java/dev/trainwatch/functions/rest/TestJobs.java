package dev.trainwatch.functions.rest;

import static io.restassured.RestAssured.given;

import io.restassured.http.ContentType;
import java.util.HashMap;
import java.util.Map;

/** Submits jobs through the API for integration tests. */
final class TestJobs {

  static final String JOBS = "/api/v1/training/jobs";

  private TestJobs() {}

  /** The guide's example submission, with optional overrides (a null value removes the field). */
  static Map<String, Object> body(Object... overrides) {
    Map<String, Object> body = new HashMap<>();
    body.put("model_name", "yolo11n");
    body.put("framework", "ultralytics");
    body.put("dataset_path", "s3://bucket/dataset");
    body.put("num_epochs", 10);
    body.put("batch_size", 16);
    body.put("executor_type", "kubernetes");
    for (int i = 0; i < overrides.length; i += 2) {
      body.put((String) overrides[i], overrides[i + 1]);
    }
    return body;
  }

  /** Submits a job (of a session, when sessionId is not null) and returns its id. */
  static long submit(Long sessionId) {
    return given()
        .contentType(ContentType.JSON)
        .body(body("session_id", sessionId))
        .post(JOBS)
        .then()
        .statusCode(201)
        .extract()
        .jsonPath()
        .getLong("job_id");
  }
}
