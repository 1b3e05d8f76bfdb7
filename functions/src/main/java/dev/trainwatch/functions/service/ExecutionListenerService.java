package dev.trainwatch.functions.service;

import dev.trainwatch.functions.domain.JobRef;
import dev.trainwatch.functions.domain.LogEntry;
import dev.trainwatch.functions.domain.Observation;
import dev.trainwatch.functions.executor.ExecutionListener;
import dev.trainwatch.functions.repository.JobStateRepository;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/**
 * Stores what an executor reports as it sees it: a status through {@link StatusService} (from the
 * job's stored status, so a cancel that came first stands), log entries through {@link
 * LogIngestService}. Blocks, as {@link ExecutionListener} says: it runs on the executor's threads.
 */
@ApplicationScoped
public class ExecutionListenerService implements ExecutionListener {

  private final JobStateRepository states;
  private final StatusService status;
  private final LogIngestService logs;

  public ExecutionListenerService(
      JobStateRepository states, StatusService status, LogIngestService logs) {
    this.states = states;
    this.status = status;
    this.logs = logs;
  }

  @Override
  public void observed(long jobId, Observation seen) {
    JobRef current = states.find(jobId).await().indefinitely();
    if (current != null) {
      status.apply(current, seen).await().indefinitely();
    }
  }

  @Override
  public void wrote(long jobId, List<LogEntry> entries) {
    try {
      logs.ingest(jobId, entries, null).await().indefinitely();
    } catch (RuntimeException e) {
      Log.warnf("Job %d: %d log lines lost: %s", jobId, entries.size(), e.getMessage());
    }
  }
}
