package dev.trainwatch.functions.executor;

import dev.trainwatch.functions.domain.LogEntry;
import dev.trainwatch.functions.domain.Observation;
import java.util.List;

/**
 * Where an executor that watches its jobs as they run (the local one, which owns the processes)
 * says what it sees the moment it sees it. The service layer implements it and stores; an executor
 * never stores (see {@link JobExecutor}). Executors that are polled (Kubernetes) do not use it: the
 * status sweep asks them instead.
 *
 * <p>Each call blocks until what it says is stored, so watchers see a job's events in the order the
 * executor saw them (its start before its first line, its last line before its end). Call it from
 * the executor's own threads, never from the event loop.
 */
public interface ExecutionListener {

  /**
   * The job's execution was seen in {@code seen} (started, ended). A job that is gone or already
   * past it is left as it is.
   */
  void observed(long jobId, Observation seen);

  /** The job wrote {@code entries}, oldest first. A failure to store them is logged, not thrown. */
  void wrote(long jobId, List<LogEntry> entries);
}
