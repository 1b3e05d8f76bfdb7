package dev.trainwatch.functions.service;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainwatch.functions.TestFeed;
import dev.trainwatch.functions.TestJobs;
import dev.trainwatch.functions.config.TrainwatchConfig;
import dev.trainwatch.functions.domain.MetricPoint;
import dev.trainwatch.functions.domain.PodEvent;
import dev.trainwatch.functions.repository.AlertRepository;
import dev.trainwatch.functions.repository.MetricRepository;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import org.junit.jupiter.api.Test;

/**
 * Integration: the rules on the live stream fire once per episode and resolve, on the real
 * PostgreSQL and Redis; as published, as replayed, and as counted for Prometheus.
 */
@QuarkusTest
class AlertsIntegrationTest {

  @Inject RedisDataSource redis;
  @Inject MetricIngestService metrics;
  @Inject StatusSweepService sweep;
  @Inject PodEventService podEvents;
  @Inject AlertRepository repository;
  @Inject AlertEventType type;
  @Inject EventFeed feed;
  @Inject ObjectMapper json;
  @Inject TrainwatchConfig config;
  @Inject MeterRegistry registry;
  @Inject MetricRepository metricRepository;

  @Test
  void aNanLossFiresOnceAndResolvesAfterItStayedFiniteAndIsReplayed() {
    long job = TestJobs.submit(null);
    post(job, 1.0, Double.NaN, Double.NaN);
    post(job, Double.POSITIVE_INFINITY, 0.5, 0.4, 0.4, 0.4, 0.4, 0.4, 0.4, 0.4, 0.4, 0.4);

    assertThat(alerts(job))
        .containsExactly(
            "nan firing: loss is NaN", "nan resolved: loss has been finite for 10 points (0.4)");
    assertThat(
            given()
                .get(TestJobs.JOBS + "/" + job + "/events?since=0")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList(
                    "events.findAll { it.type == 'training_alert' }.alert.state", String.class))
        .containsExactly("firing", "resolved");
    given()
        .get("/q/metrics")
        .then()
        .body(containsString("trainwatch_job_alerts_total{rule=\"nan\"}"));
  }

  @Test
  void aDivergingLossFiresOnceAndResolves() {
    long job = TestJobs.submit(null);
    double[] series = new double[92];
    java.util.Arrays.fill(series, 1.0);
    java.util.Arrays.fill(series, 20, 32, 5.0);
    post(job, series);

    assertThat(alerts(job))
        .extracting(a -> a.substring(0, a.indexOf(':')))
        .containsExactly("divergence firing", "divergence resolved");
  }

  @Test
  void theMachinesSamplesAloneDoNotKeepASilentJobFromFiring() throws Exception {
    long job =
        TestJobs.submitBody(TestJobs.body("alerts", Map.of("silent", Map.of("minutes", 0.02))));
    post(job, 1.0);
    Thread.sleep(1_500);
    TestJobs.postMetrics(job, "{\"epoch\":0,\"metrics\":{\"system/cpu_percent\":97}}")
        .statusCode(200);
    sweep.sweep();

    assertThat(alerts(job)).singleElement().asString().startsWith("silent firing:");
  }

  /**
   * What the rules remember lives in PostgreSQL: another instance (a restarted one, with nothing in
   * memory) goes on from it, and evaluates points another request stored without evaluating them.
   */
  @Test
  void aRestartedInstanceGoesOnFromWhatTheRulesRemember() {
    long job = TestJobs.submit(null);
    post(job, 1.0, Double.NaN);
    AlertService restarted = new AlertService(repository, type, feed, json, config, registry);
    List<MetricPoint> finite = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      finite.add(new MetricPoint(2, null, Instant.now(), Map.of("loss", 0.5)));
    }
    metricRepository.insert(job, finite, null).await().indefinitely();
    restarted.onPoints(job, finite.subList(0, 1)).await().indefinitely();

