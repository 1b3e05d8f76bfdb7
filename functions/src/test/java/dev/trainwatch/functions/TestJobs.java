package dev.trainwatch.functions;

import static io.restassured.RestAssured.given;

import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;

/** Submits jobs through the API for integration tests. */
public final class TestJobs {

  public static final String JOBS = "/api/v1/training/jobs";

  private TestJobs() {}

  /**
   * The example submission of docs/protocol.md, with optional overrides (a null value removes the
   * field).
   */
  public static Map<String, Object> body(Object... overrides) {
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

  /** Submits a Kubernetes job (of a session, when sessionId is not null) and returns its id. */
  public static long submit(Long sessionId) {
    return submitBody(body("session_id", sessionId));
  }

  /** Submits a local job running {@code python3 -c script} and returns its id. */
  public static long submitLocal(String script) {
    return submitBody(body("executor_type", "local", "command", List.of("python3", "-c", script)));
  }

  /** A request that carries {@code token} instead of the tests' all-projects API token. */
  public static RequestSpecification as(String token) {
    return given().header("Authorization", "Bearer " + token);
  }

  /**
   * Posts {@code body} to the job's logs with the tests' API token and {@code idempotencyKey} (null
   * for none); the answer, to check.
   */
  public static ValidatableResponse postLogs(long job, String body, String idempotencyKey) {
    RequestSpecification request = given().contentType(ContentType.JSON).body(body);
    if (idempotencyKey != null) {
      request.header("Idempotency-Key", idempotencyKey);
    }
    return request.post(JOBS + "/" + job + "/logs").then();
  }

  /** Posts {@code body} to the job's metrics with the tests' API token; the answer, to check. */
  public static ValidatableResponse postMetrics(long job, String body) {
    return given()
        .contentType(ContentType.JSON)
        .body(body)
        .post(JOBS + "/" + job + "/metrics")
        .then();
  }

  /** Posts one point ({@code loss} 0.5 at epoch 1) to job {@code job} with {@code token}. */
  public static Response postPoint(String token, long job) {
    return as(token)
        .contentType(ContentType.JSON)
        .body("{\"epoch\":1,\"metrics\":{\"loss\":0.5}}")
        .post(JOBS + "/" + job + "/metrics");
  }

  /** Waits (at most 20 s) until job {@code id} is in {@code status}. */
  public static void awaitStatus(long id, String status) {
    Awaitility.await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> status.equals(given().get(JOBS + "/" + id).then().extract().path("status")));
  }

  /** Submits {@code body} (see {@link #body}), expecting 201, and returns the job's id. */
  public static long submitBody(Map<String, Object> body) {
    return created(given(), body);
  }

  /** Submits {@code body} with {@code token}, expecting 201, and returns the job's id. */
  public static long submitAs(String token, Map<String, Object> body) {
    return created(as(token), body);
  }

  private static long created(RequestSpecification request, Map<String, Object> body) {
    return request
        .contentType(ContentType.JSON)
        .body(body)
        .post(JOBS)
        .then()
        .statusCode(201)
        .extract()
        .jsonPath()
        .getLong("job_id");
  }
}
