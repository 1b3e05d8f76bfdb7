package dev.trainwatch.functions.security;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import dev.trainwatch.functions.TestJobs;
import dev.trainwatch.functions.executor.KubernetesJobFactory;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Security: what a Kubernetes job may ask for. An image outside the allowed prefixes and a request
 * above the limits are refused with 400 naming the setting, and nothing is stored; every pod runs
 * restricted (not root, no privilege escalation, no capabilities, RuntimeDefault seccomp, no
 * service-account token).
 */
@QuarkusTest
class KubernetesPolicySecurityIntegrationTest {

  @Inject KubernetesClient client;

  @Test
  void anImageOutsideTheAllowedPrefixesIsRefusedAndNothingIsStored() {
    long before = total();
    for (String image :
        new String[] {
          "registry.example/miner:latest",
          "registry.example/acme-evil/x:1",
          "pythonic:1",
          "python:5000/evil/trainer",
          "python:3.11/../x",
          "registry.example/acme/"
        }) {
      given()
          .contentType(ContentType.JSON)
          .body(TestJobs.body("image", image))
          .post(TestJobs.JOBS)
          .then()
          .statusCode(400)
          .body("error", equalTo("not_allowed"))
          .body("message", containsString("allowed-image-prefixes"));
    }
    assertThat(total()).isEqualTo(before);
  }

  @Test
  void requestsAboveTheLimitsAreRefusedNamingTheLimit() {
    Map<String, Object> tooMuch =
        Map.of(
            "cpu",
            Map.of("cpu", "100000"),
            "memory",
            Map.of("memory", "1Pi"),
            "gpu",
            Map.of("gpu", 64));
    tooMuch.forEach(
        (field, resources) ->
            given()
                .contentType(ContentType.JSON)
                .body(TestJobs.body("resources", resources))
                .post(TestJobs.JOBS)
                .then()
                .statusCode(400)
                .body("error", equalTo("not_allowed"))
                .body("message", containsString("trainwatch.kubernetes.limits." + field)));
    // At the limit passes (16 CPUs, 64Gi, 4 GPUs by default); 17000m is above it.
    TestJobs.submitBody(
        TestJobs.body("resources", Map.of("cpu", "16", "memory", "64Gi", "gpu", 4)));
    given()
        .contentType(ContentType.JSON)
        .body(TestJobs.body("resources", Map.of("cpu", "17000m")))
        .post(TestJobs.JOBS)
        .then()
        .statusCode(400);
  }

  @Test
  void everyPodRunsRestrictedWithoutAServiceAccountToken() {
    long id = TestJobs.submitBody(TestJobs.body());
    PodSpec pod =
        client
            .batch()
            .v1()
            .jobs()
            .inNamespace("training")
            .withName(KubernetesJobFactory.jobName(id))
            .get()
            .getSpec()
            .getTemplate()
            .getSpec();
    assertThat(pod.getAutomountServiceAccountToken()).isFalse();
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getRunAsUser()).isPositive();
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    Container trainer = pod.getContainers().get(0);
    assertThat(trainer.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(trainer.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
  }

  private static long total() {
    return given().get(TestJobs.JOBS).then().extract().jsonPath().getLong("total");
  }
}
