package dev.trainwatch.functions.domain;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * One log entry of a job: a line, or a whole Python traceback.
 *
 * @param timestamp when it was written, kept to the microsecond as PostgreSQL keeps it, so a
 *     replayed event says what the live one said
 * @param level its level
 * @param message the text, without a trailing newline; U+0000 and lone surrogates become U+FFFD
 *     ({@link StoredText})
 */
public record LogEntry(Instant timestamp, LogLevel level, String message) {

  public LogEntry {
    timestamp = timestamp.truncatedTo(ChronoUnit.MICROS);
    message = StoredText.of(message);
  }
}
