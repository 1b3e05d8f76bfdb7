package dev.trainwatch.relay.web;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Integration: the relay serves a built UI, its runtime settings, and deep links. */
@QuarkusTest
@TestProfile(WebUiRoutesIntegrationTest.BuiltUi.class)
class WebUiRoutesIntegrationTest {

  /** A UI "build" made for the test: index.html, one hashed asset, and a file outside the root. */
  public static class BuiltUi implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      try {
        Path dir = Files.createTempDirectory("trainwatch-web");
        Path root = Files.createDirectories(dir.resolve("dist"));
        Files.writeString(root.resolve("index.html"), "<!doctype html><title>Trainwatch</title>");
        Files.createDirectories(root.resolve("assets"));
        Files.writeString(root.resolve("assets/app-1a2b.js"), "console.log('ui')");
        Files.writeString(dir.resolve("secret.txt"), "not served");
        return Map.of(
            "trainwatch.relay.web.root", root.toString(),
            "trainwatch.relay.web.api-url", "http://functions.example:8081",
            "trainwatch.relay.web.grafana-url", "",
            "trainwatch.relay.web.api-token", "dev-token");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  @Test
  void servesTheIndexItsAssetsAndDeepLinks() {
    given()
        .get("/")
        .then()
        .statusCode(200)
        .body(equalTo("<!doctype html><title>Trainwatch</title>"));
    given()
        .get("/assets/app-1a2b.js")
        .then()
        .statusCode(200)
        .header("Cache-Control", equalTo("public, max-age=31536000, immutable"));
    given()
        .get("/training/42")
        .then()
        .statusCode(200)
        .body(equalTo("<!doctype html><title>Trainwatch</title>"));
    given().get("/sessions/7").then().statusCode(200).header("Cache-Control", equalTo("no-cache"));
    given().get("/assets/missing.js").then().statusCode(404);
    given().get("/../secret.txt").then().statusCode(404);
  }

  @Test
  void servesRuntimeSettingsAndLeavesHealthAlone() {
    given()
        .get("/config.json")
        .then()
        .statusCode(200)
        .body("apiBaseUrl", equalTo("http://functions.example:8081"))
        .body("grafanaUrl", nullValue())
        .body("apiToken", equalTo("dev-token"));
    given().get("/q/health/ready").then().statusCode(200);
  }

  @Test
  void anotherUserOnThisMachineDoesNotGetTheDevelopmentToken() throws Exception {
    // A local job runs as a user of its own; as root, the test can be one.
    assumeTrue("root".equals(System.getProperty("user.name")), "switching users needs root");
    Process curl =
        new ProcessBuilder(
                "setpriv",
                "--reuid=200999",
                "--regid=200999",
                "--clear-groups",
                "curl",
                "-s",
                "http://127.0.0.1:" + RestAssured.port + "/config.json")
            .redirectErrorStream(true)
            .start();
    String answer = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(curl.waitFor()).isZero();
    assertThat(answer).contains("apiBaseUrl").doesNotContain("dev-token");
  }
}
