package dev.trainwatch.functions.executor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trainwatch.functions.domain.FailureReason;
import dev.trainwatch.functions.domain.JobStatus;
import dev.trainwatch.functions.domain.Observation;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Unit: how a Job and its pods read as a status and a reason. */
class KubernetesStatusReaderTest {

  private static final Instant SUBMITTED = Instant.parse("2026-11-28T10:00:00Z");
  private static final Duration TEN_MINUTES = Duration.ofMinutes(10);

  @Test
  void aJobWithoutPodsIsPendingAndAGoneJobIsCancelled() {
    assertThat(read(job(null, null), List.of(), SUBMITTED).status()).isEqualTo(JobStatus.PENDING);
    assertThat(read(null, List.of(), SUBMITTED).status()).isEqualTo(JobStatus.CANCELLED);
  }

  @Test
  void aRunningPodMeansRunningAndCompleteMeansCompleted() {
    assertThat(read(job(null, null), List.of(pod("Running")), SUBMITTED).status())
        .isEqualTo(JobStatus.RUNNING);
    assertThat(read(job("Complete", null), List.of(), SUBMITTED).status())
        .isEqualTo(JobStatus.COMPLETED);
  }

  @Test
  void deadlineAndNonZeroExitAreNamed() {
    assertThat(read(job("Failed", "DeadlineExceeded"), List.of(), SUBMITTED).reason())
        .isEqualTo(FailureReason.DEADLINE_EXCEEDED);
    Pod exited =
        new PodBuilder(pod("Failed"))
            .editStatus()
            .addNewContainerStatus()
            .withName("trainer")
            .withNewState()
            .withNewTerminated()
            .withExitCode(2)
            .withReason("Error")
            .endTerminated()
            .endState()
            .endContainerStatus()
            .endStatus()
            .build();
    Observation failed = read(job("Failed", "BackoffLimitExceeded"), List.of(exited), SUBMITTED);
    assertThat(failed.reason()).isEqualTo(FailureReason.NON_ZERO_EXIT);
    assertThat(failed.message()).isEqualTo("container 'trainer' exited with code 2");
  }

  @Test
  void anEvictedPodIsNamed() {
    Pod evicted =
        new PodBuilder(pod("Failed"))
            .editStatus()
            .withReason("Evicted")
            .withMessage("The node was low on resource: memory.")
            .endStatus()
            .build();
    assertThat(read(job("Failed", "BackoffLimitExceeded"), List.of(evicted), SUBMITTED).reason())
        .isEqualTo(FailureReason.EVICTED);
  }

  @Test
  void anUnschedulablePodFailsOnlyAfterItsTime() {
    Pod unschedulable =
        new PodBuilder(pod("Pending"))
            .editStatus()
            .addNewCondition()
            .withType("PodScheduled")
            .withStatus("False")
            .withReason("Unschedulable")
            .withMessage("0/3 nodes are available: 3 Insufficient nvidia.com/gpu.")
            .endCondition()
            .endStatus()
            .build();
    Instant soon = SUBMITTED.plus(Duration.ofMinutes(3));
    Instant late = SUBMITTED.plus(Duration.ofMinutes(12));
    assertThat(read(job(null, null), List.of(unschedulable), SUBMITTED, soon).status())
        .isEqualTo(JobStatus.PENDING);
    Observation failed = read(job(null, null), List.of(unschedulable), SUBMITTED, late);
    assertThat(failed.reason()).isEqualTo(FailureReason.UNSCHEDULABLE);
    assertThat(failed.message())
        .isEqualTo(
            "pending for 12 minutes: Unschedulable (0/3 nodes are available: 3 Insufficient nvidia.com/gpu.)");
  }

  private static Observation read(Job job, List<Pod> pods, Instant submitted) {
    return read(job, pods, submitted, submitted.plusSeconds(30));
  }

  private static Observation read(Job job, List<Pod> pods, Instant submitted, Instant now) {
    return KubernetesStatusReader.read(job, pods, submitted, TEN_MINUTES, now);
  }

  private static Job job(String condition, String reason) {
    JobBuilder job = new JobBuilder().withNewMetadata().withName("training-job-1").endMetadata();
    if (condition != null) {
      job.withNewStatus()
          .addNewCondition()
          .withType(condition)
          .withStatus("True")
          .withReason(reason)
          .withMessage(reason)
          .endCondition()
          .endStatus();
    }
    return job.build();
  }

  private static Pod pod(String phase) {
    return new PodBuilder()
        .withNewMetadata()
        .withName("training-job-1-abc")
        .endMetadata()
        .withNewStatus()
        .withPhase(phase)
        .endStatus()
        .build();
  }
}
