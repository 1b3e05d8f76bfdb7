package dev.trainwatch.functions.security;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.trainwatch.functions.TestFeed;
import dev.trainwatch.functions.TestJobs;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * Security: a local job cannot reach what the functions or other jobs hold. Its process sees none
 * of the functions' environment; when the functions run as root it runs as a user of its own, so it
 * cannot read a key file only root may read, nor another job's environment, nor signal it, and what
 * it leaves running dies with it; one project runs at most
 * trainwatch.executor.local.max-processes-per-project (4) at once.
 */
@QuarkusTest
class LocalExecutorSecurityIntegrationTest {

  @Inject RedisDataSource redis;

  @Test
  void aLocalJobSeesOnlyItsOwnEnvironmentAndRunsUnprivileged() throws Exception {
    Path secret = Files.createTempFile("trainwatch-private-", ".pem");
    Files.writeString(secret, "not for jobs");
    Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
    long id =
        TestJobs.submitLocal(
            "import os\n"
                + "print('ENV', ' '.join(sorted(os.environ)))\n"
                + "print('UID', os.getuid())\n"
                + "try:\n"
                + "    open("
                + "'"
                + secret
                + "'"
                + ").read()\n"
                + "    print('KEY readable')\n"
                + "except PermissionError:\n"
                + "    print('KEY refused')\n");
    TestJobs.awaitStatus(id, "completed");
    List<String> lines = TestFeed.logMessages(redis, id);
    String env = lines.stream().filter(l -> l.startsWith("ENV ")).findFirst().orElseThrow();
    List<String> names = new ArrayList<>(List.of(env.substring(4).split(" ")));
    names.removeIf(name -> name.startsWith("TRAINWATCH_"));
    // No key path, no database or Redis setting, no JAVA_*: nothing the functions were started
    // with.
    assertThat(names)
        .contains("HOME", "PATH")
        .isSubsetOf("HOME", "LANG", "PATH", "PYTHONUNBUFFERED", "LC_CTYPE", "USER", "LOGNAME");
    assertThat(env).contains("TRAINWATCH_TOKEN").doesNotContain("TRAINWATCH_JWT");
    // ./trainwatch runs local jobs as root only where other users cannot read the checkout (a
    // clone in a 0700 folder, as mktemp -d makes), and says so; everywhere else a job is no root.
    if (separateUsers() || !"root".equals(System.getProperty("user.name"))) {
      assertThat(lines).doesNotContain("UID 0");
    }
    if (separateUsers()) {
      assertThat(lines).contains("KEY refused");
    }
    Files.delete(secret);
  }

  @Test
  void aProjectRunsAtMostItsShareOfLocalProcessesAndGets429Beyond() {
    String project = "busy-" + System.nanoTime() % 100000;
    List<Long> running = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      running.add(TestJobs.submitBody(sleeper(project)));
    }
    given()
        .contentType(ContentType.JSON)
        .body(sleeper(project))
        .post(TestJobs.JOBS)
        .then()
        .statusCode(429)
        .header("Retry-After", "10")
        .body("error", equalTo("too_many_jobs"))
        .body("message", containsString("max-processes-per-project"));
    // Another project is not held back by this one.
    long other = TestJobs.submitBody(sleeper(project + "-other"));
    given().post(TestJobs.JOBS + "/" + running.get(0) + "/cancel").then().statusCode(200);
    TestJobs.awaitStatus(running.get(0), "cancelled");
    Awaitility.await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                given()
                        .contentType(ContentType.JSON)
                        .body(sleeper(project))
                        .post(TestJobs.JOBS)
                        .then()
                        .extract()
                        .statusCode()
                    == 201);
    given()
        .get(TestJobs.JOBS + "?status=running&size=500")
        .then()
        .extract()
        .jsonPath()
        .getList("jobs.job_id", Long.class)
        .forEach(job -> given().post(TestJobs.JOBS + "/" + job + "/cancel"));
    assertThat(other).isPositive();
  }

  @Test
  void aJobCannotReadOrSignalAnotherProjectsJobAndItsLeftoversDieWithIt() {
    assumeTrue(
        separateUsers(), "jobs run as users of their own only when the functions run as root");
    long victim = TestJobs.submitBody(sleeper("victim-" + System.nanoTime() % 100000));
    TestJobs.awaitStatus(victim, "running");
    String pid = given().get(TestJobs.JOBS + "/" + victim).then().extract().path("execution_id");
    long attacker =
        TestJobs.submitLocal(
            "import os, signal, subprocess\n"
                + "try:\n"
                + "    open('/proc/"
                + pid
                + "/environ').read(); print('ENVIRON read')\n"
                + "except PermissionError:\n"
                + "    print('ENVIRON refused')\n"
                + "try:\n"
                + "    os.kill("
                + pid
                + ", signal.SIGKILL); print('KILL sent')\n"
                + "except PermissionError:\n"
                + "    print('KILL refused')\n"
                + "daemon = subprocess.Popen(['sleep', '300'], start_new_session=True,"
                + " stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
                + "print('DAEMON', daemon.pid, flush=True)\n");
    TestJobs.awaitStatus(attacker, "completed");
    List<String> lines = TestFeed.logMessages(redis, attacker);
    assertThat(lines).contains("ENVIRON refused", "KILL refused");
    given().get(TestJobs.JOBS + "/" + victim).then().body("status", equalTo("running"));
    long daemon =
        Long.parseLong(
            lines.stream()
                .filter(l -> l.startsWith("DAEMON "))
                .findFirst()
                .orElseThrow()
                .substring(7));
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> ProcessHandle.of(daemon).map(p -> !p.isAlive()).orElse(true));
    given().post(TestJobs.JOBS + "/" + victim + "/cancel").then().statusCode(200);
  }

  private static boolean separateUsers() {
    return "root".equals(System.getProperty("user.name"))
        && ConfigProvider.getConfig()
            .getValue("trainwatch.executor.local.separate-users", Boolean.class);
  }

  private static Map<String, Object> sleeper(String project) {
    return TestJobs.body(
        "executor_type",
        "local",
        "project",
        project,
        "command",
        List.of("python3", "-c", "import time; time.sleep(60)"));
  }
}
