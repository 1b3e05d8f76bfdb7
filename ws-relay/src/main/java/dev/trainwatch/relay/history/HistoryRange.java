package dev.trainwatch.relay.history;

import java.util.List;

/**
 * A job's events after a seq, as the capped history holds them.
 *
 * @param messages the events, in seq order
 * @param complete whether they are every event after that seq (false when the history no longer
 *     reaches back that far, or has expired)
 */
public record HistoryRange(List<String> messages, boolean complete) {}
