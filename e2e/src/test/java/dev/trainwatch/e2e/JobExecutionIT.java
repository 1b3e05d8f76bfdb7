package dev.trainwatch.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trainwatch.testing.TestSocket;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/**
 * End to end: jobs really run (local processes, a mock cluster) and a browser watching the relay
 * sees every status change and log line without asking. Watching the session, the socket is open
 * before the job is submitted, so nothing can slip past it.
 */
class JobExecutionIT {

  private final RunningSystem system = RunningSystem.get();
  private final Api api = new Api(system);

  @Test
  void aLocalJobThatExitsZeroShowsRunningItsLinesInOrderThenCompleted() throws Exception {
    long session = newSession();
    try (TestSocket socket = Api.open(system.relaySocket("session_id=" + session))) {
      long job =
          api.submitLocal(
              session,
              "for e in range(1, 4):\n    print(f'Epoch {e}/3')\nprint('WARNING done soon')\n");
      List<String> seen = Api.take(socket, 6);
      assertThat(seen.get(0))
          .contains("\"job_id\":" + job + ",")
          .contains("\"old_status\":\"pending\",\"new_status\":\"running\"");
      assertThat(seen.subList(1, 5))
          .extracting(m -> m.replaceAll(".*\"message\":\"([^\"]*)\".*", "$1"))
          .containsExactly("Epoch 1/3", "Epoch 2/3", "Epoch 3/3", "WARNING done soon");
      assertThat(seen.get(4)).contains("\"level\":\"WARNING\"");
      assertThat(seen.get(5)).contains("\"old_status\":\"running\",\"new_status\":\"completed\"");
      assertThat(seen)
          .extracting(m -> m.replaceAll(".*\"seq\":(\\d+),.*", "$1"))
          .containsExactly("1", "2", "3", "4", "5", "6");
    }
  }

  @Test
  void aLocalJobThatExitsOneShowsFailedWithItsExitCode() throws Exception {
    long session = newSession();
    try (TestSocket socket = Api.open(system.relaySocket("session_id=" + session))) {
      api.submitLocal(session, "import sys\nprint('ERROR cannot read dataset')\nsys.exit(1)\n");
      List<String> seen = Api.take(socket, 3);
      assertThat(seen.get(1)).contains("\"level\":\"ERROR\"");
      assertThat(seen.get(2))
          .contains("\"new_status\":\"failed\"")
          .contains("\"reason\":\"NonZeroExit\"")
          .contains("exited with code 1");
    }
  }

  @Test
  void aKubernetesJobFollowsItsJobAndPodsThroughTheSweep() throws Exception {
    long session = newSession();
    try (TestSocket socket = Api.open(system.relaySocket("session_id=" + session))) {
      long id = api.submitKubernetes(session);
      String name = "training-job-" + id;
      system
          .kubernetes
          .pods()
          .inNamespace("training")
          .resource(
              new PodBuilder()
                  .withNewMetadata()
                  .withName(name + "-pod")
                  .addToLabels("trainwatch.dev/job-id", Long.toString(id))
                  .endMetadata()
                  .withNewStatus()
                  .withPhase("Running")
                  .endStatus()
                  .build())
          .create();
      assertThat(socket.next()).contains("\"old_status\":\"pending\",\"new_status\":\"running\"");

      Job job = system.kubernetes.batch().v1().jobs().inNamespace("training").withName(name).get();
      system
          .kubernetes
          .batch()
          .v1()
          .jobs()
          .inNamespace("training")
          .resource(
              new JobBuilder(job)
                  .editOrNewStatus()
                  .addNewCondition()
                  .withType("Complete")
                  .withStatus("True")
                  .endCondition()
                  .endStatus()
                  .build())
          .updateStatus();
      assertThat(socket.next()).contains("\"old_status\":\"running\",\"new_status\":\"completed\"");
    }
  }

  private static long newSession() {
    return ThreadLocalRandom.current().nextLong(1_000_000, 1_000_000_000_000L);
  }
}
