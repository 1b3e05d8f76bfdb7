package dev.trainwatch.functions.event;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.trainwatch.functions.domain.MetricPoint;
import dev.trainwatch.functions.domain.SequencedPoint;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * Writes the protocol's messages (docs/protocol.md) as JSON text. The live path and the replay of
 * stored events both render through here, so a replayed event is byte for byte the one first
 * published.
 *
 * <p>NaN and the infinities are written as the strings "NaN", "Infinity" and "-Infinity": bare
 * tokens would make a browser's JSON.parse throw, and Number("NaN") gives the value back.
 */
public final class EventRenderer {

  private static final JsonFactory JSON = new JsonFactory();

  private EventRenderer() {}

  /** A {@code training_metrics} message for one stored point of {@code jobId}. */
  public static String metrics(long jobId, SequencedPoint sequenced) {
    StringWriter out = new StringWriter(128);
    try (JsonGenerator json = JSON.createGenerator(out)) {
      MetricPoint point = sequenced.point();
      json.writeStartObject();
      json.writeStringField("type", "training_metrics");
      json.writeNumberField("job_id", jobId);
      json.writeNumberField("seq", sequenced.seq());
      json.writeObjectFieldStart("metrics");
      json.writeNumberField("epoch", point.epoch());
      if (point.step() != null) {
        json.writeNumberField("step", point.step());
      }
      json.writeObjectFieldStart("metrics");
      for (Map.Entry<String, Double> metric : point.metrics().entrySet()) {
        json.writeFieldName(metric.getKey());
        writeValue(json, metric.getValue());
      }
      json.writeEndObject();
      json.writeStringField("timestamp", point.timestamp().toString());
      json.writeEndObject();
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("writing to a StringWriter does not fail", e);
    }
    return out.toString();
  }

  private static void writeValue(JsonGenerator json, double value) throws IOException {
    if (Double.isNaN(value)) {
      json.writeString("NaN");
    } else if (Double.isInfinite(value)) {
      json.writeString(value > 0 ? "Infinity" : "-Infinity");
    } else {
      json.writeNumber(value);
    }
  }
}
