package dev.trainwatch.functions.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Unit: the text rules of log entries (docs/protocol.md, "Text"). */
class LogTextTest {

  @Test
  void aShortLineIsOnePartUnmarked() {
    assertThat(LogText.parts("loss 0.3", 0)).containsExactly("loss 0.3");
    assertThat(LogText.parts("y".repeat(LogText.MAX_PART), 0)).hasSize(1);
  }

  @Test
  void aLongLineIsSplitIntoNumberedPartsThatLoseNothing() {
    String line = "0123456789".repeat(100_000); // 1,000,000 characters
    List<String> parts = LogText.parts(line, 0);
    assertThat(parts).hasSize(62);
    StringBuilder joined = new StringBuilder();
    for (int i = 0; i < parts.size(); i++) {
      String mark = " [trainwatch: part " + (i + 1) + "/62]";
      assertThat(parts.get(i)).endsWith(mark);
      String chunk = parts.get(i).substring(0, parts.get(i).length() - mark.length());
      assertThat(chunk.length()).isLessThanOrEqualTo(LogText.MAX_PART);
      joined.append(chunk);
    }
    assertThat(joined.toString()).isEqualTo(line);
  }

  @Test
  void pastTheLongestLineTheRestIsCutAndTheLastPartSaysHowMuch() {
    List<String> parts = LogText.parts("z".repeat(LogText.MAX_LINE + 12_345), 0);
    assertThat(parts).hasSize(LogText.MAX_PARTS);
    assertThat(parts.get(LogText.MAX_PARTS - 1))
        .endsWith(" [trainwatch: part 64/64, 12345 more characters cut]");
    assertThat(LogText.parts("short", 7))
        .containsExactly("short [trainwatch: part 1/1, 7 more characters cut]");
  }

  @Test
  void aSurrogatePairIsNeverSplit() {
    String line = "a".repeat(LogText.MAX_PART - 1) + "\uD83D\uDE00" + "b";
    List<String> parts = LogText.parts(line, 0);
    assertThat(parts).hasSize(2);
    assertThat(parts.get(0))
        .isEqualTo("a".repeat(LogText.MAX_PART - 1) + " [trainwatch: part 1/2]");
    assertThat(parts.get(1)).startsWith("\uD83D\uDE00b");
  }

  @Test
  void escapesAreNotVisibleButStayInTheText() {
    assertThat(LogText.visible("\u001b[31mERROR\u001b[0m x")).isEqualTo("ERROR x");
    assertThat(
            LogText.visible("\u001b]0;title\u0007\u001b]8;;http://h\u001b\\link\u001b]8;;\u001b\\"))
        .isEqualTo("link");
    assertThat(LogText.visible("\u001b[38;2;255;0;0mred\u001b[K\u001b")).isEqualTo("red");
  }

  @Test
  void carriageReturnsLeaveEachLinesLastState() {
    assertThat(LogText.lastState("10%\r50%\r100%")).isEqualTo("100%");
    assertThat(LogText.lastState("windows line\r")).isEqualTo("windows line");
    assertThat(LogText.lastState("a\rb\nc\r\n\rd")).isEqualTo("b\nc\nd");
    assertThat(LogText.lastState("\r\u001b[2K\r")).isEmpty();
  }

  @Test
  void aStatusMessageIsCutWithAMark() {
    assertThat(LogText.cut("short", 10)).isEqualTo("short");
    assertThat(LogText.cut("abcdef\uD83D\uDE00", 7))
        .isEqualTo("abcdef [trainwatch: 2 more characters cut]");
  }

  @Test
  void aPartNeverEndsInsideAnEscapeSequence() {
    String line = "h".repeat(LogText.MAX_PART - 4) + "\u001b[31mred" + "x".repeat(100);
    List<String> parts = LogText.parts(line, 0);
    assertThat(parts.get(0))
        .isEqualTo("h".repeat(LogText.MAX_PART - 4) + " [trainwatch: part 1/2]");
    assertThat(parts.get(1)).startsWith("\u001b[31mred");
  }
}
