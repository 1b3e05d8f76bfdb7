package dev.trainwatch.functions.service;

import dev.trainwatch.functions.domain.LogEntry;
import dev.trainwatch.functions.domain.SequencedLog;
import dev.trainwatch.functions.event.EventRenderer;
import dev.trainwatch.functions.repository.LogRepository;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/**
 * Stores log entries of a job and publishes one {@code training_log} event per entry, in order (see
 * {@link BatchIngest}). The executors and the logs endpoint feed it; it does not parse lines (see
 * LogLineParser).
 */
@ApplicationScoped
public class LogIngestService {

  private final LogRepository repository;
  private final BatchIngest ingest;
  private final Counter entriesStored;

  public LogIngestService(LogRepository repository, BatchIngest ingest, MeterRegistry registry) {
    this.repository = repository;
    this.ingest = ingest;
    this.entriesStored =
        Counter.builder("trainwatch.ingest.log.entries")
            .description("Log entries stored")
            .register(registry);
  }

  /**
   * Stores and publishes {@code entries}, once per idempotency key (null for none); true when the
   * key was used before. Fails with {@link NoSuchJobException}.
   */
  public Uni<Boolean> ingest(long jobId, List<LogEntry> entries, String idempotencyKey) {
    if (entries.isEmpty()) {
      return Uni.createFrom().item(false);
    }
    return ingest
        .ingest(
            jobId,
            entries,
            "reported its first log line",
            () -> repository.insert(jobId, entries, idempotencyKey),
            (seq, entry) -> EventRenderer.log(jobId, new SequencedLog(seq, entry)))
        .invoke(
            duplicate -> {
              if (!duplicate) {
                entriesStored.increment(entries.size());
              }
            });
  }
}
