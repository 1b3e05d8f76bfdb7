package dev.trainwatch.functions.executor;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import dev.trainwatch.functions.TestFeed;
import dev.trainwatch.functions.TestJobs;
import dev.trainwatch.functions.service.StatusSweepService;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** Integration: the local executor on real child processes, with their output as the job's log. */
@QuarkusTest
class LocalExecutorIntegrationTest {

  @Inject RedisDataSource redis;
  @Inject StatusSweepService sweep;
  @Inject Pool pool;

  @Test
  void aProcessThatExitsZeroRunsLogsInOrderAndCompletes() {
    long id =
        TestJobs.submitLocal(
            "import sys, time\n"
                + "for e in range(1, 4):\n"
                + "    print(f'Epoch {e}/3 loss={1/e:.3f}')\n"
                + "time.sleep(0.3)  # stdout and stderr are read apart: in order as read\n"
                + "print('WARNING almost done', file=sys.stderr)\n");
    TestJobs.awaitStatus(id, "completed");
    assertThat(TestFeed.statusChanges(redis, id))
        .containsExactly("pending->running", "running->completed");
    List<String> feed = TestFeed.of(redis, id);
    assertThat(feed)
        .extracting(m -> TestFeed.field(m, "type"))
        .containsExactly(
            "training_status_change",
            "training_log",
            "training_log",
            "training_log",
            "training_log",
            "training_status_change");
    assertThat(TestFeed.ofType(redis, id, "training_log"))
        .extracting(m -> TestFeed.field(m, "message"))
        .containsExactly(
            "Epoch 1/3 loss=1.000",
            "Epoch 2/3 loss=0.500",
            "Epoch 3/3 loss=0.333",
            "WARNING almost done");
    given()
        .get("/api/v1/training/jobs/" + id + "/logs")
        .then()
        .body("logs.message[3]", equalTo("WARNING almost done"))
        .body("logs.level[3]", equalTo("WARNING"))
        .body("logs.seq[0]", equalTo(2));
  }

  @Test
  void aProcessThatExitsOneFailsWithTheCodeAndItsLastLinesAndATracebackIsOneErrorEntry() {
    long id =
        TestJobs.submitLocal(
            "import time\n"
                + "print('loading data')\n"
                + "time.sleep(0.3)  # stdout, then the traceback on stderr, in order as read\n"
                + "def step():\n"
                + "    raise ValueError('loss is NaN')\n"
                + "step()\n");
    TestJobs.awaitStatus(id, "failed");
    given()
        .get("/api/v1/training/jobs/" + id)
        .then()
        .body("failure_reason", equalTo("NonZeroExit"))
        .body(
            "status_message",
            startsWith("exited with code 1; last log lines:\nloading data\nTraceback"));
    List<String> logs = TestFeed.ofType(redis, id, "training_log");
    assertThat(logs).hasSize(2);
    assertThat(TestFeed.field(logs.get(1), "level")).isEqualTo("ERROR");
    assertThat(logs.get(1))
        .contains("Traceback (most recent call last):")
        .contains("ValueError: loss is NaN");
    assertThat(TestFeed.statusChanges(redis, id))
        .containsExactly("pending->running", "running->failed:NonZeroExit");
  }

  @Test
  void cancellingKillsTheProcessTreeAndNothingFollowsCancelled() {
    long id = TestJobs.submitLocal("import time\nprint('started', flush=True)\ntime.sleep(60)\n");
    TestJobs.awaitStatus(id, "running");
    given()
        .post("/api/v1/training/jobs/" + id + "/cancel")
        .then()
        .statusCode(200)
        .body("status", equalTo("cancelled"));
    String pid = given().get("/api/v1/training/jobs/" + id).then().extract().path("execution_id");
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> ProcessHandle.of(Long.parseLong(pid)).map(p -> !p.isAlive()).orElse(true));
    assertThat(TestFeed.statusChanges(redis, id))
        .containsExactly("pending->running", "running->cancelled");
  }

  @Test
  void aRunningLocalJobWithoutItsProcessFailsAsProcessLost() {
    long id = TestJobs.submitLocal("print('quick')\n");
    TestJobs.awaitStatus(id, "completed");
    // A job the functions started before they restarted: running, with a process nobody follows.
    pool.preparedQuery(
            "UPDATE training_jobs SET status = 'running', execution_id = '999999999' WHERE id = $1")
        .execute(Tuple.of(id))
        .await()
        .indefinitely();
    sweep.sweep();
    given()
        .get("/api/v1/training/jobs/" + id)
        .then()
        .body("status", equalTo("failed"))
        .body("failure_reason", equalTo("ProcessLost"));
  }

  @Test
  void aCommandThatCannotRunFailsAsSubmitFailed() {
    given()
        .contentType("application/json")
        .body(TestJobs.body("executor_type", "local", "command", List.of("/no/such/trainer")))
        .post("/api/v1/training/jobs")
        .then()
        .statusCode(201)
        .body("status", equalTo("failed"))
        .body("failure_reason", equalTo("SubmitFailed"))
        .body("status_message", containsString("/no/such/trainer"));
  }
}
