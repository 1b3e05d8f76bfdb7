package dev.trainwatch.functions.domain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * How a job's rules are set: a submission's {@code "alerts"} object over the server's defaults
 * ({@code trainwatch.alerts.*}). In JSON: {@code {"metrics": ["loss", ...], "nan": true,
 * "divergence": {"factor": 2, "warmup": 10, "rising": 20}, "silent": {"minutes": 10},
 * "stuck_pending": {"minutes": 10}}}; every key is optional, {@code false} turns a rule off, {@code
 * true} keeps its defaults, an object sets some of its fields.
 *
 * @param metrics the metrics the metric rules watch; null for every metric whose name contains
 *     {@code loss} (any case)
 * @param nan whether {@link AlertRule#NAN} is on
 * @param divergence {@link AlertRule#DIVERGENCE}'s setting, or null when off
 * @param silent {@link AlertRule#SILENT}'s time, or null when off
 * @param stuckPending {@link AlertRule#STUCK_PENDING}'s time, or null when off
 */
public record AlertSettings(
    List<String> metrics,
    boolean nan,
    Divergence divergence,
    Duration silent,
    Duration stuckPending) {

  /** The keys of the JSON object. */
  public static final Set<String> KEYS =
      Set.of("metrics", "nan", "divergence", "silent", "stuck_pending");

  private static final int MAX_METRICS = 50;

  /**
   * {@link AlertRule#DIVERGENCE}'s setting.
   *
   * @param factor how many times its best value a metric may reach, over 1
   * @param warmup points of a metric before the factor applies, 0 or more
   * @param rising points in a row a metric may rise; 0 for no limit
   */
  public record Divergence(double factor, int warmup, int rising) {}

  /** Whether the metric rules watch {@code metric}. */
  public boolean watches(String metric) {
    return metrics == null
        ? metric.toLowerCase(Locale.ROOT).contains("loss")
        : metrics.contains(metric);
  }

  /** Whether a metric rule is on. */
  public boolean watchesMetrics() {
    return nan || divergence != null;
  }

  /**
   * {@code given} (a submission's {@code "alerts"}, null when absent) over these settings, the
   * server's defaults, in which every rule is on: {@code true} means the default's value.
   *
   * @throws IllegalArgumentException naming the key and what it must be
   */
  public AlertSettings with(JsonNode given) {
    if (given == null || given.isNull()) {
      return this;
    }
    if (!given.isObject()) {
      throw new IllegalArgumentException("'alerts' must be an object");
    }
    given
        .fieldNames()
        .forEachRemaining(
            key -> {
              if (!KEYS.contains(key)) {
                throw new IllegalArgumentException(
                    "'alerts' has no key '" + key + "'; it takes " + String.join(", ", sorted()));
              }
            });
    return new AlertSettings(
        given.has("metrics") ? metricList(given.get("metrics")) : metrics,
        given.has("nan") ? flag(given.get("nan"), "nan") : nan,
        given.has("divergence") ? divergence(given.get("divergence")) : divergence,
        given.has("silent") ? minutes(given.get("silent"), "silent", silent) : silent,
        given.has("stuck_pending")
            ? minutes(given.get("stuck_pending"), "stuck_pending", stuckPending)
            : stuckPending);
  }

  /** The settings as JSON, every key written, as {@link #with} reads them. */
  public ObjectNode toJson() {
    ObjectNode json = JsonNodeFactory.instance.objectNode();
    if (metrics == null) {
      json.putNull("metrics");
    } else {
      metrics.forEach(json.putArray("metrics")::add);
    }
    json.put("nan", nan);
    if (divergence == null) {
      json.put("divergence", false);
    } else {
      json.putObject("divergence")
          .put("factor", divergence.factor())
          .put("warmup", divergence.warmup())
          .put("rising", divergence.rising());
    }
    putMinutes(json, "silent", silent);
    putMinutes(json, "stuck_pending", stuckPending);
    return json;
  }

  private static void putMinutes(ObjectNode json, String key, Duration time) {
    if (time == null) {
      json.put(key, false);
    } else {
      json.putObject(key).put("minutes", time.toMillis() / 60_000.0);
    }
  }

  private static List<String> sorted() {
    return KEYS.stream().sorted().toList();
  }

  private List<String> metricList(JsonNode node) {
    if (node.isNull()) {
      return null;
    }
    if (!node.isArray() || node.size() > MAX_METRICS) {
      throw new IllegalArgumentException(
          "'alerts.metrics' must be an array of at most " + MAX_METRICS + " metric names");
    }
    List<String> names = new ArrayList<>();
    for (JsonNode name : node) {
      if (!name.isTextual() || name.asText().isBlank()) {
        throw new IllegalArgumentException("'alerts.metrics' must hold metric names");
      }
      names.add(StoredText.of(name.asText()));
    }
    return List.copyOf(names);
  }

  private static boolean flag(JsonNode node, String key) {
    if (!node.isBoolean()) {
      throw new IllegalArgumentException("'alerts." + key + "' must be true or false");
    }
    return node.asBoolean();
  }

  private Divergence divergence(JsonNode node) {
    if (node.isBoolean()) {
      return node.asBoolean() ? divergence : null;
    }
    if (!node.isObject()) {
      throw new IllegalArgumentException(
          "'alerts.divergence' must be true, false or {\"factor\",\"warmup\",\"rising\"}");
    }
    Divergence base = divergence;
    double factor = number(node, "factor", base.factor());
    if (!(factor > 1) || Double.isInfinite(factor)) {
      throw new IllegalArgumentException("'alerts.divergence.factor' must be a number over 1");
    }
    return new Divergence(
        factor, count(node, "warmup", base.warmup()), count(node, "rising", base.rising()));
  }

  private static double number(JsonNode node, String key, double absent) {
    JsonNode value = node.get(key);
    if (value == null) {
      return absent;
    }
    if (!value.isNumber()) {
      throw new IllegalArgumentException("'alerts.divergence." + key + "' must be a number");
    }
    return value.asDouble();
  }

  private static int count(JsonNode node, String key, int absent) {
    JsonNode value = node.get(key);
    if (value == null) {
      return absent;
    }
    if (!value.canConvertToInt() || !value.isIntegralNumber() || value.asInt() < 0) {
      throw new IllegalArgumentException(
          "'alerts.divergence." + key + "' must be a whole number, 0 or more");
    }
    return value.asInt();
  }

  private static Duration minutes(JsonNode node, String key, Duration current) {
    if (node.isBoolean()) {
      return node.asBoolean() ? current : null;
    }
    JsonNode value = node.isObject() ? node.get("minutes") : null;
    if (value == null
        || !value.isNumber()
        || !(value.asDouble() > 0)
        || value.asDouble() > 10_080) {
      throw new IllegalArgumentException(
          "'alerts."
              + key
              + "' must be true, false or {\"minutes\": N}, N over 0 and at most a week");
    }
    return Duration.ofMillis(Math.max(1, Math.round(value.asDouble() * 60_000)));
  }
}
