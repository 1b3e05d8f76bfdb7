package dev.trainwatch.functions.executor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trainwatch.functions.domain.LogEntry;
import dev.trainwatch.functions.domain.LogLevel;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Unit: levels read from lines, and tracebacks kept whole. */
class LogLineParserTest {

  private static final Instant T = Instant.parse("2026-11-28T10:00:00Z");

  @Test
  void readsLevelsAsLoggingLibrariesPrintThem() {
    assertThat(LogLineParser.levelOf("2026-11-28 10:00:00 ERROR cuda out of memory"))
        .isEqualTo(LogLevel.ERROR);
    assertThat(LogLineParser.levelOf("CRITICAL: disk full")).isEqualTo(LogLevel.ERROR);
    assertThat(LogLineParser.levelOf("RuntimeError: CUDA error")).isEqualTo(LogLevel.ERROR);
    assertThat(LogLineParser.levelOf("WARNING: lr is high")).isEqualTo(LogLevel.WARNING);
    assertThat(LogLineParser.levelOf("/x.py:3: UserWarning: deprecated"))
        .isEqualTo(LogLevel.WARNING);
    assertThat(LogLineParser.levelOf("DEBUG batch 3")).isEqualTo(LogLevel.DEBUG);
    assertThat(LogLineParser.levelOf("Epoch 3/10 mean error 0.3")).isEqualTo(LogLevel.INFO);
    assertThat(LogLineParser.levelOf("val_error=0.2")).isEqualTo(LogLevel.INFO);
  }

  @Test
  void keepsAPythonTracebackAsOneErrorEntry() {
    LogLineParser parser = new LogLineParser();
    List<LogEntry> entries = new ArrayList<>();
    for (String line :
        List.of(
            "step 10",
            "Traceback (most recent call last):",
            "  File \"train.py\", line 9, in <module>",
            "    main()",
            "ZeroDivisionError: division by zero",
            "after")) {
      entries.addAll(parser.accept(T, line));
    }
    entries.addAll(parser.finish());
    assertThat(entries)
        .extracting(LogEntry::level)
        .containsExactly(LogLevel.INFO, LogLevel.ERROR, LogLevel.INFO);
    assertThat(entries.get(1).message())
        .isEqualTo(
            "Traceback (most recent call last):\n  File \"train.py\", line 9, in <module>\n    main()\n"
                + "ZeroDivisionError: division by zero");
  }

  @Test
  void aTracebackCutOffByTheEndOfTheStreamIsStillKept() {
    LogLineParser parser = new LogLineParser();
    assertThat(parser.accept(T, "Traceback (most recent call last):")).isEmpty();
    assertThat(parser.accept(T, "  File \"x.py\", line 1")).isEmpty();
    assertThat(parser.finish())
        .singleElement()
        .extracting(LogEntry::level)
        .isEqualTo(LogLevel.ERROR);
    assertThat(parser.finish()).isEmpty();
  }
}
