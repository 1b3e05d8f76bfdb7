package dev.trainwatch.functions.security;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import dev.trainwatch.functions.TestJobs;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/**
 * Security: the functions answer only for the hosts they are configured for (loopback names by
 * default). A page that rebinds its own name to 127.0.0.1 sends its name as Host and gets 421, so
 * it reads nothing; health and metrics (/q/) also answer a Host that is an IP address, for probes
 * and scrapes by pod IP, but not a rebound name.
 */
@QuarkusTest
class HostHeaderSecurityIntegrationTest {

  @Test
  void aRequestForAnotherHostIsRefusedWith421() {
    for (String host :
        new String[] {"attacker.example", "attacker.example:8081", "localhost.evil"}) {
      given()
          .header("Host", host)
          .get(TestJobs.JOBS)
          .then()
          .statusCode(421)
          .body("error", equalTo("unknown_host"));
      given().header("Host", host).post("/sweep").then().statusCode(421);
    }
    given().header("Host", "localhost:8081").get(TestJobs.JOBS).then().statusCode(200);
    given().header("Host", "127.0.0.1").get(TestJobs.JOBS).then().statusCode(200);
    // Probes and scrapes address a pod by its IP; a rebound name is refused on /q/ too.
    given().header("Host", "10.1.2.3:8080").get("/q/health/live").then().statusCode(200);
    given().header("Host", "[fd00::1]:8080").get("/q/metrics").then().statusCode(200);
    given().header("Host", "attacker.example").get("/q/metrics").then().statusCode(421);
  }
}
