package dev.trainwatch.functions.domain;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Unit: the allowed moves between job states. */
class JobStatusTest {

  @Test
  void finalStatesNeverChange() {
    for (JobStatus end :
        new JobStatus[] {JobStatus.COMPLETED, JobStatus.FAILED, JobStatus.CANCELLED}) {
      assertThat(end.isFinal()).isTrue();
      for (JobStatus next : JobStatus.values()) {
        assertThat(end.canMoveTo(next)).as("%s -> %s", end, next).isFalse();
      }
    }
  }

  @Test
  void nothingMovesBackwardsAndCancelledFollowsAnyActiveState() {
    assertThat(JobStatus.RUNNING.canMoveTo(JobStatus.PENDING)).isFalse();
    assertThat(JobStatus.RUNNING.canMoveTo(JobStatus.RUNNING)).isFalse();
    assertThat(JobStatus.PENDING.canMoveTo(JobStatus.PENDING)).isFalse();
    assertThat(JobStatus.PENDING.canMoveTo(JobStatus.CANCELLED)).isTrue();
    assertThat(JobStatus.RUNNING.canMoveTo(JobStatus.CANCELLED)).isTrue();
    assertThat(JobStatus.PENDING.canMoveTo(JobStatus.FAILED)).isTrue();
  }

  @Test
  void aJobSeenCompletedWhilePendingPassesThroughRunning() {
    assertThat(JobStatus.PENDING.pathTo(JobStatus.COMPLETED))
        .containsExactly(JobStatus.RUNNING, JobStatus.COMPLETED);
    assertThat(JobStatus.RUNNING.pathTo(JobStatus.COMPLETED)).containsExactly(JobStatus.COMPLETED);
    assertThat(JobStatus.COMPLETED.pathTo(JobStatus.FAILED)).isEmpty();
    assertThat(JobStatus.RUNNING.pathTo(JobStatus.RUNNING)).isEmpty();
  }
}
