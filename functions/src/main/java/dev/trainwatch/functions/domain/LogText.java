package dev.trainwatch.functions.domain;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The rules that turn what a trainer wrote into the text of log entries, the same on every path (a
 * POST, a local process's output, a pod's log); docs/protocol.md, "Text", states them for users.
 *
 * <ul>
 *   <li>A line redrawn with carriage returns (a progress bar) is kept as its last state.
 *   <li>ANSI escape sequences stay in the text (the web UI renders their colours) but are not read
 *       when a level is looked for, and a line that shows nothing is no entry.
 *   <li>A line is stored in parts of at most {@link #MAX_PART} characters, each marked with its
 *       number; past {@link #MAX_PARTS} parts the rest is cut and the last part says how much.
 * </ul>
 */
public final class LogText {

  /** The most characters (UTF-16 code units, as JSON and browsers count) of a line in one entry. */
  public static final int MAX_PART = 16_384;

  /** The most parts one line is stored in: 64 parts of 16,384, so a line keeps 1 Mi characters. */
  public static final int MAX_PARTS = 64;

  /** The most characters of one line that are kept. */
  public static final int MAX_LINE = MAX_PART * MAX_PARTS;

  // ECMA-48 control sequences (CSI, e.g. colours and cursor moves), operating system commands
  // (OSC, e.g. titles and hyperlinks, ended by BEL or ESC \), and the other two-character escapes.
  private static final Pattern ESCAPE =
      Pattern.compile(
          "\u001B\\[[0-?]*[ -/]*[@-~]|\u001B\\][^\u0007\u001B]*(?:\u0007|\u001B\\\\)?|\u001B[@-_]?");

  private LogText() {}

  /** {@code text} as a terminal shows it, for reading levels: escape sequences removed. */
  public static String visible(String text) {
    return text.indexOf('\u001B') < 0 ? text : ESCAPE.matcher(text).replaceAll("");
  }

  /**
   * Whether {@code text} shows nothing: besides escape sequences it holds only white space (any
   * Unicode space or line end), control characters and format characters (such as U+200B, U+FEFF).
   */
  public static boolean showsNothing(String text) {
    return visible(text).codePoints().allMatch(LogText::invisible);
  }

  private static boolean invisible(int c) {
    return Character.isWhitespace(c)
        || Character.isSpaceChar(c)
        || Character.getType(c) == Character.CONTROL
        || Character.getType(c) == Character.FORMAT;
  }

  /** {@code text} without the lines that show nothing at its start and end ("a\n\n" is "a"). */
  public static String trimLines(String text) {
    if (text.indexOf('\n') < 0) {
      return text;
    }
    String[] lines = text.split("\n", -1);
    int first = 0;
    int last = lines.length - 1;
    while (first < last && showsNothing(lines[first])) {
      first++;
    }
    while (last > first && showsNothing(lines[last])) {
      last--;
    }
    return String.join("\n", Arrays.asList(lines).subList(first, last + 1));
  }

  /**
   * Each line of {@code text} (lines end at '\n') as a terminal leaves it after its carriage
   * returns: the last state that shows something, or "" when none does. "a\rb" is "b", "b\r" (a
   * Windows line end) is "b".
   */
  public static String lastState(String text) {
    if (text.indexOf('\r') < 0) {
      return text;
    }
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      lines[i] = lastStateOfLine(lines[i]);
    }
    return String.join("\n", lines);
  }

  private static String lastStateOfLine(String line) {
    int end = line.length();
    while (end > 0) {
      int start = line.lastIndexOf('\r', end - 1) + 1;
      String state = line.substring(start, end);
      if (!showsNothing(state)) {
        return state;
      }
      end = start - 1;
    }
    return "";
  }

  /**
   * {@code line} in parts of at most {@link #MAX_PART} characters (a surrogate pair is never
   * split), each but a lone part followed by " [trainwatch: part K/N]". Past {@link #MAX_LINE}
   * characters, or when {@code alreadyCut} characters were dropped before it got here, the last
   * part's mark also says how many characters were cut. One part, unmarked, for a short line.
   *
   * @param alreadyCut characters of the line a reader dropped before this (0 for none)
   */
  public static List<String> parts(String line, long alreadyCut) {
    int kept = Math.min(line.length(), MAX_LINE);
    if (kept < line.length() && Character.isHighSurrogate(line.charAt(kept - 1))) {
      kept--;
    }
    long cut = alreadyCut + line.length() - kept;
    if (kept <= MAX_PART && cut == 0) {
      return List.of(line);
    }
    List<String> chunks = new ArrayList<>();
    int start = 0;
    while (start < kept) {
      int end = Math.min(start + MAX_PART, kept);
      if (end < kept && Character.isHighSurrogate(line.charAt(end - 1))) {
        end--;
      }
      end = notInsideAnEscape(line, start, end);
      chunks.add(line.substring(start, end));
      start = end;
    }
    List<String> parts = new ArrayList<>(chunks.size());
    for (int i = 0; i < chunks.size(); i++) {
      String mark = " [trainwatch: part " + (i + 1) + "/" + chunks.size();
      if (i == chunks.size() - 1 && cut > 0) {
        mark += ", " + cut + " more characters cut";
      }
      parts.add(chunks.get(i) + mark + "]");
    }
    return parts;
  }

  /**
   * {@code end}, or the start of an escape sequence that would run past it, so that a part does not
   * end inside one (its colour would show as text in both parts).
   */
  private static int notInsideAnEscape(String line, int start, int end) {
    int escape = line.lastIndexOf('\u001B', end - 1);
    if (escape <= start || end - escape > 64) {
      return end;
    }
    Matcher sequence = ESCAPE.matcher(line).region(escape, Math.min(line.length(), escape + 128));
    return sequence.lookingAt() && sequence.end() > end ? escape : end;
  }

  /**
   * {@code text} when it has at most {@code most} characters; else its first ones (a surrogate pair
   * is never split) followed by " [trainwatch: N more characters cut]".
   */
  public static String cut(String text, int most) {
    if (text.length() <= most) {
      return text;
    }
    int end = Character.isHighSurrogate(text.charAt(most - 1)) ? most - 1 : most;
    return text.substring(0, end)
        + " [trainwatch: "
        + (text.length() - end)
        + " more characters cut]";
  }
}
