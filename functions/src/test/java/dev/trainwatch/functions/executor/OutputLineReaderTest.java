package dev.trainwatch.functions.executor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trainwatch.functions.domain.LogText;
import java.io.IOException;
import java.io.StringReader;
import org.junit.jupiter.api.Test;

/** Unit: a process's output read as lines at '\n' only, redraws resolved, each state bounded. */
class OutputLineReaderTest {

  @Test
  void aBarRedrawnLongPastTheLongestLineKeepsItsLastState() throws IOException {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < 200_000; i++) {
      out.append("\rEpoch 1: ").append(i).append("/199999 |").append("#".repeat(i / 5000));
    }
    out.append("\nafter\n");
    OutputLineReader reader = new OutputLineReader(new StringReader(out.toString()));
    OutputLineReader.Line bar = reader.next();
    assertThat(LogText.lastState(bar.text()))
        .isEqualTo("Epoch 1: 199999/199999 |" + "#".repeat(39));
    assertThat(bar.cut()).isZero();
    assertThat(reader.next().text()).isEqualTo("after");
    assertThat(reader.next()).isNull();
  }

  @Test
  void aStateLongerThanTheLongestLineIsCutAndCounted() throws IOException {
    String text = "a".repeat(LogText.MAX_LINE + 10) + "\r\n" + "z";
    OutputLineReader reader = new OutputLineReader(new StringReader(text));
    OutputLineReader.Line line = reader.next();
    assertThat(LogText.lastState(line.text())).hasSize(LogText.MAX_LINE);
    assertThat(line.cut()).isEqualTo(10);
    assertThat(reader.next()).isEqualTo(new OutputLineReader.Line("z", 0));
  }

  @Test
  void statesThatShowNothingDoNotReplaceTheLastOneThatDid() throws IOException {
    OutputLineReader reader =
        new OutputLineReader(new StringReader("50%\r100%\r\u001b[2K\r \r\nnext\n"));
    assertThat(LogText.lastState(reader.next().text())).isEqualTo("100%");
    assertThat(reader.next().text()).isEqualTo("next");
  }
}
