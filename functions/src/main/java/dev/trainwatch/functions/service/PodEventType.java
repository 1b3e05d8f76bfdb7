package dev.trainwatch.functions.service;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.trainwatch.functions.domain.PodEvent;
import dev.trainwatch.functions.event.EventType;
import dev.trainwatch.functions.event.OutboundEvent;
import dev.trainwatch.functions.repository.PodEventRepository;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.util.List;

/**
 * {@code training_pod_event}: one Kubernetes Event about a job's pod ({@code pod}, {@code
 * event_type}, {@code reason}, {@code message}, {@code count}, {@code timestamp}), stored by {@link
 * PodEventService}.
 */
@ApplicationScoped
public class PodEventType implements EventType<PodEvent> {

  private final PodEventRepository events;

  public PodEventType(PodEventRepository events) {
    this.events = events;
  }

  @Override
  public String name() {
    return "training_pod_event";
  }

  @Override
  public void writeFields(PodEvent event, JsonGenerator json) throws IOException {
    json.writeObjectFieldStart("pod_event");
    json.writeStringField("pod", event.pod());
    json.writeStringField("event_type", event.type());
    json.writeStringField("reason", event.reason());
    json.writeStringField("message", event.message());
    json.writeNumberField("count", event.count());
    json.writeStringField("timestamp", event.at().toString());
    json.writeEndObject();
  }

  @Override
  public Uni<List<OutboundEvent>> stored(long jobId, long afterSeq, long beforeSeq, int most) {
    return events
        .between(jobId, afterSeq, beforeSeq, most)
        .map(list -> list.stream().map(e -> render(jobId, e.seq(), e.event())).toList());
  }
}
