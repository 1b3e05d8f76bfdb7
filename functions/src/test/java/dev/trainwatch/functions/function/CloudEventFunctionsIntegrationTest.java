package dev.trainwatch.functions.function;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;

import dev.trainwatch.functions.TestFeed;
import dev.trainwatch.functions.TestJobs;
import dev.trainwatch.functions.TestPods;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

/**
 * Integration: the CloudEvent functions as Knative delivers them, in binary mode (ce-* headers) and
 * structured mode (the whole event as JSON), with PingSource- and ApiServerSource-shaped payloads.
 */
@QuarkusTest
class CloudEventFunctionsIntegrationTest {

  @Inject KubernetesClient client;
  @Inject RedisDataSource redis;

  @Test
  void aPingSourceTickInBinaryModeRunsTheSweep() {
    given()
        .header("ce-specversion", "1.0")
        .header("ce-id", "ping-1")
        .header("ce-type", "dev.knative.sources.ping")
        .header("ce-source", "/apis/v1/namespaces/trainwatch/pingsources/sweep")
        .contentType(ContentType.JSON)
        .body("{\"message\":\"sweep\"}")
        .post("/")
        .then()
        .statusCode(200)
        .header("ce-type", "trainwatch.sweep.done")
        .body("checked", greaterThanOrEqualTo(0));
  }

  @Test
  void aCronJobsSweepEventInStructuredModeRunsTheSweep() {
    given()
        .contentType("application/cloudevents+json")
        .body(
            "{\"specversion\":\"1.0\",\"id\":\"cron-1\",\"type\":\"trainwatch.sweep\","
                + "\"source\":\"/trainwatch/cronjob\",\"datacontenttype\":\"application/json\",\"data\":{}}")
        .post("/")
        .then()
        .statusCode(200)
        .body("data.checked", greaterThanOrEqualTo(0));
  }

  @Test
  void anApiServerSourceJobUpdateMovesTheJobAtOnce() {
    long id = TestJobs.submit(null);
    client.pods().inNamespace("training").resource(TestPods.of(id, "event", "Running")).create();
    Job job =
        client.batch().v1().jobs().inNamespace("training").withName("training-job-" + id).get();

    given()
        .header("ce-specversion", "1.0")
        .header("ce-id", "job-update-1")
        .header("ce-type", "dev.knative.apiserver.resource.update")
        .header("ce-source", "https://10.96.0.1:443")
        .header("ce-subject", "/apis/batch/v1/namespaces/training/jobs/training-job-" + id)
        .contentType(ContentType.JSON)
        .body(Serialization.asJson(job))
        .post("/")
        .then()
        .statusCode(204);

    given().get("/api/v1/training/jobs/" + id).then().body("status", equalTo("running"));
    assertThat(TestFeed.statusChanges(redis, id)).containsExactly("pending->running");
  }

  @Test
  void aStructuredJobDeleteEventCancelsAndJobsWithoutOurLabelAreIgnored() {
    long id = TestJobs.submit(null);
    Job job =
        client.batch().v1().jobs().inNamespace("training").withName("training-job-" + id).get();
    client.batch().v1().jobs().inNamespace("training").withName("training-job-" + id).delete();
    given()
        .contentType("application/cloudevents+json")
        .body(
            "{\"specversion\":\"1.0\",\"id\":\"job-delete-1\",\"type\":\"dev.knative.apiserver.resource.delete\","
                + "\"source\":\"https://10.96.0.1:443\",\"datacontenttype\":\"application/json\",\"data\":"
                + Serialization.asJson(job)
                + "}")
        .post("/")
        .then()
        .statusCode(204);
    given().get("/api/v1/training/jobs/" + id).then().body("status", equalTo("cancelled"));

    given()
        .header("ce-specversion", "1.0")
        .header("ce-id", "job-add-foreign")
        .header("ce-type", "dev.knative.apiserver.resource.add")
        .header("ce-source", "https://10.96.0.1:443")
        .contentType(ContentType.JSON)
        .body(
            "{\"apiVersion\":\"batch/v1\",\"kind\":\"Job\",\"metadata\":{\"name\":\"someone-elses\"}}")
        .post("/")
        .then()
        .statusCode(204);
  }
}
