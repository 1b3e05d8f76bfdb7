package dev.trainwatch.functions.domain;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns one source's lines into log entries as a person reads them: a level read from each line,
 * with {@link LogText}'s rules for carriage returns, escapes and size, and a Python traceback (from
 * its "Traceback (most recent call last):" through its exception line, chained tracebacks included)
 * kept together as one ERROR entry. One parser per source (a process's output, a pod, an API
 * caller); not thread-safe.
 *
 * <p>A traceback still open when a batch ends is {@link #held()}: the caller carries it to the
 * source's next batch ({@link #LogLineParser(Held)}), so it stays one entry across requests and
 * across reads of a pod's log. A traceback whose exception line came is closed at the end of a
 * batch ({@link #endOfBatch()}) rather than held for a chain that may never come.
 */
public final class LogLineParser {

  /**
   * A traceback whose exception line has not come yet, carried from one batch to the next.
   *
   * @param at when its first line was written
   * @param lines its lines so far
   */
  public record Held(Instant at, List<String> lines) {

    public Held {
      lines = List.copyOf(lines);
    }
  }

  private static final Pattern TRACEBACK =
      Pattern.compile(
          "^[ +|]*(?:Exception Group )?Traceback \\(most recent call last\\):\\s*$",
          Pattern.MULTILINE);
  private static final Pattern CHAINED =
      Pattern.compile(
          "^(?:During handling of the above exception, another exception occurred"
              + "|The above exception was the direct cause of the following exception):\\s*$");

  // Where a level is written, earliest first wins ("INFO ... ERROR rate" is INFO):
  // glog and absl's "E1130 12:00:00.123456 ...", logfmt's and slog's "level=error", JSON's
  // "level": "error", a level word in capitals (logging, loguru, log4j, "[ERROR]"), Python's
  // "ValueError: ..." and warnings' "UserWarning: ...", and the "error: ", "fatal: ", "panic: "
  // that command-line tools and Go start a line with. A lower-case "error" in prose is no level.
  private static final Pattern LEVEL =
      Pattern.compile(
          "^(?<glog>[IWEF])\\d{4} \\d{2}:\\d{2}:\\d{2}"
              + "|\\b(?:level|lvl|severity)=\"?(?<pair>[A-Za-z]+)"
              + "|\"(?:level|levelname|severity)\"\\s*:\\s*\"(?<json>[A-Za-z]+)\""
              + "|\\b(?<word>ERROR|CRITICAL|FATAL|WARNING|WARN|DEBUG|TRACE|INFO)\\b"
              + "|^\\w*(?<exception>Error|Exception): "
              + "|\\w*(?<warning>Warning): "
              + "|^(?<tool>error|fatal|panic|warning)(?:\\[\\w+\\])?: ");

  private static final int LEVEL_HEAD = 300;

  private enum State {
    /** No traceback is open. */
    NONE,
    /** A traceback is open: its frames are still coming. */
    OPEN,
    /** Its exception line came: a chained traceback may still follow. */
    ENDED
  }

  private final List<String> traceback = new ArrayList<>();
  private Instant tracebackStart;
  private State state = State.NONE;
  private int blanksAfterEnd;
  private int tracebackChars;

  /** A parser with nothing open. */
  public LogLineParser() {}

  /** A parser that goes on with a traceback an earlier batch of the same source left open. */
  public LogLineParser(Held held) {
    if (held != null && !held.lines().isEmpty()) {
      held.lines().forEach(this::addToTraceback);
      tracebackStart = held.at();
      state = State.OPEN;
    }
  }

  /**
   * The level {@code text} reads as: ERROR when it holds a traceback, else the first level written
   * in its first 300 visible characters, else INFO.
   */
  public static LogLevel levelOf(String text) {
    String visible = LogText.visible(text);
    if (TRACEBACK.matcher(visible).find()) {
      return LogLevel.ERROR;
    }
    Matcher level = LEVEL.matcher(visible);
    level.region(0, Math.min(visible.length(), LEVEL_HEAD));
    if (!level.find()) {
      return LogLevel.INFO;
    }
    if (level.group("glog") != null) {
      return switch (level.group("glog")) {
        case "E", "F" -> LogLevel.ERROR;
        case "W" -> LogLevel.WARNING;
        default -> LogLevel.INFO;
      };
    }
    if (level.group("exception") != null) {
      return LogLevel.ERROR;
    }
    if (level.group("warning") != null) {
      return LogLevel.WARNING;
    }
    String name =
        level.group("pair") != null
            ? level.group("pair")
            : level.group("json") != null
                ? level.group("json")
                : level.group("word") != null ? level.group("word") : level.group("tool");
    return named(name);
  }

  /** The level a level name stands for (any case; WARN, CRITICAL, FATAL, PANIC, TRACE too). */
  private static LogLevel named(String name) {
    return switch (name.toUpperCase(Locale.ROOT)) {
      case "ERROR", "ERR", "CRITICAL", "FATAL", "PANIC", "ALERT", "EMERG", "EMERGENCY" ->
          LogLevel.ERROR;
      case "WARNING", "WARN" -> LogLevel.WARNING;
      case "DEBUG", "TRACE" -> LogLevel.DEBUG;
      default -> LogLevel.INFO;
    };
  }

  /** The entries {@code line} completes; its level is read from it. */
  public List<LogEntry> accept(Instant at, String line) {
    return accept(at, line, 0);
  }

  /**
   * The entries {@code line} completes, when a reader already dropped {@code cut} characters of it
   * (see {@link LogText#parts}).
   */
  public List<LogEntry> accept(Instant at, String line, long cut) {
    String text = LogText.lastState(line);
    String visible = LogText.visible(text);
    List<LogEntry> done = new ArrayList<>(2);
    if (state == State.ENDED) {
      if (visible.isBlank()) {
        blanksAfterEnd++;
        return done;
      }
      if (CHAINED.matcher(visible).matches() || TRACEBACK.matcher(visible).matches()) {
        for (; blanksAfterEnd > 0; blanksAfterEnd--) {
          addToTraceback("");
        }
        addToTraceback(text);
        state = State.OPEN;
        return done;
      }
      done.addAll(closeTraceback());
    }
    if (state == State.OPEN) {
      boolean frame = visible.isBlank() || Character.isWhitespace(visible.charAt(0));
      boolean header = TRACEBACK.matcher(visible).matches();
      if (!frame && !header && isGroup()) {
        // An exception group's traceback is all indented: its first unindented line is the next
        // entry's.
        done.addAll(closeTraceback());
      } else {
        addToTraceback(text);
        if (!frame && !header) {
          state = State.ENDED; // its exception line
        }
        if (tracebackChars >= LogText.MAX_LINE) {
          done.addAll(closeTraceback()); // not held on to past the longest line
        }
        return done;
      }
    }
    if (visible.isBlank()) {
      return done; // a line that shows nothing is no entry
    }
    if (TRACEBACK.matcher(visible).matches()) {
      tracebackStart = at;
      addToTraceback(text);
      state = State.OPEN;
      return done;
    }
    done.addAll(entries(at, levelOf(text), text, cut));
    return done;
  }

  /**
   * The entries of a line whose level its writer gave: whatever traceback is open first, then the
   * line (none when it shows nothing).
   */
  public List<LogEntry> accept(Instant at, LogLevel level, String line) {
    List<LogEntry> done = new ArrayList<>(finish());
    String text = LogText.lastState(line);
    if (!LogText.visible(text).isBlank()) {
      done.addAll(entries(at, level, text, 0));
    }
    return done;
  }

  /** The traceback whose exception line came, at the end of a batch; an open one stays held. */
  public List<LogEntry> endOfBatch() {
    return state == State.ENDED ? closeTraceback() : List.of();
  }

  /** The traceback still open, to carry to this source's next batch; null when none is. */
  public Held held() {
    return state == State.OPEN ? new Held(tracebackStart, traceback) : null;
  }

  /** Whatever traceback is open, at the end of the source. */
  public List<LogEntry> finish() {
    return state == State.NONE ? List.of() : closeTraceback();
  }

  private void addToTraceback(String line) {
    traceback.add(line);
    tracebackChars += line.length() + 1;
  }

  /** Whether the open traceback is an exception group's, whose header is indented. */
  private boolean isGroup() {
    return !traceback.isEmpty()
        && Character.isWhitespace(LogText.visible(traceback.get(0)).charAt(0));
  }

  private List<LogEntry> closeTraceback() {
    int end = traceback.size();
    while (end > 1 && LogText.visible(traceback.get(end - 1)).isBlank()) {
      end--;
    }
    List<LogEntry> entries =
        entries(tracebackStart, LogLevel.ERROR, String.join("\n", traceback.subList(0, end)), 0);
    traceback.clear();
    tracebackChars = 0;
    blanksAfterEnd = 0;
    state = State.NONE;
    return entries;
  }

  private static List<LogEntry> entries(Instant at, LogLevel level, String text, long cut) {
    List<LogEntry> entries = new ArrayList<>(1);
    for (String part : LogText.parts(text, cut)) {
      entries.add(new LogEntry(at, level, part));
    }
    return entries;
  }
}
