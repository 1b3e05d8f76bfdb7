package dev.trainwatch.functions.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.trainwatch.functions.config.TrainwatchConfig;
import dev.trainwatch.functions.domain.MetricPoint;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Unit: how a metrics request body becomes points, and which bodies are refused and why. */
class MetricPointParserTest {

  private static final JsonMapper JSON =
      JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();
  private static final Instant NOW = Instant.parse("2026-11-28T12:00:00.123456789Z");

  private final MetricPointParser parser = new MetricPointParser(config(3, 3));

  @Test
  void readsASinglePointWithANaiveTimestampAsUtc() throws Exception {
    List<MetricPoint> points =
        parse(
            "{\"epoch\":3,\"metrics\":{\"loss\":0.41,\"accuracy\":0.87},"
                + "\"timestamp\":\"2026-11-28T10:00:00.5\"}");
    assertThat(points).hasSize(1);
    MetricPoint point = points.get(0);
    assertThat(point.epoch()).isEqualTo(3);
    assertThat(point.step()).isNull();
    assertThat(point.timestamp()).isEqualTo(Instant.parse("2026-11-28T10:00:00.5Z"));
    assertThat(point.metrics()).containsExactly(entry("loss", 0.41), entry("accuracy", 0.87));
  }

  @Test
  void readsABatchInOrderAndStampsPointsWithoutTimestampAtMicroseconds() throws Exception {
    List<MetricPoint> points =
        parse(
            "{\"points\":[{\"epoch\":1,\"step\":7,\"metrics\":{\"loss\":2}},"
                + "{\"epoch\":1,\"step\":8,\"metrics\":{\"loss\":1.5},"
                + "\"timestamp\":\"2026-11-28T10:00:00+02:00\"}]}");
    assertThat(points).extracting(MetricPoint::step).containsExactly(7L, 8L);
    assertThat(points.get(0).timestamp()).isEqualTo(Instant.parse("2026-11-28T12:00:00.123456Z"));
    assertThat(points.get(1).timestamp()).isEqualTo(Instant.parse("2026-11-28T08:00:00Z"));
  }

  @Test
  void acceptsNanAndInfinitiesAsPythonWritesThemAndAsStrings() throws Exception {
    MetricPoint point =
        parse("{\"epoch\":0,\"metrics\":{\"a\":NaN,\"b\":-Infinity,\"c\":\"Infinity\"}}").get(0);
    assertThat(point.metrics().get("a")).isNaN();
    assertThat(point.metrics().get("b")).isEqualTo(Double.NEGATIVE_INFINITY);
    assertThat(point.metrics().get("c")).isEqualTo(Double.POSITIVE_INFINITY);
  }

  @Test
  void refusesTheWholeBatchForOneBadPointAndNamesIt() {
    assertRefused(
        "{\"points\":[{\"epoch\":1,\"metrics\":{\"loss\":1}},{\"epoch\":1,\"metrics\":{\"loss\":\"x\"}}]}",
        "points[1]: metric 'loss' must be a number");
  }

  @Test
  void refusesMissingAndWrongFields() {
    assertRefused("{\"metrics\":{\"loss\":1}}", "'epoch' is required");
    assertRefused("{\"epoch\":1.5,\"metrics\":{\"loss\":1}}", "'epoch' must be an integer");
    assertRefused("{\"epoch\":-1,\"metrics\":{\"loss\":1}}", "'epoch' must be between 0");
    assertRefused("{\"epoch\":1}", "'metrics' must be a non-empty object");
    assertRefused("{\"epoch\":1,\"metrics\":{}}", "'metrics' must be a non-empty object");
    assertRefused("{\"epoch\":1,\"metrics\":{\"loss\":true}}", "metric 'loss' must be a number");
    assertRefused("{\"epoch\":1,\"metrics\":{\"loss\":1},\"epochs\":2}", "unknown field 'epochs'");
    assertRefused(
        "{\"epoch\":1,\"metrics\":{\"loss\":1},\"timestamp\":\"yesterday\"}",
        "'timestamp' is not a timestamp: \"yesterday\"");
    assertRefused(
        "{\"epoch\":1,\"metrics\":{\"loss\":1},\"timestamp\":\"10000-01-01T00:00:00Z\"}",
        "'timestamp' is not a timestamp: \"10000-01-01T00:00:00Z\"");
    assertRefused(
        "{\"epoch\":1,\"metrics\":{\"loss\":1},\"timestamp\":\"0000-06-01T00:00:00Z\"}",
        "'timestamp' is outside the years 1 to 9999: \"0000-06-01T00:00:00Z\"");
    assertRefused(
        "{\"epoch\":1,\"metrics\":{\"loss\":1},\"timestamp\":true}",
        "'timestamp' must be a timestamp string or a Unix time, not true");
    assertRefused("[1]", "the point must be a JSON object");
    assertRefused("{\"points\":[]}", "'points' must be a non-empty array");
    assertRefused("{\"points\":[],\"epoch\":1}", "the batch has an unknown field 'epoch'");
  }

  @Test
  void refusesBatchesAndPointsOverTheirLimits() {
    String point = "{\"epoch\":1,\"metrics\":{\"loss\":1}}";
    assertRefused(
        "{\"points\":[" + String.join(",", point, point, point, point) + "]}",
        "'points' has 4 points; the limit is 3");
    assertRefused(
        "{\"epoch\":1,\"metrics\":{\"a\":1,\"b\":2,\"c\":3,\"d\":4}}",
        "'metrics' has 4 entries; the limit is 3");
  }

  private void assertRefused(String body, String message) {
    assertThatThrownBy(() -> parse(body))
        .isInstanceOf(ApiException.class)
        .hasMessageContaining(message)
        .extracting(e -> ((ApiException) e).status())
        .isEqualTo(400);
  }

  private List<MetricPoint> parse(String body) throws Exception {
    JsonNode node = JSON.readTree(body);
    return parser.parse(node, NOW);
  }

  private static Map.Entry<String, Double> entry(String name, double value) {
    return Map.entry(name, value);
  }

  private static TrainwatchConfig.Ingest config(int maxPoints, int maxMetrics) {
    return new TrainwatchConfig.Ingest() {
      @Override
      public int maxPointsPerBatch() {
        return maxPoints;
      }

      @Override
      public int maxMetricsPerPoint() {
        return maxMetrics;
      }

      @Override
      public int maxMetricNameLength() {
        return 20;
      }

      @Override
      public int maxMetricNamesPerJob() {
        return 10_000;
      }
    };
  }
}
