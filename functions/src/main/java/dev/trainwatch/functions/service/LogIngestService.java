package dev.trainwatch.functions.service;

import dev.trainwatch.functions.config.TrainwatchConfig;
import dev.trainwatch.functions.domain.LogEntry;
import dev.trainwatch.functions.domain.LogLine;
import dev.trainwatch.functions.domain.LogLineParser;
import dev.trainwatch.functions.repository.HeldTracebackRepository;
import dev.trainwatch.functions.repository.HeldTracebackRepository.HeldTraceback;
import dev.trainwatch.functions.repository.JobStateRepository;
import dev.trainwatch.functions.repository.LogRepository;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Stores log entries of a job and publishes one {@code training_log} event per entry, in order (see
 * {@link BatchIngest}). The executors feed it entries they parsed; the logs endpoint feeds it lines
 * as written, which it parses here with the traceback the caller's previous request left open
 * ({@link HeldTracebackRepository}), so a traceback split over requests is still one entry.
 */
@ApplicationScoped
public class LogIngestService {

  /** The source name of lines sent to the logs endpoint. */
  static final String API_SOURCE = "api";

  private final LogRepository repository;
  private final BatchIngest ingest;
  private final LogEventType type;
  private final HeldTracebackRepository held;
  private final JobStateRepository states;
  private final Duration hold;
  private final Counter entriesStored;

  public LogIngestService(
      LogRepository repository,
      BatchIngest ingest,
      LogEventType type,
      HeldTracebackRepository held,
      JobStateRepository states,
      TrainwatchConfig config,
      MeterRegistry registry) {
    this.repository = repository;
    this.ingest = ingest;
    this.type = type;
    this.held = held;
    this.states = states;
    this.hold = config.logs().tracebackHold();
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
            type)
        .invoke(
            duplicate -> {
              if (!duplicate) {
                entriesStored.increment(entries.size());
              }
            });
  }

  /**
   * Parses {@code lines} as the logs endpoint received them, goes on with the traceback the
   * endpoint's previous request for the job left open (or stores it first, when its time is up),
   * stores the entries like {@link #ingest}, and holds a traceback this request leaves open. A
   * repeated idempotency key leaves the held traceback as it was. Fails like {@link #ingest}; what
   * was held is held again then.
   */
  public Uni<Boolean> ingestLines(long jobId, List<LogLine> lines, String idempotencyKey) {
    return held.take(jobId, API_SOURCE)
        .chain(
            taken -> {
              if (taken != null
                  && idempotencyKey != null
                  && idempotencyKey.equals(taken.idempotencyKey())) {
                return restore(taken).replaceWith(true); // a retry of the request that held it
              }
              Instant now = Instant.now();
              List<LogEntry> entries = new ArrayList<>();
              LogLineParser parser = HeldTraceback.goOn(taken, now, entries);
              for (LogLine line : lines) {
                entries.addAll(
                    line.level() == null
                        ? parser.accept(line.at(), line.text())
                        : parser.accept(line.at(), line.level(), line.text()));
              }
              entries.addAll(parser.endOfBatch());
              LogLineParser.Held open = parser.held();
              // Lines that all wait in a held traceback store nothing yet: the job must still
              // exist for them to be taken (a deleted job's trainer gets its 404).
              Uni<Boolean> stored =
                  entries.isEmpty()
                      ? NoSuchJobException.unlessFound(states.find(jobId), jobId).replaceWith(false)
                      : ingest(jobId, entries, idempotencyKey);
              return stored
                  .call(
                      duplicate ->
                          duplicate
                              ? restore(taken)
                              : held.hold(jobId, API_SOURCE, open, now.plus(hold), idempotencyKey))
                  .onFailure()
                  .call(() -> restore(taken));
            });
  }

  /**
   * Stores every held traceback whose time is up, as it is: those of callers and pods that never
   * came back. Called by each sweep; returns how many.
   */
  public Uni<Integer> storeDueTracebacks() {
    return held.takeDue(Instant.now())
        .chain(
            due ->
                Multi.createFrom()
                    .iterable(due)
                    .onItem()
                    .transformToUniAndConcatenate(
                        taken ->
                            ingest(taken.jobId(), new LogLineParser(taken.held()).finish(), null)
                                .onFailure()
                                .recoverWithItem(
                                    e -> {
                                      Log.warnf(
                                          "Job %d: a held traceback could not be stored: %s",
                                          taken.jobId(), e.getMessage());
                                      return false;
                                    }))
                    .collect()
                    .asList()
                    .map(List::size));
  }

  private Uni<Void> restore(HeldTraceback taken) {
    return taken == null
        ? Uni.createFrom().voidItem()
        : held.hold(
            taken.jobId(), taken.source(), taken.held(), taken.due(), taken.idempotencyKey());
  }
}
