package dev.trainwatch.functions.service;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.trainwatch.functions.event.EventType;
import dev.trainwatch.functions.event.OutboundEvent;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.time.Instant;
import java.util.List;

/**
 * {@code training_job_deleted}: a job's last event ({@code timestamp}), published by {@link
 * JobDeletionService}. It is not stored: the job's rows go with it, and only the relay's history
 * keeps it (a day) for sockets that resume after it; so replay from PostgreSQL finds none.
 */
@ApplicationScoped
public class JobDeletedEventType implements EventType<Instant> {

  @Override
  public String name() {
    return "training_job_deleted";
  }

  @Override
  public void writeFields(Instant at, JsonGenerator json) throws IOException {
    json.writeStringField("timestamp", at.toString());
  }

  @Override
  public Uni<List<OutboundEvent>> stored(long jobId, long afterSeq, long beforeSeq, int most) {
    return Uni.createFrom().item(List.of());
  }
}
