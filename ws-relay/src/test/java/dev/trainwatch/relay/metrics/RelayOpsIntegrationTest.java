package dev.trainwatch.relay.metrics;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/** What operators see: the relay's meters and its readiness. */
@QuarkusTest
class RelayOpsIntegrationTest {

  @Test
  void metricsShowTheRelaysMeters() {
    given()
        .when()
        .get("/q/metrics")
        .then()
        .statusCode(200)
        .body(containsString("trainwatch_relay_connections"))
        .body(containsString("trainwatch_relay_channels"))
        .body(containsString("trainwatch_relay_messages_delivered_total"));
  }

  @Test
  void isReadyWithTheSubscriberConnected() {
    given()
        .when()
        .get("/q/health/ready")
        .then()
        .statusCode(200)
        .body("status", equalTo("UP"))
        .body("checks.name", hasItem("Redis subscriber"));
  }
}
