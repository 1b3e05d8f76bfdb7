package dev.trainwatch.functions.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.hasSize;

import dev.trainwatch.functions.TestJobs;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

/**
 * Integration: a body far larger than one network packet is read whole (Quarkus REST once read such
 * bodies as NUL bytes when Funqy was present; the resources now read Vert.x's buffer).
 *
 * <p>Not run under profile lambda: Quarkus's mock event server (test mode only) never answers this
 * exchange. FunctionZipIT sends as large a batch through the packaged function.zip instead.
 */
@QuarkusTest
class LargeBatchIntegrationTest {

  @Test
  void aLargeBatchArrivingInManyPacketsIsReadWhole() {
    long job = TestJobs.submit(null);
    StringBuilder batch = new StringBuilder("{\"points\":[");
    for (int i = 0; i < 5000; i++) {
      batch
          .append(i == 0 ? "" : ",")
          .append("{\"epoch\":1,\"step\":")
          .append(i)
          .append(",\"metrics\":{\"loss\":0.5,\"acc\":0.25}}");
    }
    given()
        .contentType(ContentType.JSON)
        .body(batch.append("]}").toString())
        .post(TestJobs.JOBS + "/" + job + "/metrics")
        .then()
        .statusCode(200);
    given()
        .queryParam("limit", 100000)
        .get(TestJobs.JOBS + "/" + job + "/metrics")
        .then()
        .body("points", hasSize(5000));
  }
}
