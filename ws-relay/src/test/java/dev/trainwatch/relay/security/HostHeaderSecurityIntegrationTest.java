package dev.trainwatch.relay.security;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/**
 * Security: the relay answers only for its configured hosts (loopback names by default), so a page
 * that rebinds its own name to 127.0.0.1 can neither read /config.json nor open a socket through it
 * (421); /q/ also answers a Host that is an IP address, for probes by pod IP.
 */
@QuarkusTest
class HostHeaderSecurityIntegrationTest {

  @Test
  void anotherHostGets421OnEveryPathButQ() {
    for (String path : new String[] {"/config.json", "/", "/training/1", "/api/v1/ws/training"}) {
      given()
          .header("Host", "rebound.attacker.example")
          .get(path)
          .then()
          .statusCode(421)
          .body("error", equalTo("unknown_host"));
    }
    given().header("Host", "localhost:8080").get("/config.json").then().statusCode(200);
    given().header("Host", "10.1.2.3").get("/q/health/live").then().statusCode(200);
    given().header("Host", "rebound.attacker.example").get("/q/metrics").then().statusCode(421);
  }
}
