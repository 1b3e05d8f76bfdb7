package dev.trainwatch.functions.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Integration: with PostgreSQL unreachable, ingest and reads answer 503 with Retry-After (the SDK
 * spools and retries) and readiness is down; nothing answers 500.
 */
@QuarkusTest
@TestProfile(DatabaseDownIntegrationTest.NoDatabase.class)
class DatabaseDownIntegrationTest {

  /** A database address where nothing listens (the schema check at start then lets them start). */
  public static class NoDatabase implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("quarkus.datasource.reactive.url", "postgresql://127.0.0.1:1/trainwatch_test");
    }
  }

  @Test
  void ingestAnswers503WithRetryAfter() {
    given()
        .contentType(ContentType.JSON)
        .body("{\"epoch\":1,\"metrics\":{\"loss\":1}}")
        .post("/api/v1/training/jobs/1/metrics")
        .then()
        .statusCode(503)
        .header("Retry-After", "5")
        .body("error", equalTo("database_unavailable"));
    given()
        .contentType(ContentType.JSON)
        .body("{\"message\":\"hello\"}")
        .post("/api/v1/training/jobs/1/logs")
        .then()
        .statusCode(503);
    given().get("/api/v1/training/jobs/1").then().statusCode(503);
    given().get("/health").then().statusCode(503);
  }
}
