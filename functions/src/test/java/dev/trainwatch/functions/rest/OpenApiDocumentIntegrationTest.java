package dev.trainwatch.functions.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Integration: the REST API's OpenAPI document that the functions serve (generated from the
 * resources by quarkus-smallrye-openapi) is the one checked in as docs/openapi.yaml, so the
 * contract clients read cannot drift from the code. When they differ, the served document is left
 * in functions/target/openapi.yaml: after a change to a resource, copy it over docs/openapi.yaml,
 * and the diff is part of the change.
 */
@QuarkusTest
class OpenApiDocumentIntegrationTest {

  private static final Path CHECKED_IN = Path.of("..", "docs", "openapi.yaml");
  private static final Path SERVED = Path.of("target", "openapi.yaml");

  @Test
  void theServedDocumentIsTheCheckedInOne() throws IOException {
    String served =
        given()
            .header("Host", "localhost")
            .get("/q/openapi")
            .then()
            .statusCode(200)
            .extract()
            .asString();

    Files.writeString(SERVED, served, StandardCharsets.UTF_8);

    assertThat(served)
        .as("the served document (%s) is docs/openapi.yaml", SERVED)
        .isEqualTo(
            Files.exists(CHECKED_IN) ? Files.readString(CHECKED_IN, StandardCharsets.UTF_8) : "");
  }
}
