package dev.trainwatch.functions.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Unit: levels read from lines as people read them (escapes ignored), tracebacks kept whole (also
 * chained, and across batches), carriage returns and blank lines.
 */
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

  @Test
  void readsLevelsThroughColoursAndInTheFormsLibrariesPrint() {
    assertThat(LogLineParser.levelOf("\u001b[31mERROR\u001b[0m CUDA out of memory"))
        .isEqualTo(LogLevel.ERROR);
    assertThat(LogLineParser.levelOf("\u001b[1;33mWARNING\u001b[0m: lr high"))
        .isEqualTo(LogLevel.WARNING);
    assertThat(LogLineParser.levelOf("ERROR:root:loader died")).isEqualTo(LogLevel.ERROR);
    assertThat(
            LogLineParser.levelOf(
                "2026-11-30 10:00:00.123 | WARNING  | train:step:42 - grad norm 1e4"))
        .isEqualTo(LogLevel.WARNING);
    assertThat(LogLineParser.levelOf("E1130 10:00:00.123456  4242 train.py:12] nan loss"))
        .isEqualTo(LogLevel.ERROR);
    assertThat(LogLineParser.levelOf("W1130 10:00:00.123456  4242 train.py:12] slow"))
        .isEqualTo(LogLevel.WARNING);
    assertThat(LogLineParser.levelOf("I1130 10:00:00.123456  4242 train.py:12] ERROR-free"))
        .isEqualTo(LogLevel.INFO);
    assertThat(LogLineParser.levelOf("F1130 10:00:00.123456  4242 train.py:12] abort"))
        .isEqualTo(LogLevel.ERROR);
    assertThat(LogLineParser.levelOf("time=2026-11-30T10:00:00Z level=error msg=\"oom\""))
        .isEqualTo(LogLevel.ERROR);
    assertThat(LogLineParser.levelOf("{\"level\": \"warn\", \"msg\": \"slow\"}"))
        .isEqualTo(LogLevel.WARNING);
    assertThat(LogLineParser.levelOf("Error: cannot open dataset")).isEqualTo(LogLevel.ERROR);
    assertThat(LogLineParser.levelOf("error: unexpected argument")).isEqualTo(LogLevel.ERROR);
    assertThat(LogLineParser.levelOf("panic: runtime error: index out of range"))
        .isEqualTo(LogLevel.ERROR);
    assertThat(LogLineParser.levelOf("Warning: no GPU found")).isEqualTo(LogLevel.WARNING);
    assertThat(LogLineParser.levelOf("INFO step 3: ERROR rate 0.1")).isEqualTo(LogLevel.INFO);
    assertThat(LogLineParser.levelOf("[DEBUG] batch shape (32, 3)")).isEqualTo(LogLevel.DEBUG);
  }

  @Test
  void aWholeTracebackInOneMessageIsAnError() {
    assertThat(
            LogLineParser.levelOf(
                "Traceback (most recent call last):\n  File \"t.py\", line 1\nKeyError: 'x'"))
        .isEqualTo(LogLevel.ERROR);
    assertThat(LogLineParser.levelOf("epoch failed\nTraceback (most recent call last):\n  x"))
        .isEqualTo(LogLevel.ERROR);
  }

  @Test
  void keepsAChainedTracebackAsOneErrorEntry() {
    List<String> lines =
        List.of(
            "Traceback (most recent call last):",
            "  File \"t.py\", line 2, in <module>",
            "KeyError: 'lr'",
            "",
            "During handling of the above exception, another exception occurred:",
            "",
            "Traceback (most recent call last):",
            "  File \"t.py\", line 4, in <module>",
            "ValueError: no learning rate");
    List<LogEntry> entries = feed(new LogLineParser(), lines);
    assertThat(entries).singleElement().extracting(LogEntry::level).isEqualTo(LogLevel.ERROR);
    assertThat(entries.get(0).message()).isEqualTo(String.join("\n", lines));
  }

  @Test
  void anExceptionGroupEndsAtTheFirstUnindentedLine() {
    List<LogEntry> entries =
        feed(
            new LogLineParser(),
            List.of(
                "  + Exception Group Traceback (most recent call last):",
                "  |   File \"t.py\", line 1, in <module>",
                "  | ExceptionGroup: two (2 sub-exceptions)",
                "  +-+---------------- 1 ----------------",
                "    | ValueError: a",
                "    +------------------------------------",
                "step 5"));
    assertThat(entries).extracting(LogEntry::level).containsExactly(LogLevel.ERROR, LogLevel.INFO);
    assertThat(entries.get(1).message()).isEqualTo("step 5");
  }

  @Test
  void aTracebackOpenAtTheEndOfABatchGoesOnInTheNextOne() {
    LogLineParser first = new LogLineParser();
    List<LogEntry> entries =
        new ArrayList<>(
            accept(first, List.of("Traceback (most recent call last):", "  File \"t.py\"")));
    entries.addAll(first.endOfBatch());
    assertThat(entries).isEmpty();
    LogLineParser.Held held = first.held();
    assertThat(held.lines()).hasSize(2);

    LogLineParser second = new LogLineParser(held);
    entries.addAll(feed(second, List.of("    main()", "RuntimeError: boom", "step 6")));
    assertThat(entries).extracting(LogEntry::level).containsExactly(LogLevel.ERROR, LogLevel.INFO);
    assertThat(entries.get(0).message()).endsWith("    main()\nRuntimeError: boom");
    assertThat(entries.get(0).timestamp()).isEqualTo(T);
  }

  @Test
  void aTracebackWhoseExceptionCameIsClosedAtTheEndOfABatch() {
    LogLineParser parser = new LogLineParser();
    assertThat(accept(parser, List.of("Traceback (most recent call last):", "  x", "OSError: y")))
        .isEmpty();
    assertThat(parser.endOfBatch())
        .singleElement()
        .extracting(LogEntry::level)
        .isEqualTo(LogLevel.ERROR);
    assertThat(parser.held()).isNull();
  }

  @Test
  void aRedrawnLineIsStoredOnceAsItsLastStateAndBlankLinesAreNoEntries() {
    StringBuilder bar = new StringBuilder();
    for (int i = 0; i <= 10; i++) {
      bar.append('\r').append(i * 10).append("%|").append("#".repeat(i)).append('|');
    }
    List<LogEntry> entries =
        feed(
            new LogLineParser(),
            List.of(bar.toString(), "", "  ", "\u001b[2K\r", "done\r", "\r\r"));
    assertThat(entries).extracting(LogEntry::message).containsExactly("100%|##########|", "done");
  }

  @Test
  void aLineGivenItsLevelKeepsIt() {
    LogLineParser parser = new LogLineParser();
    assertThat(parser.accept(T, LogLevel.WARNING, "a\rplain ERROR text"))
        .singleElement()
        .satisfies(
            entry -> {
              assertThat(entry.level()).isEqualTo(LogLevel.WARNING);
              assertThat(entry.message()).isEqualTo("plain ERROR text");
            });
    assertThat(parser.accept(T, LogLevel.INFO, "\r")).isEmpty();
  }

  @Test
  void aLongLineIsStoredInNumberedParts() {
    List<LogEntry> entries = new LogLineParser().accept(T, "ERROR " + "x".repeat(299_994));
    assertThat(entries).hasSize(19).allMatch(entry -> entry.level() == LogLevel.ERROR);
    assertThat(entries.get(0).message()).endsWith(" [trainwatch: part 1/19]");
    assertThat(entries.get(18).message()).endsWith(" [trainwatch: part 19/19]");
  }

  private static List<LogEntry> feed(LogLineParser parser, List<String> lines) {
    List<LogEntry> entries = accept(parser, lines);
    entries.addAll(parser.finish());
    return entries;
  }

  private static List<LogEntry> accept(LogLineParser parser, List<String> lines) {
    List<LogEntry> entries = new ArrayList<>();
    for (String line : lines) {
      entries.addAll(parser.accept(T, line));
    }
    return entries;
  }

  @Test
  void readsTheLevelsOfFrameworksAndRuntimes() {
    for (String error :
        List.of(
            "torch.cuda.OutOfMemoryError: CUDA out of memory",
            "requests.exceptions.ConnectionError: x",
            "KeyboardInterrupt",
            "AssertionError",
            "2026-11-30 10:00:00.123456: E external/xla/x.cc:12] bad",
            "[E ProcessGroupNCCL.cpp:475] [Rank 1] Watchdog caught collective operation timeout",
            "[rank0]:[E1130 10:00:00.123456 123 ProcessGroupNCCL.cpp:1] timeout",
            "fatal error: all goroutines are asleep - deadlock!",
            "Uncaught TypeError: x is not a function",
            "npm ERR! code 1",
            "Exception in thread \"main\" java.lang.RuntimeException",
            "Segmentation fault (core dumped)",
            "Killed",
            "During handling of the above exception, another exception occurred:")) {
      assertThat(LogLineParser.levelOf(error)).as(error).isEqualTo(LogLevel.ERROR);
    }
    assertThat(LogLineParser.levelOf("[W socket.cpp:663] client socket timed out"))
        .isEqualTo(LogLevel.WARNING);
    assertThat(LogLineParser.levelOf("2026-11-30 10:00:00.1: W tensorflow/core/x.cc:1] slow"))
        .isEqualTo(LogLevel.WARNING);
    assertThat(LogLineParser.levelOf("Killed 3 stale workers")).isEqualTo(LogLevel.INFO);
  }

  @Test
  void linesOfATracebackSentTogetherInOneMessageTakePartAsLines() {
    LogLineParser parser = new LogLineParser();
    List<LogEntry> entries =
        new ArrayList<>(parser.accept(T, "epoch failed\nTraceback (most recent call last):"));
    entries.addAll(parser.accept(T, "  File \"t.py\", line 1\n    1/0"));
    entries.addAll(parser.accept(T, "ZeroDivisionError: division by zero\nafter"));
    entries.addAll(parser.finish());
    assertThat(entries)
        .extracting(LogEntry::level)
        .containsExactly(LogLevel.INFO, LogLevel.ERROR, LogLevel.INFO);
    assertThat(entries.get(1).message())
        .isEqualTo(
            "Traceback (most recent call last):\n  File \"t.py\", line 1\n    1/0\n"
                + "ZeroDivisionError: division by zero");
  }

  @Test
  void aTracebackPastTheLongestLineKeepsItsFramesAndCountsTheRest() {
    LogLineParser parser = new LogLineParser();
    List<LogEntry> entries =
        new ArrayList<>(parser.accept(T, "Traceback (most recent call last):"));
    String frame = "  File \"x.py\", line 1, in f" + " ".repeat(300);
    for (int i = 0; i < 5_000; i++) {
      entries.addAll(parser.accept(T, frame));
    }
    entries.addAll(parser.accept(T, "ValueError: end"));
    entries.addAll(parser.finish());
    assertThat(entries).hasSize(LogText.MAX_PARTS).allMatch(e -> e.level() == LogLevel.ERROR);
    assertThat(entries.get(LogText.MAX_PARTS - 1).message())
        .matches("(?s).* \\[trainwatch: part 64/64, [0-9]+ more characters cut\\]");
  }

  @Test
  void linesThatShowNothingAreNoEntriesAndMessagesLoseTheirBlankEdges() {
    LogLineParser parser = new LogLineParser();
    for (String nothing : List.of("\u200b", "\u00a0", "\ufeff", "\u0007", "\u3000", "")) {
      assertThat(parser.accept(T, nothing)).as("%h", nothing).isEmpty();
    }
    assertThat(parser.accept(T, "\r\n\r\nhello\r\n"))
        .singleElement()
        .extracting(LogEntry::message)
        .isEqualTo("hello");
  }

  @Test
  void richsBoxedAndPython313sColouredTracebacksAreOneErrorEntryEach() {
    List<LogEntry> entries =
        feed(
            new LogLineParser(),
            List.of(
                "\u256D\u2500\u2500\u2500 Traceback (most recent call last) \u2500\u2500\u2500\u256E",
                "\u2502 /train.py:3 in <module>                    \u2502",
                "\u2570\u2500\u2500\u2500\u2500\u2500\u2500\u2500\u2500\u2500\u2500\u2500\u2500\u256F",
                "ValueError: boom",
                "\u001b[35mTraceback\u001b[0m (most recent call last):",
                "  File \u001b[35m\"/train.py\"\u001b[0m, line \u001b[35m3\u001b[0m",
                "\u001b[1;35mKeyError\u001b[0m: \u001b[35m'lr'\u001b[0m",
                "next"));
    assertThat(entries)
        .extracting(LogEntry::level)
        .containsExactly(LogLevel.ERROR, LogLevel.ERROR, LogLevel.INFO);
    assertThat(entries.get(0).message()).endsWith("\nValueError: boom");
    assertThat(entries.get(1).message()).endsWith("\u001b[35m'lr'\u001b[0m");
  }

  @Test
  void aTracebackWhoseLinesALauncherPrefixedIsOneErrorEntry() {
    for (String prefix : List.of("[rank0]: ", "[default0]:", "(RayTrainWorker pid=4242) ", "0: ")) {
      List<LogEntry> entries =
          feed(
              new LogLineParser(),
              List.of(
                  prefix + "Traceback (most recent call last):",
                  prefix + "  File \"train.py\", line 9, in <module>",
                  prefix + "RuntimeError: boom",
                  prefix + "step 10"));
      assertThat(entries)
          .as(prefix)
          .extracting(LogEntry::level)
          .containsExactly(LogLevel.ERROR, LogLevel.INFO);
      assertThat(entries.get(0).message()).as(prefix).endsWith(prefix + "RuntimeError: boom");
    }
    assertThat(LogLineParser.levelOf("[rank0]:[W1130 10:00:00.123456 7 x.cpp:1] slow"))
        .isEqualTo(LogLevel.WARNING);
  }

  @Test
  void nativeCrashesAndOtherFormatsReadAsPeopleReadThem() {
    for (String error :
        List.of(
            "terminate called after throwing an instance of 'c10::Error'",
            "  what():  CUDA error: an illegal memory access was encountered",
            "CUDA error: device-side assert triggered",
            "Fatal Python error: Segmentation fault",
            "Illegal instruction (core dumped)",
            "bash: line 1:   123 Killed                  python train.py",
            "python3: can't open file '/app/train.py': [Errno 2] No such file or directory",
            "slurmstepd: error: Detected 1 oom-kill event(s)",
            "ERRO[0000] cannot connect",
            "2026-11-30T10:00:00.000Z\terror\tmain.go:12\tboom",
            "[2026-11-30 10:00:00.000] [error] spdlog says",
            "npm error code ELIFECYCLE")) {
      assertThat(LogLineParser.levelOf(error)).as(error).isEqualTo(LogLevel.ERROR);
    }
    for (String info :
        List.of(
            "Namespace(lr=0.1, log_level='ERROR')",
            "{'log_level': \"WARNING\"}",
            "Setting NCCL_DEBUG=WARN",
            "Error: 0.123",
            "Top1Error: 0.23")) {
      assertThat(LogLineParser.levelOf(info)).as(info).isEqualTo(LogLevel.INFO);
    }
    assertThat(LogLineParser.levelOf("Warn: slow disk")).isEqualTo(LogLevel.WARNING);
  }
}
