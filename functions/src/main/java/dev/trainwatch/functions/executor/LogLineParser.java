package dev.trainwatch.functions.executor;

import dev.trainwatch.functions.domain.LogEntry;
import dev.trainwatch.functions.domain.LogLevel;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Turns one stream's output lines into log entries: a level read from each line, and a Python
 * traceback (from "Traceback (most recent call last):" to its exception line) kept together as one
 * ERROR entry. One parser per stream; not thread-safe. A traceback still open when a batch ends
 * waits for the next lines, or for {@link #finish}.
 */
public final class LogLineParser {

  private static final String TRACEBACK = "Traceback (most recent call last):";
  // Upper-case level words as logging libraries print them, and Python's "ValueError: ..." and
  // "UserWarning: ..."; a lower-case "error" in prose (e.g. "mean error 0.3") is not a level.
  private static final Pattern ERROR =
      Pattern.compile("\\b(ERROR|CRITICAL|FATAL)\\b|^\\w*(Error|Exception): ");
  private static final Pattern WARNING = Pattern.compile("\\bWARN(ING)?\\b|\\w*Warning: ");
  private static final Pattern DEBUG = Pattern.compile("\\b(DEBUG|TRACE)\\b");

  private final List<String> traceback = new ArrayList<>();
  private Instant tracebackStart;

  /** The level a single line reads as. */
  public static LogLevel levelOf(String line) {
    String head = line.length() > 200 ? line.substring(0, 200) : line;
    if (ERROR.matcher(head).find()) {
      return LogLevel.ERROR;
    }
    if (WARNING.matcher(head).find()) {
      return LogLevel.WARNING;
    }
    if (DEBUG.matcher(head).find()) {
      return LogLevel.DEBUG;
    }
    return LogLevel.INFO;
  }

  /** The entries that {@code line} completes (none while a traceback is still open). */
  public List<LogEntry> accept(Instant at, String line) {
    List<LogEntry> done = new ArrayList<>(2);
    if (!traceback.isEmpty()) {
      traceback.add(line);
      boolean indented = !line.isEmpty() && Character.isWhitespace(line.charAt(0));
      if (!indented) {
        done.add(closeTraceback());
      }
      return done;
    }
    if (line.strip().equals(TRACEBACK)) {
      tracebackStart = at;
      traceback.add(line);
      return done;
    }
    done.add(new LogEntry(at, levelOf(line), line));
    return done;
  }

  /** The traceback still open at the end of the stream, if any. */
  public List<LogEntry> finish() {
    return traceback.isEmpty() ? List.of() : List.of(closeTraceback());
  }

  private LogEntry closeTraceback() {
    LogEntry entry = new LogEntry(tracebackStart, LogLevel.ERROR, String.join("\n", traceback));
    traceback.clear();
    return entry;
  }
}
