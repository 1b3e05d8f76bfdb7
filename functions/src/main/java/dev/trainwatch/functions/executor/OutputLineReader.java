package dev.trainwatch.functions.executor;

import dev.trainwatch.functions.domain.LogText;
import java.io.IOException;
import java.io.Reader;

/**
 * Reads a process's output as lines that end at '\n' only: a carriage return stays in its line (a
 * progress bar's redraws are one line), where {@link java.io.BufferedReader#readLine} would end a
 * line at each. Redraws are resolved as they are read: of the states before the last carriage
 * return only the last that shows something is kept, so a bar redrawn for hours is held as two
 * states, not as everything it printed. Each state keeps at most {@link LogText#MAX_LINE}
 * characters; the rest is counted, not held, so one endless line cannot fill the heap. Not
 * thread-safe.
 */
final class OutputLineReader implements AutoCloseable {

  /**
   * One line.
   *
   * @param text the kept state before its last carriage return (if any) and what follows it,
   *     without the '\n'; LogText.lastState picks the state to store
   * @param cut how many characters of that state were dropped past {@link LogText#MAX_LINE}
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
    int segmentStart = 0; // where the state after the last carriage return starts
    long keptCut = 0; // characters cut of the state kept before segmentStart
    long segmentCut = 0;
    boolean any = false;
    while (true) {
      if (position == limit) {
        limit = in.read(buffer, 0, buffer.length);
        position = 0;
        if (limit < 0) {
          limit = 0;
          return any ? end(segmentStart, keptCut, segmentCut) : null;
        }
      }
      any = true;
      int start = position;
      while (position < limit && buffer[position] != '\n' && buffer[position] != '\r') {
        position++;
      }
      int length = position - start;
      int room = LogText.MAX_LINE - (line.length() - segmentStart);
      line.append(buffer, start, Math.min(length, room));
      segmentCut += Math.max(0, length - room);
      if (position == limit) {
        continue;
      }
      if (buffer[position++] == '\n') {
        return end(segmentStart, keptCut, segmentCut);
      }
      // A carriage return: the state before it replaces the one kept, if it shows something.
      if (!LogText.showsNothing(line.substring(segmentStart))) {
        line.delete(0, segmentStart);
        line.append('\r');
        keptCut = segmentCut;
      } else {
        line.setLength(segmentStart);
      }
      segmentStart = line.length();
      segmentCut = 0;
    }
  }

  private Line end(int segmentStart, long keptCut, long segmentCut) {
    boolean lastShows = !LogText.showsNothing(line.substring(segmentStart));
    return new Line(line.toString(), lastShows ? segmentCut : keptCut);
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
