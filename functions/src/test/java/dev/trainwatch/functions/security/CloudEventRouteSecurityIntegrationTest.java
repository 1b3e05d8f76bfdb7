package dev.trainwatch.functions.security;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

/**
 * Security: the CloudEvent routes (/, /sweep, /pingSweep, the Job events) answer CloudEvents only.
 * A GET no longer runs a sweep; a body that is not a CloudEvent, or one Funqy cannot read, is a 400
 * with the API's JSON error, never a 500. Callers that are not on loopback are the concern of
 * {@link RemoteCloudEventSecurityIntegrationTest}.
 */
@QuarkusTest
class CloudEventRouteSecurityIntegrationTest {

  @Test
  void getNeverRunsASweep() {
    for (String path : new String[] {"/", "/sweep", "/pingSweep", "/jobUpdated"}) {
      given()
          .get(path)
          .then()
          .statusCode(405)
          .contentType(ContentType.JSON)
          .body("error", equalTo("method_not_allowed"));
    }
  }

  @Test
  void aBodyThatIsNotACloudEventIs400() {
    for (String path : new String[] {"/", "/sweep"}) {
      given()
          .contentType(ContentType.JSON)
          .body("{}")
          .post(path)
          .then()
          .statusCode(400)
          .body("error", equalTo("not_a_cloudevent"));
    }
  }

  @Test
  void aCloudEventThatCannotBeReadIs400Not500() {
    given()
        .contentType("application/cloudevents+json")
        .body("{\"specversion\":\"1.0\",\"type\":")
        .post("/")
        .then()
        .statusCode(400)
        .contentType(ContentType.JSON);
    given()
        .header("ce-specversion", "1.0")
        .header("ce-id", "bad-1")
        .header("ce-type", "dev.knative.apiserver.resource.update")
        .header("ce-source", "test")
        .contentType(ContentType.JSON)
        .body("{\"metadata\":")
        .post("/")
        .then()
        .statusCode(400)
        .contentType(ContentType.JSON);
  }
}
