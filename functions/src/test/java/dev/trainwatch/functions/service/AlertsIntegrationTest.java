package dev.trainwatch.functions.service;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;

import dev.trainwatch.functions.TestFeed;
import dev.trainwatch.functions.TestJobs;
import dev.trainwatch.functions.domain.MetricPoint;
import dev.trainwatch.functions.domain.PodEvent;
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

  @Test
  void aNanLossFiresOnceAndResolvesAtTheNextFiniteValueAndIsReplayed() {
    long job = TestJobs.submit(null);
    post(job, 1.0, Double.NaN, Double.NaN);
    post(job, Double.POSITIVE_INFINITY, 0.5, 0.4);

    assertThat(alerts(job))
        .containsExactly("nan firing: loss is NaN", "nan resolved: loss is finite again (0.5)");
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
    double[] series = {
      1.0, 0.95, 0.9, 0.85, 0.8, 0.75, 0.7, 0.65, 0.6, 0.55, 0.5, 0.45, 0.95, 1.2, 1.5, 0.5
    };
    post(job, series);

    assertThat(alerts(job))
        .containsExactly(
            "divergence firing: loss rose to 0.95, over 2.0 times its best value 0.45",
            "divergence resolved: loss is no longer diverging (0.5, best 0.45)");
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
