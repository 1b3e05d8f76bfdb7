package dev.trainwatch.functions.service;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.trainwatch.functions.domain.StatusChange;
import dev.trainwatch.functions.event.EventType;
import dev.trainwatch.functions.event.OutboundEvent;
import dev.trainwatch.functions.repository.JobStateRepository;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.util.List;

/**
 * {@code training_status_change}: one move of a job's status ({@code old_status}, {@code
 * new_status}, {@code timestamp}; {@code reason} and {@code message} only when there are), stored
 * by {@link StatusService}.
 */
@ApplicationScoped
public class StatusChangeEventType implements EventType<StatusChange> {

  private final JobStateRepository states;

  public StatusChangeEventType(JobStateRepository states) {
    this.states = states;
  }

  @Override
  public String name() {
    return "training_status_change";
  }

  @Override
  public void writeFields(StatusChange change, JsonGenerator json) throws IOException {
    json.writeStringField("old_status", change.from().wireName());
    json.writeStringField("new_status", change.to().wireName());
    json.writeStringField("timestamp", change.at().toString());
    if (change.reason() != null) {
      json.writeStringField("reason", change.reason());
    }
    if (change.message() != null) {
      json.writeStringField("message", change.message());
    }
  }

  @Override
  public Uni<List<OutboundEvent>> stored(long jobId, long afterSeq, long beforeSeq, int most) {
    return states
        .changesBetween(jobId, afterSeq, beforeSeq, most)
        .map(list -> list.stream().map(c -> render(jobId, c.seq(), c)).toList());
  }
}
