package dev.trainwatch.functions.domain;

/**
 * A rule on a job's live stream (docs/protocol.md, "Alerts"). A rule fires once per episode, as a
 * {@code training_alert} with {@code state} {@code firing}, and resolves once when its condition
 * clears ({@code resolved}); nothing is sent while the condition holds. Each can be set or turned
 * off per job ({@link AlertSettings}).
 */
public enum AlertRule implements WireEnum {
  /**
   * A watched metric is NaN or infinite. Evaluated as points arrive; resolves at that metric's next
   * finite value.
   */
  NAN,
  /**
   * A watched metric rose above {@code factor} times its best (lowest) value, after {@code warmup}
   * points, or rose {@code rising} points in a row. Evaluated as points arrive; resolves when
   * neither holds.
   */
  DIVERGENCE,
  /**
   * A running job reported nothing (no point, no log line) for the rule's time. Evaluated by the
   * sweep; resolves at its next report, or when it leaves running.
   */
  SILENT,
  /**
   * A job has been pending longer than the rule's time; the message carries the cluster's last
   * warning about its pod, when there is one. Evaluated by the sweep; resolves when it leaves
   * pending.
   */
  STUCK_PENDING
}
