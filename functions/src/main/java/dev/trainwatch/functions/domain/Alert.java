package dev.trainwatch.functions.domain;

import java.time.Instant;
import java.util.Objects;

/**
 * One firing or resolution of a rule for a job: a {@code training_alert} before it is numbered.
 *
 * @param rule the rule
 * @param firing true when the episode starts, false when it ends
 * @param metric the watched metric, for the metric rules; null otherwise
 * @param value the metric's value that fired or resolved it, for the metric rules; null otherwise
 * @param message what happened, for people
 * @param at when: the point's timestamp, or the sweep's time
 */
public record Alert(
    AlertRule rule, boolean firing, String metric, Double value, String message, Instant at) {

  public Alert {
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(at, "at");
  }

  /** {@code firing} or {@code resolved}, as the message says. */
  public String state() {
    return firing ? "firing" : "resolved";
  }
}
