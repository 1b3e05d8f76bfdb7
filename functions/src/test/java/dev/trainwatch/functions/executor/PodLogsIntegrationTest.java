package dev.trainwatch.functions.executor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trainwatch.functions.TestFeed;
import dev.trainwatch.functions.TestJobs;
import dev.trainwatch.functions.TestPods;
import dev.trainwatch.functions.service.StatusSweepService;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Integration: pod log lines reach the feed once each, in order, with their levels, however often
 * the sweep runs; the logs API is served by expectations (CRUD mode serves no logs).
 */
@QuarkusTest
class PodLogsIntegrationTest {

  @Inject KubernetesClient client;
  @Inject StatusSweepService sweep;
  @Inject RedisDataSource redis;

  @Test
  void eachLineIsPublishedOnceInOrderAcrossSweeps() throws Exception {
    long id = TestJobs.submit(null);
    String pod = "training-job-" + id + "-x";
    client.pods().inNamespace("training").resource(TestPods.of(id, "x", "Running")).create();
    String first =
        "2026-11-28T10:00:00.100000000Z Epoch 1/2 loss=0.9\n"
            + "2026-11-28T10:00:00.100000000Z WARNING lr is high\n"
            + "2026-11-28T10:00:01.5Z Traceback (most recent call last):\n"
            + "2026-11-28T10:00:01.5Z   File \"train.py\", line 3, in <module>\n"
            + "2026-11-28T10:00:01.5Z ValueError: bad batch\n";
    String later = first + "2026-11-28T10:00:02Z Epoch 2/2 loss=0.5\n";
    String path = "/api/v1/namespaces/training/pods/" + pod + "/log";
    KubernetesMockResource.server()
        .expect()
        .get()
        .withPath(path + "?pretty=false&timestamps=true")
        .andReturn(200, first)
        .once();
    KubernetesMockResource.server()
        .expect()
        .get()
        .withPath(path + "?pretty=false&sinceTime=2026-11-28T10:00:01Z&timestamps=true")
        .andReturn(200, later.substring(later.indexOf("2026-11-28T10:00:01.5Z")))
        .always();

    // The API's sinceTime has whole seconds, so it sends the last line read again; it is dropped.
    KubernetesMockResource.server()
        .expect()
        .get()
        .withPath(path + "?pretty=false&sinceTime=2026-11-28T10:00:02Z&timestamps=true")
        .andReturn(200, "2026-11-28T10:00:02Z Epoch 2/2 loss=0.5\n")
        .always();

    sweep.sweep();
    sweep.sweep();
    sweep.sweep();
    sweep.sweep();

    List<String> logs = TestFeed.ofType(redis, id, "training_log");
    assertThat(logs)
        .extracting(m -> TestFeed.field(m, "level"))
        .containsExactly("INFO", "WARNING", "ERROR", "INFO");
    assertThat(logs.get(2))
        .contains(
            "Traceback (most recent call last):\\n  File \\\"train.py\\\", line 3, in <module>\\nValueError: bad batch");
    assertThat(logs.get(3)).contains("Epoch 2/2 loss=0.5");
  }

  @Test
  void aTracebackSplitAcrossTwoReadsIsOneErrorEntryAndRedrawsAndColoursReadAsWritten() {
    long id = TestJobs.submit(null);
    String pod = "training-job-" + id + "-z";
    client.pods().inNamespace("training").resource(TestPods.of(id, "z", "Running")).create();
    String path = "/api/v1/namespaces/training/pods/" + pod + "/log";
    KubernetesMockResource.server()
        .expect()
        .get()
        .withPath(path + "?pretty=false&timestamps=true")
        .andReturn(
            200,
            "2026-11-28T10:00:00.1Z  10%|#         |\r 50%|#####     |\r100%|##########|\r\n"
                + "2026-11-28T10:00:00.2Z \u001b[1;31mE1128 10:00:00.200000 7 train.py:9]\u001b[0m nan\n"
                + "2026-11-28T10:00:01.5Z Traceback (most recent call last):\n"
                + "2026-11-28T10:00:01.5Z   File \"train.py\", line 3, in <module>\n")
        .once();
    KubernetesMockResource.server()
        .expect()
        .get()
        .withPath(path + "?pretty=false&sinceTime=2026-11-28T10:00:01Z&timestamps=true")
        .andReturn(
            200,
            "2026-11-28T10:00:01.5Z Traceback (most recent call last):\n"
                + "2026-11-28T10:00:01.5Z   File \"train.py\", line 3, in <module>\n"
                + "2026-11-28T10:00:03Z     main()\n"
                + "2026-11-28T10:00:03Z OSError: disk full\n")
        .always();

    sweep.sweep();
    assertThat(TestFeed.ofType(redis, id, "training_log")).hasSize(2);
    sweep.sweep();

    List<String> logs = TestFeed.ofType(redis, id, "training_log");
    assertThat(logs)
        .extracting(m -> TestFeed.field(m, "level"))
        .containsExactly("INFO", "ERROR", "ERROR");
    assertThat(TestFeed.field(logs.get(0), "message")).isEqualTo("100%|##########|");
    assertThat(logs.get(2))
        .contains(
            "\"message\":\"Traceback (most recent call last):\\n  File \\\"train.py\\\", line 3,"
                + " in <module>\\n    main()\\nOSError: disk full\"");
  }

  @Test
  void moreLinesThanTheBoundKeepTheNewestAndSaySoOnce() {
    long id = TestJobs.submit(null);
    String pod = "training-job-" + id + "-y";
    client.pods().inNamespace("training").resource(TestPods.of(id, "y", "Running")).create();
    StringBuilder flood = new StringBuilder();
    for (int i = 1; i <= 1005; i++) {
      flood.append(String.format("2026-11-28T10:00:%02d.%06dZ line %d%n", i / 1000, i, i));
    }
    KubernetesMockResource.server()
        .expect()
        .get()
        .withPath("/api/v1/namespaces/training/pods/" + pod + "/log?pretty=false&timestamps=true")
        .andReturn(200, flood.toString())
        .once();

    sweep.sweep();

    List<String> logs = TestFeed.ofType(redis, id, "training_log");
    assertThat(logs).hasSize(1001);
    assertThat(logs.get(0))
        .contains("[trainwatch] 5 log lines skipped: more than 1000 since the last look")
        .contains("\"level\":\"WARNING\"");
    assertThat(logs.get(1)).contains("\"message\":\"line 6\"");
    assertThat(logs.get(1000)).contains("\"message\":\"line 1005\"");
  }
}
