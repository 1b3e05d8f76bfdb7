package dev.trainwatch.functions.event;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.trainwatch.functions.domain.LogEntry;
import dev.trainwatch.functions.domain.MetricPoint;
import dev.trainwatch.functions.domain.SequencedLog;
import dev.trainwatch.functions.domain.SequencedPoint;
import dev.trainwatch.functions.domain.StatusChange;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
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
    MetricPoint point = sequenced.point();
    return write(
        "training_metrics",
        jobId,
        sequenced.seq(),
        json -> {
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
        });
  }

  /** A {@code training_status_change} message; reason and message only when there are. */
  public static String statusChange(long jobId, StatusChange change) {
    return write(
        "training_status_change",
        jobId,
        change.seq(),
        json -> {
          json.writeStringField("old_status", change.from().wireName());
          json.writeStringField("new_status", change.to().wireName());
          json.writeStringField("timestamp", change.at().toString());
          if (change.reason() != null) {
            json.writeStringField("reason", change.reason());
          }
          if (change.message() != null) {
            json.writeStringField("message", change.message());
          }
        });
  }

  /**
   * A {@code training_job_deleted} message: the job's last event; its rows and history are gone.
   */
  public static String jobDeleted(long jobId, long seq, Instant at) {
    return write(
        "training_job_deleted",
        jobId,
        seq,
        json -> json.writeStringField("timestamp", at.toString()));
  }

  /** A {@code training_log} message for one stored entry. */
  public static String log(long jobId, SequencedLog sequenced) {
    LogEntry entry = sequenced.entry();
    return write(
        "training_log",
        jobId,
        sequenced.seq(),
        json -> {
          json.writeObjectFieldStart("log");
          json.writeStringField("message", entry.message());
          json.writeStringField("level", entry.level().name());
          json.writeStringField("timestamp", entry.timestamp().toString());
          json.writeEndObject();
        });
  }

  /** The fields of one message object after its head. */
  @FunctionalInterface
  private interface Fields {
    void write(JsonGenerator json) throws IOException;
  }

  /**
   * One message: every event begins {@code {"type":…,"job_id":N,"seq":S,}}, in that order, which
   * the relay relies on to read an event's id without parsing it (docs/protocol.md).
   */
  private static String write(String type, long jobId, long seq, Fields fields) {
    StringWriter out = new StringWriter(128);
    try (JsonGenerator json = JSON.createGenerator(out)) {
      json.writeStartObject();
      json.writeStringField("type", type);
      json.writeNumberField("job_id", jobId);
      json.writeNumberField("seq", seq);
      fields.write(json);
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
