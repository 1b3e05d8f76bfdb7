package dev.trainwatch.functions.executor;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.trainwatch.functions.TestFeed;
import dev.trainwatch.functions.TestJobs;
import dev.trainwatch.functions.TestPods;
import dev.trainwatch.functions.domain.PodEvent;
import dev.trainwatch.functions.service.PodEventService;
import dev.trainwatch.functions.service.StatusSweepService;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Integration: Kubernetes Events about a job's pods become {@code training_pod_event}s, each Event
 * object once however often the sweep or an ApiServerSource brings it, in the job's sequence and
 * its replay. The Events are those a real API server serves (src/test/resources/kubernetes/events:
 * the scheduler's newer form with eventTime and series, the kubelet's older form with timestamps
 * and count, one about the Job), created in the mock server.
 */
@QuarkusTest
class PodEventsIntegrationTest {

  @Inject KubernetesClient client;
  @Inject StatusSweepService sweep;
  @Inject PodEventService podEvents;
  @Inject RedisDataSource redis;

  @Test
  void eachEventAboutTheJobsPodsIsPublishedOnceInTimeOrder() throws IOException {
    long id = TestJobs.submit(null);
    String suffix = UUID.randomUUID().toString();
    client.pods().inNamespace("training").resource(TestPods.of(id, "7xq2m", "Pending")).create();
    for (String name : List.of("failed-scheduling", "scheduled", "back-off", "job-completed")) {
      create(name, id, suffix);
    }
    create("failed-scheduling", id + 1_000_000, suffix + "-other-job");

    sweep.sweepOne(id);
    sweep.sweepOne(id);

    List<String> published = TestFeed.ofType(redis, id, "training_pod_event");
    assertThat(published)
        .extracting(m -> TestFeed.field(m, "reason"))
        .containsExactly("FailedScheduling", "Scheduled", "BackOff");
    assertThat(published.get(0))
        .contains("\"pod\":\"training-job-" + id + "-7xq2m\"")
        .contains("\"event_type\":\"Warning\"")
        .contains("0/8 nodes are available: 8 Insufficient nvidia.com/gpu.")
        .contains("\"count\":3,\"timestamp\":\"2026-11-28T09:58:41.418003Z\"");
    assertThat(published.get(2)).contains("\"count\":7,\"timestamp\":\"2026-11-28T10:03:40Z\"");

    // The kubelet counts a repeat on the same object: not a new event.
    Event backOff =
        client.v1().events().inNamespace("training").withName(name(id, suffix, "back-off")).get();
    backOff.setCount(9);
    backOff.setLastTimestamp("2026-11-28T10:06:00Z");
    client.v1().events().inNamespace("training").resource(backOff).update();
    sweep.sweepOne(id);
    assertThat(TestFeed.ofType(redis, id, "training_pod_event")).hasSize(3);

    // Replay answers them exactly as they were published.
    List<String> replayed =
        given()
            .get(TestJobs.JOBS + "/" + id + "/events?since=0")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath()
            .getList("events.findAll { it.type == 'training_pod_event' }.pod_event.reason");
    assertThat(replayed).containsExactly("FailedScheduling", "Scheduled", "BackOff");
  }

  @Test
  void twoSourcesStoringTheSameEventsAtOnceStoreThemOnceWithNoGapInSeq() {
    long id = TestJobs.submit(null);
    List<PodEvent> events =
        List.of(
            new PodEvent(
                "u1", "training-job-" + id + "-a", "Normal", "Pulling", "pulling", 1, at(1)),
            new PodEvent("u2", "training-job-" + id + "-a", "Normal", "Pulled", "pulled", 1, at(2)),
            new PodEvent(
                "u3", "training-job-" + id + "-a", "Normal", "Started", "started", 1, at(3)));

    List<Integer> stored =
        Uni.join()
            .all(
                podEvents.record(id, events),
                podEvents.record(id, events.subList(1, 3)),
                podEvents.record(id, events))
            .andFailFast()
            .await()
            .indefinitely();

    assertThat(stored.stream().mapToInt(Integer::intValue).sum()).isEqualTo(3);
    List<String> feed = TestFeed.of(redis, id);
    assertThat(feed).hasSize(3);
    for (int i = 0; i < feed.size(); i++) {
      assertThat(feed.get(i)).contains("\"seq\":" + (i + 1) + ",");
    }
  }

  @Test
  void anApiServerSourceEventMakesTheJobsPodEventsBeReadAtOnceAndItsDataIsNeverTrusted()
      throws IOException {
    long id = TestJobs.submit(null);
    String suffix = UUID.randomUUID().toString();
    create("back-off", id, suffix);
    String real = fixture("back-off", id, suffix);
    // Anyone who may send CloudEvents could name any job: this Event is not in the cluster.
    String forged =
        fixture("failed-scheduling", id, UUID.randomUUID().toString())
            .replace("0/8 nodes are available", "forged");
    for (String body : List.of(forged, real, real, fixture("job-completed", id, suffix))) {
      given()
          .header("ce-specversion", "1.0")
          .header("ce-id", UUID.randomUUID().toString())
          .header("ce-type", "dev.knative.apiserver.resource.update")
          .header("ce-source", "https://10.96.0.1:443")
          .contentType(ContentType.JSON)
          .body(body)
          .post("/")
          .then()
          .statusCode(204);
    }

    assertThat(TestFeed.ofType(redis, id, "training_pod_event"))
        .singleElement()
        .satisfies(m -> assertThat(TestFeed.field(m, "reason")).isEqualTo("BackOff"));
  }

  @Test
  void aFailedReadOfPodEventsDoesNotStopTheStatus() {
    long id = TestJobs.submit(null);
    client.pods().inNamespace("training").resource(TestPods.of(id, "r", "Running")).create();
    KubernetesMockResource.server()
        .expect()
        .get()
        .withPath("/api/v1/namespaces/training/events")
        .andReturn(500, "{\"kind\":\"Status\",\"code\":500}")
        .once();

    sweep.sweepOne(id);

    assertThat(TestFeed.statusChanges(redis, id)).containsExactly("pending->running");
  }

  private void create(String name, long jobId, String suffix) throws IOException {
    Event event = Serialization.unmarshal(fixture(name, jobId, suffix), Event.class);
    client.v1().events().inNamespace("training").resource(event).create();
  }

  /** A fixture Event about job {@code jobId}'s pod, with a uid and name of its own. */
  private static String fixture(String name, long jobId, String suffix) throws IOException {
    try (InputStream in =
        PodEventsIntegrationTest.class.getResourceAsStream(
            "/kubernetes/events/" + name + ".json")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8)
          .replace("training-job-JOB", "training-job-" + jobId)
          .replace("UID-", suffix + "-")
          .replace(".17f2c", "." + suffix + ".17f2c");
    }
  }

  private static String name(long jobId, String suffix, String fixture) throws IOException {
    return Serialization.unmarshal(fixture(fixture, jobId, suffix), Event.class)
        .getMetadata()
        .getName();
  }

  private static Instant at(int second) {
    return Instant.parse("2026-11-28T10:00:00Z").plusSeconds(second);
  }
}
