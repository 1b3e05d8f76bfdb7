package dev.trainwatch.functions.event;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trainwatch.functions.domain.MetricPoint;
import dev.trainwatch.functions.domain.SequencedPoint;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Unit: the exact text of training_metrics messages. */
class EventRendererTest {

  private static final Instant AT = Instant.parse("2026-11-28T10:00:00.250Z");

  @Test
  void writesTheGuidesMessageWithSeqAndNoStepWhenThereIsNone() {
    Map<String, Double> metrics = new LinkedHashMap<>();
    metrics.put("loss", 0.41);
    metrics.put("accuracy", 0.87);
    String json =
        EventRenderer.metrics(123, new SequencedPoint(7, new MetricPoint(3, null, AT, metrics)));
    assertThat(json)
        .isEqualTo(
            "{\"type\":\"training_metrics\",\"job_id\":123,\"seq\":7,\"metrics\":{\"epoch\":3,"
                + "\"metrics\":{\"loss\":0.41,\"accuracy\":0.87},"
                + "\"timestamp\":\"2026-11-28T10:00:00.250Z\"}}");
  }

  @Test
  void writesNonFiniteValuesAsStringsThatJavaScriptCanParse() {
    Map<String, Double> metrics = new LinkedHashMap<>();
    metrics.put("loss", Double.NaN);
    metrics.put("up", Double.POSITIVE_INFINITY);
    metrics.put("down", Double.NEGATIVE_INFINITY);
    String json =
        EventRenderer.metrics(1, new SequencedPoint(1, new MetricPoint(0, 42L, AT, metrics)));
    assertThat(json)
        .contains("\"step\":42")
        .contains("{\"loss\":\"NaN\",\"up\":\"Infinity\",\"down\":\"-Infinity\"}");
  }
}
