package dev.trainwatch.functions.domain;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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
   * @param lines its lines so far (at most {@link LogText#MAX_LINE} characters in all)
   * @param cut characters of further lines dropped past that bound
   */
  public record Held(Instant at, List<String> lines, long cut) {

    public Held {
      lines = List.copyOf(lines);
    }
  }

  // Python's header, an exception group's ("  + Exception Group Traceback ..."), and rich's boxed
  // one ("╭── Traceback (most recent call last) ──╮"), whose frames are drawn inside the box.
  private static final Pattern TRACEBACK =
      Pattern.compile(
          "^(?:[ +|]*(?:Exception Group )?Traceback \\(most recent call last\\):"
              + "|[ ]*[\u256D\u250C][\u2500\u2501 ]*Traceback \\(most recent call last\\)[\u2500\u2501 ]*[\u256E\u2510])\\s*$",
          Pattern.MULTILINE);

  /** What a frame line of rich's boxed traceback starts with. */
  private static final String BOX_EDGES = "\u2502\u2503\u2570\u2514\u256D\u250C";

  private static final Pattern CHAINED =
      Pattern.compile(
          "^(?:During handling of the above exception, another exception occurred"
              + "|The above exception was the direct cause of the following exception):\\s*$",
          Pattern.MULTILINE);

  // Where a level is written, earliest first wins ("INFO ... ERROR rate" is INFO):
  // - glog and absl's "E1130 12:00:00.123456 ...", also after TensorFlow's date and in PyTorch's
  //   c10 brackets ("[E ProcessGroupNCCL.cpp:475]", "[rank0]:[E1130 10:00:00.1 7 x.cpp:1]");
  // - logfmt's and slog's "level=error", JSON's "level": "error";
  // - a level word in capitals (logging, loguru, log4j, "[ERROR]", npm's "ERR!");
  // - an exception line as Python ("torch.cuda.OutOfMemoryError: ...", a bare "KeyError"), Java
  //   ("Exception in thread"), Node ("Uncaught TypeError") print it, and warnings' "UserWarning: ";
  // - "error: ", "fatal: ", "fatal error: ", "panic: " that command-line tools and Go start a line
  //   with, and what a shell says of a process that died ("Segmentation fault", "Killed").
  // A lower-case "error" in prose is no level.
  private static final Pattern LEVEL =
      Pattern.compile(
          "^(?:\\d{4}-\\d{2}-\\d{2} [\\d:.]+: |\\[rank\\d+\\]:\\[|\\[)?(?<glog>[IWEF])\\d{4} \\d{2}:\\d{2}:\\d{2}"
              + "|^(?:\\d{4}-\\d{2}-\\d{2} [\\d:.]+: )(?<tf>[IWEF]) "
              + "|\\[(?<c10>[IWEF]) [\\w./-]+:\\d+\\]"
              + "|\\b(?:level|lvl|severity)=\"?(?<pair>[A-Za-z]+)"
              + "|\"(?:level|levelname|severity)\"\\s*:\\s*\"(?<json>[A-Za-z]+)\""
              + "|(?<![='\"])\\b(?<word>ERROR|ERR!|CRITICAL|FATAL|WARNING|WARN|DEBUG|TRACE|INFO)"
              + "(?:\\b|(?<=!))(?!['\"])"
              + "|^(?<logrus>ERRO|WARN|INFO|DEBU|TRAC|FATA|PANI)\\[\\d+\\]"
              + "|\\t(?<zap>debug|info|warn|error|dpanic|panic|fatal)\\t"
              + "|\\[(?<bracket>error|warning|warn|critical|info|debug|trace)\\]"
              + "|^npm (?<npm>error|warn) "
              + "|^(?:Uncaught )?[\\w.$]*(?<exception>Error|Exception|Interrupt)"
              + "(?:: (?![-+\\d.e%]+\\s*$)|:?$)"
              + "|^(?<thread>Exception in thread )"
              + "|[\\w.]*(?<warning>Warning): "
              + "|^(?<tool>error|fatal error|fatal|panic|warning|Warn)(?:\\[\\w+\\])?: "
              + "|^(?<died>Segmentation fault|Bus error|Killed$|Aborted|Illegal instruction"
              + "|Floating point exception|terminate called after throwing|\\s*what\\(\\): "
              + "|Fatal Python error: |\\*\\*\\* Error in |Exception ignored in"
              + "|srun: error: |slurmstepd: error: |Error executing job with overrides)"
              + "|(?<crash>\\bCUDA error: |: line \\d+: +\\d+ Killed|: can't open file |: not found$)");
  private static final int LEVEL_HEAD = 300;

  /** The groups of LEVEL that capture a level's name. */
  private static final List<String> NAMED_GROUPS =
      List.of("pair", "json", "word", "logrus", "zap", "bracket", "npm", "tool");

  private static final String PREFIX =
      "\\[(?:rank|default)\\d+\\]: ?|\\((?:\\w+ )?pid=\\d+(?:, ip=[\\d.]+)?\\) |\\d{1,4}: ";
  private static final Pattern SOURCE_PREFIX = Pattern.compile(PREFIX);
  private static final Pattern SOURCE_PREFIX_TRACEBACK =
      Pattern.compile(
          "^(?:" + PREFIX + ")[ +|]*Traceback \\(most recent call last\\):", Pattern.MULTILINE);

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
  private long tracebackCut;

  /** A parser with nothing open. */
  public LogLineParser() {}

  /** A parser that goes on with a traceback an earlier batch of the same source left open. */
  public LogLineParser(Held held) {
    if (held != null && !held.lines().isEmpty()) {
      held.lines().forEach(this::addToTraceback);
      tracebackCut = held.cut();
      tracebackStart = held.at();
      state = State.OPEN;
    }
  }

  /**
   * The level {@code text} reads as: ERROR when it holds a traceback, else the first level written
   * in its first 300 visible characters, else INFO.
   */
  public static LogLevel levelOf(String text) {
    String visible = unprefixed(LogText.visible(text));
    if (TRACEBACK.matcher(visible).find()
        || CHAINED.matcher(visible).find()
        || SOURCE_PREFIX_TRACEBACK.matcher(visible).find()) {
      return LogLevel.ERROR;
    }
    Matcher level = LEVEL.matcher(visible);
    level.region(0, Math.min(visible.length(), LEVEL_HEAD));
    if (!level.find()) {
      return LogLevel.INFO;
    }
    String letter =
        level.group("glog") != null
            ? level.group("glog")
            : level.group("tf") != null ? level.group("tf") : level.group("c10");
    if (letter != null) {
      return switch (letter) {
        case "E", "F" -> LogLevel.ERROR;
        case "W" -> LogLevel.WARNING;
        default -> LogLevel.INFO;
      };
    }
    if (level.group("exception") != null
        || level.group("thread") != null
        || level.group("died") != null
        || level.group("crash") != null) {
      return LogLevel.ERROR;
    }
    if (level.group("warning") != null) {
      return LogLevel.WARNING;
    }
    for (String group : NAMED_GROUPS) {
      if (level.group(group) != null) {
        return named(level.group(group));
      }
    }
    return LogLevel.INFO;
  }

  private static LogLevel named(String name) {
    LogLevel level = LogLevel.named(name);
    return level == null ? LogLevel.INFO : level;
  }

  /**
   * {@code visible} without the prefix a launcher puts before every line of a worker's output
   * (torchrun's "[rank0]: " and "[default0]:", Ray's "(RayTrainWorker pid=12) ", "--tee"'s "0: "),
   * which would hide a traceback's shape; the stored text keeps it.
   */
  private static String unprefixed(String visible) {
    Matcher prefix = SOURCE_PREFIX.matcher(visible);
    return prefix.lookingAt() ? visible.substring(prefix.end()) : visible;
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
    String shown = LogText.visible(text);
    if (text.indexOf('\n') >= 0
        && (state != State.NONE
            || TRACEBACK.matcher(shown).find()
            || SOURCE_PREFIX_TRACEBACK.matcher(shown).find())) {
      // Lines of a traceback sent together in one message: each takes part as a line would.
      List<LogEntry> done = new ArrayList<>();
      for (String one : text.split("\n", -1)) {
        done.addAll(accept(at, one, 0));
      }
      return done;
    }
    String visible = unprefixed(shown);
    boolean blank = LogText.showsNothing(text);
    List<LogEntry> done = new ArrayList<>(2);
    if (state == State.ENDED) {
      if (blank) {
        blanksAfterEnd++;
        return done;
      }
      if (CHAINED.matcher(visible).matches()) { // a new header without it is a new traceback
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
      boolean frame =
          blank
              || Character.isWhitespace(visible.charAt(0))
              || BOX_EDGES.indexOf(visible.charAt(0)) >= 0;
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
        return done;
      }
    }
    if (blank) {
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
    if (!LogText.showsNothing(text)) {
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
    return state == State.OPEN ? new Held(tracebackStart, traceback, tracebackCut) : null;
  }

  /** Whatever traceback is open, at the end of the source. */
  public List<LogEntry> finish() {
    return state == State.NONE ? List.of() : closeTraceback();
  }

  /** Adds a line, or counts it as cut once the traceback holds {@link LogText#MAX_LINE}. */
  private void addToTraceback(String line) {
    if (tracebackChars + line.length() + 1 > LogText.MAX_LINE && !traceback.isEmpty()) {
      tracebackCut += line.length() + 1;
      return;
    }
    traceback.add(line);
    tracebackChars += line.length() + 1;
  }

  /** Whether the open traceback is an exception group's, whose header is indented. */
  private boolean isGroup() {
    return !traceback.isEmpty()
        && Character.isWhitespace(unprefixed(LogText.visible(traceback.get(0))).charAt(0));
  }

  private List<LogEntry> closeTraceback() {
    int end = traceback.size();
    while (end > 1 && LogText.showsNothing(traceback.get(end - 1))) {
      end--;
    }
    List<LogEntry> entries =
        entries(
            tracebackStart,
            LogLevel.ERROR,
            String.join("\n", traceback.subList(0, end)),
            tracebackCut);
    traceback.clear();
    tracebackChars = 0;
    tracebackCut = 0;
    blanksAfterEnd = 0;
    state = State.NONE;
    return entries;
  }

  private static List<LogEntry> entries(Instant at, LogLevel level, String text, long cut) {
    List<LogEntry> entries = new ArrayList<>(1);
    for (String part : LogText.parts(LogText.trimLines(text), cut)) {
      entries.add(new LogEntry(at, level, part));
    }
    return entries;
  }
}
