package dev.trainwatch.functions.executor;

import dev.trainwatch.functions.domain.FailureReason;
import dev.trainwatch.functions.domain.JobStatus;
import dev.trainwatch.functions.domain.Observation;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Reads a Job and its pods as a Trainwatch status with a reason a user can act on. Pure: it sees
 * only the objects it is given, so the sweep, the Job-event function and the tests share it.
 */
public final class KubernetesStatusReader {

  private KubernetesStatusReader() {}

  /**
   * The job's status as the objects show it.
   *
   * @param job the Job, or null when it is gone
   * @param pods its pods, any order
   * @param submittedAt when the training job was submitted
   * @param unschedulableAfter how long pods may stay unschedulable before the job fails
   * @param now the time of the look
   */
  public static Observation read(
      Job job, List<Pod> pods, Instant submittedAt, Duration unschedulableAfter, Instant now) {
    if (job == null) {
      return new Observation(JobStatus.CANCELLED, null, "the Kubernetes Job was deleted");
    }
    if (condition(job, "Complete").isPresent()) {
      return new Observation(JobStatus.COMPLETED, null, "the Kubernetes Job completed");
    }
    Optional<JobCondition> failed = condition(job, "Failed");
    if (failed.isPresent()) {
      return failure(failed.get(), pods);
    }
    for (Pod pod : pods) {
      Optional<Observation> pullFailure = imagePullFailure(pod);
      if (pullFailure.isPresent()) {
        return pullFailure.get();
      }
    }
    Optional<Pod> running =
        pods.stream()
            .filter(p -> "Running".equals(p.getStatus() == null ? null : p.getStatus().getPhase()))
            .findFirst();
    if (running.isPresent()) {
      return new Observation(
          JobStatus.RUNNING, null, "pod " + running.get().getMetadata().getName() + " is running");
    }
    Duration pending = Duration.between(submittedAt, now);
    if (pending.compareTo(unschedulableAfter) >= 0) {
      for (Pod pod : pods) {
        Optional<PodCondition> unschedulable =
            podConditions(pod).stream()
                .filter(c -> "PodScheduled".equals(c.getType()) && "False".equals(c.getStatus()))
                .filter(c -> "Unschedulable".equals(c.getReason()))
                .findFirst();
        if (unschedulable.isPresent()) {
          return Observation.failed(
              FailureReason.UNSCHEDULABLE,
              "pending for "
                  + pending.toMinutes()
                  + " minutes: Unschedulable ("
                  + unschedulable.get().getMessage()
                  + ")");
        }
      }
    }
    return Observation.of(JobStatus.PENDING);
  }

  /** The most specific reason for a failed Job: what its pods say first, then the Job's own. */
  private static Observation failure(JobCondition failed, List<Pod> pods) {
    for (Pod pod : pods) {
      for (ContainerStatus container : containers(pod)) {
        ContainerStateTerminated ended = terminated(container);
        if (ended != null && "OOMKilled".equals(ended.getReason())) {
          return Observation.failed(
              FailureReason.OOM_KILLED,
              "container '"
                  + container.getName()
                  + "' was killed for exceeding its memory limit (exit code "
                  + ended.getExitCode()
                  + "); give the job more memory");
        }
      }
    }
    for (Pod pod : pods) {
      if (pod.getStatus() != null && "Evicted".equals(pod.getStatus().getReason())) {
        return Observation.failed(
            FailureReason.EVICTED, "pod evicted: " + pod.getStatus().getMessage());
      }
    }
    if ("DeadlineExceeded".equals(failed.getReason())) {
      return Observation.failed(FailureReason.DEADLINE_EXCEEDED, failed.getMessage());
    }
    for (Pod pod : pods) {
      for (ContainerStatus container : containers(pod)) {
        ContainerStateTerminated ended = terminated(container);
        if (ended != null && ended.getExitCode() != null && ended.getExitCode() != 0) {
          return Observation.failed(
              FailureReason.NON_ZERO_EXIT,
              "container '" + container.getName() + "' exited with code " + ended.getExitCode());
        }
      }
    }
    if ("BackoffLimitExceeded".equals(failed.getReason())) {
      return Observation.failed(FailureReason.BACKOFF_LIMIT_EXCEEDED, failed.getMessage());
    }
    return Observation.failed(
        FailureReason.JOB_FAILED, failed.getReason() + ": " + failed.getMessage());
  }

  private static Optional<Observation> imagePullFailure(Pod pod) {
    for (ContainerStatus container : containers(pod)) {
      ContainerStateWaiting waiting =
          container.getState() == null ? null : container.getState().getWaiting();
      if (waiting == null) {
        continue;
      }
      String message = "image of container '" + container.getName() + "': " + waiting.getMessage();
      if ("ImagePullBackOff".equals(waiting.getReason())) {
        return Optional.of(Observation.failed(FailureReason.IMAGE_PULL_BACK_OFF, message));
      }
      if ("ErrImagePull".equals(waiting.getReason())) {
        return Optional.of(Observation.failed(FailureReason.ERR_IMAGE_PULL, message));
      }
    }
    return Optional.empty();
  }

  private static Optional<JobCondition> condition(Job job, String type) {
    if (job.getStatus() == null || job.getStatus().getConditions() == null) {
      return Optional.empty();
    }
    return job.getStatus().getConditions().stream()
        .filter(c -> type.equals(c.getType()) && "True".equals(c.getStatus()))
        .findFirst();
  }

  private static List<ContainerStatus> containers(Pod pod) {
    if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
      return List.of();
    }
    return pod.getStatus().getContainerStatuses();
  }

  private static List<PodCondition> podConditions(Pod pod) {
    if (pod.getStatus() == null || pod.getStatus().getConditions() == null) {
      return List.of();
    }
    return pod.getStatus().getConditions();
  }

  /** The container's current termination, or else its last one (a restarted container). */
  private static ContainerStateTerminated terminated(ContainerStatus container) {
    if (container.getState() != null && container.getState().getTerminated() != null) {
      return container.getState().getTerminated();
    }
    return container.getLastState() == null ? null : container.getLastState().getTerminated();
  }
}
