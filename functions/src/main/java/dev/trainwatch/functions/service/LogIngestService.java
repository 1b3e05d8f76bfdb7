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
 * Stores log entries of a job and publishes one {@code training_log} event per entry, in order. The
 * executors feed it (pod logs, local process output); it does not parse lines (see LogLineParser).
 */
@ApplicationScoped
public class LogIngestService {

  private final LogRepository repository;
  private final EventFeed feed;
  private final Counter entriesStored;

  public LogIngestService(LogRepository repository, EventFeed feed, MeterRegistry registry) {
    this.repository = repository;
    this.feed = feed;
    this.entriesStored =
        Counter.builder("trainwatch.ingest.log.entries")
            .description("Log entries stored")
            .register(registry);
  }

  /** Stores and publishes {@code entries}; fails with {@link NoSuchJobException}. */
  public Uni<Void> ingest(long jobId, List<LogEntry> entries) {
    if (entries.isEmpty()) {
      return Uni.createFrom().voidItem();
    }
    return repository
        .insert(jobId, entries)
        .onItem()
        .ifNull()
        .failWith(() -> new NoSuchJobException(jobId))
        .flatMap(
            stored -> {
              entriesStored.increment(entries.size());
              return feed.publishBatch(
                  jobId,
                  stored,
                  entries,
                  (seq, entry) -> EventRenderer.log(jobId, new SequencedLog(seq, entry)));
            });
  }

  /** The newest {@code limit} entries before {@code beforeSeq}, oldest first. */
  public Uni<List<SequencedLog>> tail(long jobId, long beforeSeq, int limit) {
    return repository.tail(jobId, beforeSeq, limit);
  }
}
