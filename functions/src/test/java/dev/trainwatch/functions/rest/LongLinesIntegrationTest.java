package dev.trainwatch.functions.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.trainwatch.functions.TestJobs;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Integration: lines far longer than one entry, sent to the logs endpoint and printed by a local
 * job, are stored in numbered parts that lose nothing. Apart from TrainerOutputIntegrationTest
 * because their answers are a megabyte, which the Lambda build's mock event server does not pass
 * (see the lambda profile).
 */
@QuarkusTest
class LongLinesIntegrationTest {

  private static final String TRACEBACK = "Traceback (most recent call last):";

  @Test
  void aMessageOfAMillionCharactersIsStoredInNumberedParts() {
    long job = TestJobs.submit(null);
    String line = "0123456789".repeat(100_000);
    TestJobs.postLogs(job, "{\"message\":\"" + line + "\",\"level\":\"info\"}", null)
        .statusCode(200);
    List<String> parts =
        given()
            .get(TestJobs.JOBS + "/" + job + "/logs?limit=100")
            .then()
            .extract()
            .jsonPath()
            .getList("logs.message", String.class);
    assertThat(parts).hasSize(62);
    assertThat(String.join("", parts).replaceAll(" \\[trainwatch: part \\d+/62]", ""))
        .isEqualTo(line);
  }

  @Test
  void aLocalJobsProgressBarTracebackAndLongLineArriveAsAPersonReadsThem() {
    long job =
        TestJobs.submitLocal(
            "import sys\n"
                + "for i in range(11):\n"
                + "    sys.stdout.write('\\r%3d%%|%s|' % (i * 10, '#' * i))\n"
                + "sys.stdout.write('\\n\\n')\n"
                + "sys.stdout.write('\\x1b[33mWARNING\\x1b[0m slow loader\\r\\n')\n"
                + "sys.stdout.write('x' * 300000 + '\\n')\n"
                + "sys.stdout.flush()\n"
                + "import time; time.sleep(0.3)  # the traceback (stderr) after, as read\n"
                + "raise KeyError('lr')\n");
    TestJobs.awaitStatus(job, "failed");
    List<Map<String, String>> entries =
        given()
            .get(TestJobs.JOBS + "/" + job + "/logs?limit=100")
            .then()
            .extract()
            .jsonPath()
            .getList("logs");
    assertThat(entries).hasSize(1 + 1 + 19 + 1);
    assertThat(entries.get(0)).containsEntry("message", "100%|##########|");
    assertThat(entries.get(1))
        .containsEntry("level", "WARNING")
        .containsEntry("message", "\u001b[33mWARNING\u001b[0m slow loader");
    assertThat(entries.get(20).get("message")).endsWith(" [trainwatch: part 19/19]");
    assertThat(entries.get(21)).containsEntry("level", "ERROR");
    assertThat(entries.get(21).get("message")).startsWith(TRACEBACK).endsWith("KeyError: 'lr'");
  }
}
