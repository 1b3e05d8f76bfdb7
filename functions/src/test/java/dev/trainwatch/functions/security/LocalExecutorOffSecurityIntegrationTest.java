package dev.trainwatch.functions.security;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import dev.trainwatch.functions.TestJobs;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Security: where the local executor is off (its default, and every deployment's), a local
 * submission is refused with 400 saying so, and nothing is stored or run.
 */
@QuarkusTest
@TestProfile(LocalExecutorOffSecurityIntegrationTest.Deployed.class)
class LocalExecutorOffSecurityIntegrationTest {

  /** The local executor at its default: off. */
  public static class Deployed implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("trainwatch.executor.local.enabled", "false");
    }
  }

  @Test
  void aLocalSubmissionIsRefusedWith400AndNothingIsStored() {
    long before = given().get(TestJobs.JOBS).then().extract().jsonPath().getLong("total");
    given()
        .contentType(ContentType.JSON)
        .body(
            TestJobs.body(
                "executor_type", "local", "command", List.of("python3", "-c", "print('pwned')")))
        .post(TestJobs.JOBS)
        .then()
        .statusCode(400)
        .body("error", equalTo("not_allowed"))
        .body("message", containsString("trainwatch.executor.local.enabled"));
    assertThat(given().get(TestJobs.JOBS).then().extract().jsonPath().getLong("total"))
        .isEqualTo(before);
  }
}
