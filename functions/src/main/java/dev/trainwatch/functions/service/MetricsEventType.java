package dev.trainwatch.functions.service;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.trainwatch.functions.domain.MetricPoint;
import dev.trainwatch.functions.event.EventRenderer;
import dev.trainwatch.functions.event.EventType;
import dev.trainwatch.functions.event.OutboundEvent;
import dev.trainwatch.functions.repository.MetricRepository;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * {@code training_metrics}: one metric point ({@code epoch}, {@code step} when the trainer gave
 * one, {@code metrics}, {@code timestamp}), stored by {@link MetricIngestService}.
 */
@ApplicationScoped
public class MetricsEventType implements EventType<MetricPoint> {

  private final MetricRepository metrics;

  public MetricsEventType(MetricRepository metrics) {
    this.metrics = metrics;
  }

  @Override
  public String name() {
    return "training_metrics";
  }

  @Override
  public void writeFields(MetricPoint point, JsonGenerator json) throws IOException {
    json.writeObjectFieldStart("metrics");
    json.writeNumberField("epoch", point.epoch());
    if (point.step() != null) {
      json.writeNumberField("step", point.step());
    }
    json.writeObjectFieldStart("metrics");
    for (Map.Entry<String, Double> metric : point.metrics().entrySet()) {
      json.writeFieldName(metric.getKey());
      EventRenderer.writeValue(json, metric.getValue());
    }
    json.writeEndObject();
    json.writeStringField("timestamp", point.timestamp().toString());
    json.writeEndObject();
  }

  @Override
  public Uni<List<OutboundEvent>> stored(long jobId, long afterSeq, long beforeSeq, int most) {
    return metrics
        .read(jobId, afterSeq, null, most)
        .map(
            list ->
                list.stream()
                    .filter(p -> p.seq() < beforeSeq)
                    .map(p -> render(jobId, p.seq(), p.point()))
                    .toList());
  }
}
