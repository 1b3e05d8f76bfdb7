package dev.trainwatch.functions.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import dev.trainwatch.functions.executor.KubernetesMockResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Integration: the Kubernetes health check asks the API what the service account may do. */
@QuarkusTest
class KubernetesHealthIntegrationTest {

  private static final String REVIEWS = "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews";

  @AfterEach
  void forgetExpectations() {
    KubernetesMockResource.server().clearExpectations();
  }

  @Test
  void healthyWhenEveryPermissionIsGranted() {
    KubernetesMockResource.server()
        .expect()
        .post()
        .withPath(REVIEWS)
        .andReturn(
            201,
            "{\"apiVersion\":\"authorization.k8s.io/v1\",\"kind\":\"SelfSubjectAccessReview\","
                + "\"status\":{\"allowed\":true}}")
        .always();
    given()
        .get("/api/v1/internal/k8s/health")
        .then()
        .statusCode(200)
        .body("healthy", equalTo(true))
        .body("reachable", equalTo(true))
        .body("namespace", equalTo("training"))
        .body("permissions.'create jobs.batch'", equalTo(true))
        .body("permissions.'get pods/log'", equalTo(true))
        .body("permissions.'list events'", equalTo(true));
  }

  @Test
  void unhealthyWhenAPermissionIsMissing() {
    KubernetesMockResource.server()
        .expect()
        .post()
        .withPath(REVIEWS)
        .andReturn(
            201,
            "{\"apiVersion\":\"authorization.k8s.io/v1\",\"kind\":\"SelfSubjectAccessReview\","
                + "\"status\":{\"allowed\":false}}")
        .always();
    given()
        .get("/api/v1/internal/k8s/health")
        .then()
        .statusCode(503)
        .body("healthy", equalTo(false))
        .body("reachable", equalTo(true))
        .body("permissions.'list pods'", equalTo(false));
  }
}
