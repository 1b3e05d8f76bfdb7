package dev.trainwatch.functions.domain;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The states of a training job and the only moves between them. Written once here; every status
 * change anywhere goes through {@link #canMoveTo}.
 *
 * <pre>
 *   pending ──▶ running ──▶ completed
 *      │           │
 *      ├───────────┴──────▶ failed
 *      └───────────┴──────▶ cancelled
 * </pre>
 *
 * Final states never change, and no move goes backwards.
 */
public enum JobStatus implements WireEnum {
  /** Submitted and stored; its executor has not been seen running it. */
  PENDING,
  /** Its executor reports it running. */
  RUNNING,
  /** Finished with success. Final. */
  COMPLETED,
  /** Finished without success; the job carries a {@link FailureReason}. Final. */
  FAILED,
  /** Stopped at a user's request, or its Kubernetes Job was deleted. Final. */
  CANCELLED;

  /** Statuses a job can be in before it ends: the ones the sweep checks. */
  public static final Set<JobStatus> ACTIVE = EnumSet.of(PENDING, RUNNING);

  /** Whether nothing can follow this status. */
  public boolean isFinal() {
    return !ACTIVE.contains(this);
  }

  /** Whether a job in this status may move to {@code next} in one step. */
  public boolean canMoveTo(JobStatus next) {
    return switch (this) {
      case PENDING -> next != PENDING;
      case RUNNING -> next.isFinal();
      case COMPLETED, FAILED, CANCELLED -> false;
    };
  }

  /**
   * The moves from this status to {@code target}, through running when a job that was never seen
   * running has completed (it ran between two looks); empty when the target is not reachable or is
   * this status.
   */
  public List<JobStatus> pathTo(JobStatus target) {
    List<JobStatus> path = new ArrayList<>(2);
    if (this == PENDING && target == COMPLETED) {
      path.add(RUNNING);
      path.add(COMPLETED);
    } else if (canMoveTo(target)) {
      path.add(target);
    }
    return path;
  }
}
