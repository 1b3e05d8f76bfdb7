package dev.trainwatch.functions.domain;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One point a trainer reports: the values of several metrics at one epoch (and optionally one step)
 * at one time. Values may be NaN or infinite; a NaN loss is exactly what a user needs to see.
 *
 * @param epoch the epoch the trainer was in
 * @param step the global step, or null when the trainer reports per epoch only
 * @param timestamp when the trainer measured it
 * @param metrics metric name to value, in the order the trainer sent them; U+0000 and lone
 *     surrogates in a name become U+FFFD ({@link StoredText})
 */
public record MetricPoint(int epoch, Long step, Instant timestamp, Map<String, Double> metrics) {

  /**
   * The prefix of the metrics the SDK samples of the machine (CPU, memory, GPUs), not of training:
   * they do not count as the trainer reporting (the {@code silent} rule).
   */
  public static final String SYSTEM_PREFIX = "system/";

  public MetricPoint {
    if (metrics.keySet().stream().anyMatch(StoredText::needsReplacing)) {
      Map<String, Double> stored = new LinkedHashMap<>();
      metrics.forEach((name, value) -> stored.put(StoredText.of(name), value));
      metrics = stored;
    }
  }
}
