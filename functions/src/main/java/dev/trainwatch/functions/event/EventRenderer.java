package dev.trainwatch.functions.event;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;

/**
 * Writes the protocol's messages (docs/asyncapi.yaml; examples in docs/examples) as JSON text: the
 * head every event shares, then its type's fields ({@link EventType#writeFields}). The live path
 * and the replay of stored events both render through here, so a replayed event is byte for byte
 * the one first published.
 */
public final class EventRenderer {

  private static final JsonFactory JSON = new JsonFactory();

  private EventRenderer() {}

  /**
   * One message: every event begins {@code {"type":…,"job_id":N,"seq":S,}}, in that order, which
   * the relay relies on to read an event's id without parsing it (docs/protocol.md).
   */
  static <T> String render(EventType<T> type, long jobId, long seq, T item) {
    StringWriter out = new StringWriter(128);
    try (JsonGenerator json = JSON.createGenerator(out)) {
      json.writeStartObject();
      json.writeStringField("type", type.name());
      json.writeNumberField("job_id", jobId);
      json.writeNumberField("seq", seq);
      type.writeFields(item, json);
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("writing to a StringWriter does not fail", e);
    }
    return out.toString();
  }

  /**
   * Writes a metric value. NaN and the infinities are written as the strings "NaN", "Infinity" and
   * "-Infinity": bare tokens would make a browser's JSON.parse throw, and Number("NaN") gives the
   * value back.
   */
  public static void writeValue(JsonGenerator json, double value) throws IOException {
    if (Double.isNaN(value)) {
      json.writeString("NaN");
    } else if (Double.isInfinite(value)) {
      json.writeString(value > 0 ? "Infinity" : "-Infinity");
    } else {
      json.writeNumber(value);
    }
  }
}
