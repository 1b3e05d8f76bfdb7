package dev.trainwatch.functions.service;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.trainwatch.functions.domain.LogEntry;
import dev.trainwatch.functions.event.EventType;
import dev.trainwatch.functions.event.OutboundEvent;
import dev.trainwatch.functions.repository.LogRepository;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.util.List;

/**
 * {@code training_log}: one log entry ({@code message}, {@code level}, {@code timestamp}), stored
 * by {@link LogIngestService}.
 */
@ApplicationScoped
public class LogEventType implements EventType<LogEntry> {

  private final LogRepository logs;

  public LogEventType(LogRepository logs) {
    this.logs = logs;
  }

  @Override
  public String name() {
    return "training_log";
  }

  @Override
  public void writeFields(LogEntry entry, JsonGenerator json) throws IOException {
    json.writeObjectFieldStart("log");
    json.writeStringField("message", entry.message());
    json.writeStringField("level", entry.level().name());
    json.writeStringField("timestamp", entry.timestamp().toString());
    json.writeEndObject();
  }

  @Override
  public Uni<List<OutboundEvent>> stored(long jobId, long afterSeq, long beforeSeq, int most) {
    return logs.between(jobId, afterSeq, beforeSeq, most)
        .map(list -> list.stream().map(l -> render(jobId, l.seq(), l.entry())).toList());
  }
}
