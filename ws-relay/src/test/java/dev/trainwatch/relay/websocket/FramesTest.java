package dev.trainwatch.relay.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class FramesTest {

  private final Frames frames = new Frames(new ObjectMapper());

  @Test
  void greetsWithTheTime() {
    assertThat(frames.connected(Instant.parse("2025-01-02T03:04:05Z")))
        .isEqualTo(
            "{\"type\":\"connected\",\"message\":\"Connected to training monitoring\","
                + "\"timestamp\":\"2025-01-02T03:04:05Z\"}");
  }

  @Test
  void answersAPingWithAPong() {
    assertThat(frames.reply("{\"type\":\"ping\"}")).isEqualTo("{\"type\":\"pong\"}");
  }

  @Test
  void answersAnythingElseWithAnError() {
    for (String frame :
        new String[] {"", "ping", "{", "[]", "null", "{}", "{\"type\":1}", "{\"type\":\"pong\"}"}) {
      assertThat(frames.reply(frame)).as(frame).startsWith("{\"type\":\"error\",\"message\":\"");
    }
  }
}
