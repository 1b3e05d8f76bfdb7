package dev.trainwatch.functions.service;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.trainwatch.functions.domain.Alert;
import dev.trainwatch.functions.event.EventRenderer;
import dev.trainwatch.functions.event.EventType;
import dev.trainwatch.functions.event.OutboundEvent;
import dev.trainwatch.functions.repository.AlertRepository;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.util.List;

/**
 * {@code training_alert}: a rule fired or resolved ({@code rule}, {@code state}, {@code metric} and
 * {@code value} for the metric rules, {@code message}, {@code timestamp}), stored by {@link
 * AlertService}.
 */
@ApplicationScoped
public class AlertEventType implements EventType<Alert> {

  private final AlertRepository alerts;

  public AlertEventType(AlertRepository alerts) {
    this.alerts = alerts;
  }

  @Override
  public String name() {
    return "training_alert";
  }

  @Override
  public void writeFields(Alert alert, JsonGenerator json) throws IOException {
    json.writeObjectFieldStart("alert");
    json.writeStringField("rule", alert.rule().wireName());
    json.writeStringField("state", alert.state());
    if (alert.metric() != null) {
      json.writeStringField("metric", alert.metric());
    }
    if (alert.value() != null) {
      json.writeFieldName("value");
      EventRenderer.writeValue(json, alert.value());
    }
    json.writeStringField("message", alert.message());
    json.writeStringField("timestamp", alert.at().toString());
    json.writeEndObject();
  }

  @Override
  public Uni<List<OutboundEvent>> stored(long jobId, long afterSeq, long beforeSeq, int most) {
    return alerts
        .between(jobId, afterSeq, beforeSeq, most)
        .map(list -> list.stream().map(a -> render(jobId, a.seq(), a.alert())).toList());
  }
}
