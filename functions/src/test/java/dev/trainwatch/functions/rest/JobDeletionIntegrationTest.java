package dev.trainwatch.functions.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.trainwatch.functions.TestFeed;
import dev.trainwatch.functions.TestJobs;
import dev.trainwatch.testing.TestTokens;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Integration: DELETE /api/v1/training/jobs/{id} removes the job everywhere (rows, Redis history
 * and keys), stops it when it is running, tells its followers with a last event, and answers a
 * retry as it answered the first time; another project's token finds nothing to delete.
 */
@QuarkusTest
class JobDeletionIntegrationTest {

  @Inject RedisDataSource redis;
  @Inject Redis vertxRedis;
  @Inject Pool pool;

  /** Points have no foreign key to their job (V13): a trigger on the job's deletion takes them. */
  @Test
  void aDeletedJobLeavesNoStoredRows() {
    long job = TestJobs.submit(null);
    TestJobs.postMetrics(
            job,
            "{\"points\":[{\"epoch\":1,\"metrics\":{\"loss\":0.5}},"
                + "{\"epoch\":1,\"metrics\":{\"loss\":0.4,\"acc\":0.9}}]}")
        .statusCode(200);
    String rows =
        "SELECT (SELECT count(*) FROM metric_points WHERE job_id = $1)"
            + " + (SELECT count(*) FROM metric_blocks WHERE job_id = $1)";
    assertThat(pool.preparedQuery(rows).execute(Tuple.of(job)).await().indefinitely())
        .first()
        .satisfies(row -> assertThat(row.getLong(0)).isEqualTo(4));

    given().delete(TestJobs.JOBS + "/" + job).then().statusCode(204);

    assertThat(pool.preparedQuery(rows).execute(Tuple.of(job)).await().indefinitely())
        .first()
        .satisfies(row -> assertThat(row.getLong(0)).isZero());
  }

  @Test
  void aDeletedJobIsGoneEverywhereAndItsFollowersAreTold() {
    long job = TestJobs.submit(null);
    given()
        .contentType(ContentType.JSON)
        .body("{\"epoch\":1,\"metrics\":{\"loss\":0.5}}")
        .post(TestJobs.JOBS + "/" + job + "/metrics")
        .then()
        .statusCode(200);
    TestJobs.postLogs(
            job, "{\"logs\":[{\"message\":\"Traceback (most recent call last):\"}]}", null)
        .statusCode(200);
    assertThat(keysOf(job)).contains(TestFeed.NAMES.history(job));

    List<String> heard;
    try (TestFeed.Heard channel = TestFeed.listen(vertxRedis, job)) {
      given().delete(TestJobs.JOBS + "/" + job).then().statusCode(204);
      Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> !channel.messages().isEmpty());
      heard = channel.messages();
    }
    // seq 1 is running, 2 the point; the traceback, held for its next lines, is no event yet
    assertThat(heard.get(0))
        .startsWith("{\"type\":\"training_job_deleted\",\"job_id\":" + job + ",\"seq\":3,");

    given().get(TestJobs.JOBS + "/" + job).then().statusCode(404);
    given().get(TestJobs.JOBS + "/" + job + "/metrics").then().statusCode(404);
    given().get(TestJobs.JOBS + "/" + job + "/logs").then().statusCode(404);
    given().get(TestJobs.JOBS + "/" + job + "/events").then().statusCode(404);
    TestJobs.postLogs(job, "{\"message\":\"late\"}", null).statusCode(404);
    assertThat(keysOf(job)).containsExactly(TestFeed.NAMES.history(job));
    assertThat(TestFeed.of(redis, job))
        .as("a socket that resumes later is told the job was deleted")
        .singleElement()
        .asString()
        .contains("training_job_deleted");
    assertThat(redis.sortedSet(String.class).zscore("twtest:tracebacks", job + ":api")).isEmpty();

    // A trainer whose job was deleted is told so, also for lines a held traceback would take.
    TestJobs.as(TestTokens.ingest(job))
        .contentType(ContentType.JSON)
        .body("{\"message\":\"Traceback (most recent call last):\"}")
        .post(TestJobs.JOBS + "/" + job + "/logs")
        .then()
        .statusCode(404);
    assertThat(keysOf(job)).containsExactly(TestFeed.NAMES.history(job));

    given().delete(TestJobs.JOBS + "/" + job).then().statusCode(204);
    assertThat(keysOf(job))
        .as("a retry leaves nothing behind either")
        .containsExactly(TestFeed.NAMES.history(job));
    assertThat(TestFeed.of(redis, job)).hasSize(1);
  }

  @Test
  void anotherProjectsTokenFindsNothingToDeleteLiveOrDeleted() {
    String project = "p" + ThreadLocalRandom.current().nextInt(1_000_000);
    long job = TestJobs.submitAs(TestTokens.api(project), TestJobs.body("project", project));
    String stranger = TestTokens.api("other-" + project);
    TestJobs.as(stranger).delete(TestJobs.JOBS + "/" + job).then().statusCode(404);
    TestJobs.as(TestTokens.api(project)).get(TestJobs.JOBS + "/" + job).then().statusCode(200);

    TestJobs.as(TestTokens.api(project)).delete(TestJobs.JOBS + "/" + job).then().statusCode(204);
    TestJobs.as(stranger).delete(TestJobs.JOBS + "/" + job).then().statusCode(404);
    TestJobs.as(TestTokens.api(project)).delete(TestJobs.JOBS + "/" + job).then().statusCode(204);
    given().delete(TestJobs.JOBS + "/" + Long.MAX_VALUE).then().statusCode(404);
    TestJobs.as(TestTokens.ingest(job)).delete(TestJobs.JOBS + "/" + job).then().statusCode(403);
  }

  @Test
  void theWebUiMayAskToDeleteAcrossOrigins() {
    List<String> allowed =
        given()
            .header("Origin", "http://localhost:8080")
            .header("Access-Control-Request-Method", "DELETE")
            .header("Access-Control-Request-Headers", "authorization")
            .options(TestJobs.JOBS + "/1")
            .then()
            .statusCode(200)
            .extract()
            .headers()
            .getValues("Access-Control-Allow-Methods"); // one header, or one per method (Lambda)
    assertThat(String.join(",", allowed)).contains("DELETE");
  }

  @Test
  void deletingARunningLocalJobStopsItsProcess() {
    String marker = "trainwatch-delete-" + ThreadLocalRandom.current().nextInt(1_000_000);
    long job =
        TestJobs.submitLocal("import time\nprint('" + marker + "', flush=True)\ntime.sleep(600)\n");
    TestJobs.awaitStatus(job, "running");
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !processesWith(marker).isEmpty());
    given().delete(TestJobs.JOBS + "/" + job).then().statusCode(204);
    Awaitility.await()
        .atMost(Duration.ofSeconds(15))
        .alias("the job's process is stopped")
        .until(() -> processesWith(marker).isEmpty());
  }

  private static List<ProcessHandle> processesWith(String marker) {
    return ProcessHandle.allProcesses()
        .filter(p -> p.info().commandLine().map(line -> line.contains(marker)).orElse(false))
        .toList();
  }

  private List<String> keysOf(long job) {
    return redis.key(String.class).keys(TestFeed.NAMES.jobKeys(job));
  }
}
