package dev.trainwatch.relay.security;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.trainwatch.testing.TestNetwork;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import java.net.InetAddress;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Security: the development token never leaves the machine. A relay that listens on every interface
 * hands it to nobody, not even to a loopback client; the network sees /config.json without it.
 */
@QuarkusTest
@TestProfile(ExposedRelaySecurityIntegrationTest.Exposed.class)
class ExposedRelaySecurityIntegrationTest {

  /** Listening on every interface with a development token configured by mistake. */
  public static class Exposed implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "quarkus.http.host", "0.0.0.0",
          "trainwatch.relay.web.api-token", "dev-token",
          "trainwatch.relay.allowed-hosts", "localhost,127.0.0.1,*");
    }
  }

  @Test
  void noClientGetsTheDevelopmentToken() throws Exception {
    assertThat(given().get("/config.json").then().statusCode(200).extract().asString())
        .doesNotContain("dev-token")
        .doesNotContain("apiToken");
    Optional<InetAddress> own = TestNetwork.ownAddress();
    assumeThat(own).as("a non-loopback IPv4 address on this machine").isPresent();
    String remote =
        given()
            .baseUri("http://" + own.get().getHostAddress())
            .port(RestAssured.port)
            .header("Host", "localhost")
            .get("/config.json")
            .then()
            .statusCode(200)
            .extract()
            .asString();
    assertThat(remote).doesNotContain("dev-token");
  }
}
