package dev.trainwatch.functions.security;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.hamcrest.Matchers.equalTo;

import dev.trainwatch.testing.TestNetwork;
import dev.trainwatch.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.net.InetAddress;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Security: with {@code trainwatch.sweep.callers=loopback} (the default), a CloudEvent from a
 * caller that is not on loopback is refused (403) unless it carries an API token for every project.
 * The functions listen on every interface here, and the test calls them through this machine's own
 * non-loopback address.
 */
@QuarkusTest
@TestProfile(RemoteCloudEventSecurityIntegrationTest.Exposed.class)
class RemoteCloudEventSecurityIntegrationTest {

  /** Listening on every interface, as a deployment does. */
  public static class Exposed implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("quarkus.http.host", "0.0.0.0");
    }
  }

  @Test
  void aRemoteCallerNeedsATokenForEveryProject() throws Exception {
    Optional<InetAddress> own = TestNetwork.ownAddress();
    assumeThat(own).as("a non-loopback IPv4 address on this machine").isPresent();
    String base = "http://" + own.get().getHostAddress();
    sweep(base, null).then().statusCode(403).body("error", equalTo("forbidden"));
    sweep(base, TestTokens.api("team-a")).then().statusCode(403);
    sweep(base, TestTokens.api()).then().statusCode(200);
  }

  private static Response sweep(String base, String token) {
    RequestSpecification request =
        given()
            .baseUri(base)
            .port(RestAssured.port)
            .header("Host", "localhost")
            .header("Authorization", token == null ? "None" : "Bearer " + token)
            .header("ce-specversion", "1.0")
            .header("ce-id", "remote-1")
            .header("ce-type", "trainwatch.sweep")
            .header("ce-source", "test")
            .contentType("application/json")
            .body("{}");
    return request.post("/");
  }
}
