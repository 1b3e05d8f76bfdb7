package dev.trainwatch.functions.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.not;

import dev.trainwatch.functions.TestJobs;
import dev.trainwatch.functions.service.StatusSweepService;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

/** Integration: health (/health and Quarkus's /q/health) and Prometheus metrics. */
@QuarkusTest
class HealthIntegrationTest {

  @Inject StatusSweepService sweep;

  @Test
  void readinessCoversPostgresqlAndRedisAtBothPaths() {
    for (String path : new String[] {"/health", "/q/health/ready"}) {
      given()
          .get(path)
          .then()
          .statusCode(200)
          .body("status", equalTo("UP"))
          .body(
              "checks.name",
              hasItems(
                  "Redis connection health check", "Reactive PostgreSQL connections health check"));
    }
  }

  @Test
  void exposesIngestCountersAndLatency() {
    long job = TestJobs.submit(null);
    given()
        .contentType("application/json")
        .body("{\"epoch\":1,\"metrics\":{\"loss\":1}}")
        .post(TestJobs.JOBS + "/" + job + "/metrics")
        .then()
        .statusCode(200);
    given()
        .get("/q/metrics")
        .then()
        .statusCode(200)
        .body(containsString("trainwatch_ingest_points_total"))
        .body(containsString("trainwatch_events_published_total"))
        .body(containsString("trainwatch_ingest_requests_seconds_count"));
  }

  @Test
  void exposesJobLevelGaugesWithBoundedLabelsAfterASweep() {
    long pending = TestJobs.submit(null);
    long running = TestJobs.submit(null);
    given()
        .contentType("application/json")
        .body("{\"epoch\":1,\"metrics\":{\"loss\":1}}")
        .post(TestJobs.JOBS + "/" + running + "/metrics")
        .then()
        .statusCode(200);
    sweep.sweep();
    given()
        .get("/q/metrics")
        .then()
        .body(containsString("trainwatch_jobs{status=\"pending\"}"))
        .body(containsString("trainwatch_jobs{status=\"cancelled\"}"))
        .body(containsString("trainwatch_job_failures_total{reason=\"OOMKilled\"}"))
        .body(containsString("trainwatch_active_job_pending_seconds{job_id=\"" + pending + "\"}"))
        .body(containsString("trainwatch_active_job_silence_seconds{job_id=\"" + running + "\"}"))
        .body(
            not(
                containsString(
                    "trainwatch_active_job_silence_seconds{job_id=\"" + pending + "\"}")));
  }
}