    assertThat(alerts(job))
        .containsExactly(
            "nan firing: loss is NaN", "nan resolved: loss has been finite for 10 points (0.5)");
  }

  @Test
  void aJobsSettingsTurnARuleOffAndBadSettingsAreRefused() {
    long job =
        TestJobs.submitBody(
            TestJobs.body("alerts", Map.of("nan", false, "metrics", List.of("ppl"))));
    post(job, Double.NaN);
    TestJobs.postMetrics(job, "{\"epoch\":1,\"metrics\":{\"ppl\":\"Infinity\"}}").statusCode(200);

    assertThat(alerts(job)).isEmpty();
    given()
        .contentType(ContentType.JSON)
        .body(TestJobs.body("alerts", Map.of("silnet", true)))
        .post(TestJobs.JOBS)
        .then()
        .statusCode(400)
        .body("message", containsString("'alerts' has no key 'silnet'"));
  }

  @Test
  void twoConcurrentBatchesFireOnce() {
    long job = TestJobs.submit(null);
    List<Uni<Boolean>> batches = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      batches.add(
          metrics.ingest(
              job,
              List.of(new MetricPoint(i, null, Instant.now(), Map.of("loss", Double.NaN))),
              null));
    }
    Uni.join().all(batches).andFailFast().await().indefinitely();

    assertThat(alerts(job)).containsExactly("nan firing: loss is NaN");
    List<String> feed = TestFeed.of(redis, job);
    for (int i = 0; i < feed.size(); i++) {
      assertThat(feed.get(i)).contains("\"seq\":" + (i + 1) + ",");
    }
  }

  @Test
  void aSilentRunningJobFiresAtTheSweepAndResolvesWhenItReportsAgain() throws Exception {
    long job =
        TestJobs.submitBody(TestJobs.body("alerts", Map.of("silent", Map.of("minutes", 0.02))));
    post(job, 1.0); // running now
    Thread.sleep(1_500);
    sweep.sweep();
    sweep.sweep();
    assertThat(alerts(job))
        .singleElement()
        .asString()
        .startsWith("silent firing: no metric and no log line for 1 seconds");

    post(job, 0.9);
    sweep.sweep();
    assertThat(alerts(job)).element(1).isEqualTo("silent resolved: reporting again");
  }

  @Test
  void aJobStuckPendingFiresWithTheClustersWordsAndResolvesWhenItEnds() throws Exception {
    long job =
        TestJobs.submitBody(
            TestJobs.body("alerts", Map.of("stuck_pending", Map.of("minutes", 0.02))));
    podEvents
        .record(
            job,
            List.of(
                new PodEvent(
                    "stuck-" + job,
                    "training-job-" + job + "-x",
                    "Warning",
                    "FailedScheduling",
                    "0/8 nodes are available: 8 Insufficient nvidia.com/gpu.",
                    1,
                    Instant.now())))
        .await()
        .indefinitely();
    Thread.sleep(1_500);
    sweep.sweep();
    sweep.sweep();
    given().post(TestJobs.JOBS + "/" + job + "/cancel").then().statusCode(200);
    sweep.sweep();

    assertThat(alerts(job))
        .containsExactly(
            "stuck_pending firing: pending for over 1 seconds; the cluster says FailedScheduling: "
                + "0/8 nodes are available: 8 Insufficient nvidia.com/gpu.",
            "stuck_pending resolved: the job is cancelled");
  }

  /** The job's alerts as "rule state: message", in seq order. */
  private List<String> alerts(long job) {
    return TestFeed.ofType(redis, job, "training_alert").stream()
        .map(
            m ->
                TestFeed.field(m, "rule")
                    + " "
                    + TestFeed.field(m, "state")
                    + ": "
                    + TestFeed.field(m, "message"))
        .toList();
  }

  private static void post(long job, double... losses) {
    StringJoiner points = new StringJoiner(",", "{\"points\":[", "]}");
    for (int i = 0; i < losses.length; i++) {
      String value =
          Double.isFinite(losses[i]) ? Double.toString(losses[i]) : "\"" + losses[i] + "\"";
      points.add("{\"epoch\":" + i + ",\"metrics\":{\"loss\":" + value + "}}");
    }
    TestJobs.postMetrics(job, points.toString()).statusCode(200);
  }
}
