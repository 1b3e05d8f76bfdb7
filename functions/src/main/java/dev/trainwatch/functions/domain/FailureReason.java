package dev.trainwatch.functions.domain;

/**
 * Why a job failed, as a code a user can act on. The code is stored in {@code failure_reason} and
 * sent as {@code reason} in {@code training_status_change}; a message for people goes beside it.
 */
public enum FailureReason {
  /** A container was killed for using more memory than its limit (exit code 137). Raise memory. */
  OOM_KILLED("OOMKilled"),
  /** The image cannot be pulled and Kubernetes is backing off. Check the image name and access. */
  IMAGE_PULL_BACK_OFF("ImagePullBackOff", true),
  /** Pulling the image failed. Check the image name and registry credentials. */
  ERR_IMAGE_PULL("ErrImagePull", true),
  /** The node evicted the pod (usually node memory or disk pressure). Resubmit. */
  EVICTED("Evicted"),
  /** The job ran longer than its activeDeadlineSeconds. */
  DEADLINE_EXCEEDED("DeadlineExceeded"),
  /** The pod failed more often than the Job's backoffLimit allows. */
  BACKOFF_LIMIT_EXCEEDED("BackoffLimitExceeded"),
  /** The trainer exited with a non-zero code; the message holds the code and the last log lines. */
  NON_ZERO_EXIT("NonZeroExit"),
  /** The pod stayed pending too long: no node can take it (resources, GPUs, taints). */
  UNSCHEDULABLE("Unschedulable", true),
  /** A local job's process is gone: the functions host restarted while it ran. */
  PROCESS_LOST("ProcessLost"),
  /** The job could not be started at all (the executor refused it or was unreachable). */
  SUBMIT_FAILED("SubmitFailed"),
  /** The Kubernetes Job failed for a reason not listed above; the message has Kubernetes' words. */
  JOB_FAILED("JobFailed");

  private final String code;
  private final boolean stopsExecution;

  FailureReason(String code) {
    this(code, false);
  }

  FailureReason(String code, boolean stopsExecution) {
    this.code = code;
    this.stopsExecution = stopsExecution;
  }

  /**
   * Whether the executor would go on trying after this failure (Kubernetes keeps pulling, keeps the
   * pod pending), so Trainwatch stops the execution when it fails the job.
   */
  public boolean stopsExecution() {
    return stopsExecution;
  }

  /** The code as users see it (Kubernetes' own spelling where there is one). */
  public String code() {
    return code;
  }
}
