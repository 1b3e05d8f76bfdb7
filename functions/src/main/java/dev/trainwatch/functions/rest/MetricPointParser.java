package dev.trainwatch.functions.rest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trainwatch.functions.config.TrainwatchConfig;
import dev.trainwatch.functions.domain.MetricPoint;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a metrics request: a single point {@code {"epoch","metrics","timestamp","step"?}} or a
 * batch {@code {"points":[...]}}. Any bad point refuses the whole request, naming the point and the
 * field.
 */
@ApplicationScoped
public class MetricPointParser {

  private static final Set<String> POINT_FIELDS = Set.of("epoch", "step", "metrics", "timestamp");
  private static final Set<String> BATCH_FIELDS = Set.of("points");

  /**
   * The strings a value may also be given as; they are what Trainwatch itself writes for these
   * values.
   */
  private static final Map<String, Double> NON_FINITE =
      Map.of(
          "NaN", Double.NaN,
          "Infinity", Double.POSITIVE_INFINITY,
          "-Infinity", Double.NEGATIVE_INFINITY);

  private final TrainwatchConfig.Ingest limits;

  @Inject
  public MetricPointParser(TrainwatchConfig config) {
    this(config.ingest());
  }

  MetricPointParser(TrainwatchConfig.Ingest limits) {
    this.limits = limits;
  }

  /** The points of a request body, in the order sent. */
  public List<MetricPoint> parse(JsonNode body, Instant receivedAt) {
    if (body != null && body.isObject() && body.has("points")) {
      JsonFields.requireObject(body, "the batch", BATCH_FIELDS);
      JsonNode points = body.get("points");
      if (!points.isArray() || points.isEmpty()) {
        throw ApiException.badRequest("'points' must be a non-empty array");
      }
      if (points.size() > limits.maxPointsPerBatch()) {
        throw ApiException.badRequest(
            "'points' has "
                + points.size()
                + " points; the limit is "
                + limits.maxPointsPerBatch());
      }
      List<MetricPoint> parsed = new ArrayList<>(points.size());
      for (int i = 0; i < points.size(); i++) {
        parsed.add(point(points.get(i), "points[" + i + "]", receivedAt));
      }
      return parsed;
    }
    return List.of(point(body, "the point", receivedAt));
  }

  private MetricPoint point(JsonNode node, String where, Instant receivedAt) {
    JsonFields.requireObject(node, where, POINT_FIELDS);
    try {
      int epoch = JsonFields.requireInt(node, "epoch", 0);
      Long step = JsonFields.optionalLong(node, "step", 0);
      return new MetricPoint(
          epoch, step, JsonFields.optionalInstant(node, "timestamp", receivedAt), metrics(node));
    } catch (ApiException e) {
      throw ApiException.badRequest(where + ": " + e.getMessage());
    }
  }

  private Map<String, Double> metrics(JsonNode point) {
    JsonNode metrics = point.get("metrics");
    if (metrics == null || !metrics.isObject() || metrics.isEmpty()) {
      throw ApiException.badRequest("'metrics' must be a non-empty object of name to number");
    }
    if (metrics.size() > limits.maxMetricsPerPoint()) {
      throw ApiException.badRequest(
          "'metrics' has "
              + metrics.size()
              + " entries; the limit is "
              + limits.maxMetricsPerPoint());
    }
    Map<String, Double> values = new LinkedHashMap<>();
    Iterator<Map.Entry<String, JsonNode>> fields = metrics.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      String name = field.getKey();
      if (name.isBlank() || name.length() > limits.maxMetricNameLength()) {
        throw ApiException.badRequest(
            "metric names must be 1 to " + limits.maxMetricNameLength() + " characters");
      }
      values.put(name, value(name, field.getValue()));
    }
    return values;
  }

  private static double value(String name, JsonNode value) {
    if (value.isNumber()) {
      return value.doubleValue();
    }
    if (value.isTextual() && NON_FINITE.containsKey(value.asText())) {
      return NON_FINITE.get(value.asText());
    }
    throw ApiException.badRequest("metric '" + name + "' must be a number, not " + value);
  }
}
