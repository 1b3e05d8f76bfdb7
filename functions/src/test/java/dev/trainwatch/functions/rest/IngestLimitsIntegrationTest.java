package dev.trainwatch.functions.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import dev.trainwatch.functions.TestJobs;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Integration: a job over its reporting rate gets 429 with Retry-After, and nothing is stored. */
@QuarkusTest
@TestProfile(IngestLimitsIntegrationTest.SlowJobs.class)
class IngestLimitsIntegrationTest {

  /** Ten points a second per job, one second of burst. */
  public static class SlowJobs implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "trainwatch.rate.items-per-second-per-job", "10",
          "trainwatch.rate.burst-seconds", "1");
    }
  }

  @Test
  void aJobOverItsRateGets429WithRetryAfterAndAnotherJobIsUnaffected() throws Exception {
    long fast = TestJobs.submit(null);
    long other = TestJobs.submit(null);
    post(fast, 10).statusCode(200);
    post(fast, 5).statusCode(429).header("Retry-After", "1").body("error", equalTo("rate_limited"));
    post(other, 10).statusCode(200);
    given().get(TestJobs.JOBS + "/" + fast + "/metrics").then().body("points", hasSize(10));
    Thread.sleep(1100);
    post(fast, 5).statusCode(200);
  }

  private static ValidatableResponse post(long job, int points) {
    StringBuilder body = new StringBuilder("{\"points\":[");
    for (int i = 0; i < points; i++) {
      body.append(i == 0 ? "" : ",")
          .append("{\"epoch\":1,\"step\":")
          .append(i)
          .append(",\"metrics\":{\"loss\":1}}");
    }
    return given()
        .contentType(ContentType.JSON)
        .body(body.append("]}").toString())
        .post(TestJobs.JOBS + "/" + job + "/metrics")
        .then();
  }
}
