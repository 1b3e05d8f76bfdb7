package dev.trainwatch.functions.executor;

import dev.trainwatch.functions.domain.LogText;
import java.io.IOException;
import java.io.Reader;

/**
 * Reads a process's output as lines that end at '\n' only: a carriage return stays in its line (a
 * progress bar's redraws are one line, whose last state LogText keeps), where {@link
 * java.io.BufferedReader#readLine} would end a line at each. A line keeps at most {@link
 * LogText#MAX_LINE} characters; the rest is counted, not held, so one endless line cannot fill the
 * heap. Not thread-safe.
 */
final class OutputLineReader implements AutoCloseable {

  /**
   * One line.
   *
   * @param text its first {@link LogText#MAX_LINE} characters, without the '\n'
   * @param cut how many characters after those were dropped
   */
  record Line(String text, long cut) {}

  private final Reader in;
  private final char[] buffer = new char[8192];
  private int position;
  private int limit;
  private final StringBuilder line = new StringBuilder();

  OutputLineReader(Reader in) {
    this.in = in;
  }

  /** The next line, waiting for it; null at the end of the output. */
  Line next() throws IOException {
    line.setLength(0);
    long cut = 0;
    boolean any = false;
    while (true) {
      if (position == limit) {
        limit = in.read(buffer, 0, buffer.length);
        position = 0;
        if (limit < 0) {
          limit = 0;
          return any ? new Line(line.toString(), cut) : null;
        }
      }
      any = true;
      int start = position;
      while (position < limit && buffer[position] != '\n') {
        position++;
      }
      int room = LogText.MAX_LINE - line.length();
      int length = position - start;
      line.append(buffer, start, Math.min(length, room));
      cut += Math.max(0, length - room);
      if (position < limit) {
        position++; // the '\n'
        return new Line(line.toString(), cut);
      }
    }
  }

  /** Whether a line's first character can be read without waiting. */
  boolean ready() throws IOException {
    return position < limit || in.ready();
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
