package dev.trainwatch.relay.history;

import java.util.concurrent.CompletionStage;

/** A job's recent events, kept by the functions in a capped history, for clients that resume. */
public interface EventHistory {

  /** The job's events with a seq above {@code since}. */
  CompletionStage<HistoryRange> after(long jobId, long since);
}
