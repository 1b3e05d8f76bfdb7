package dev.trainwatch.relay.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trainwatch.testing.TestSocket;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Integration: random frames (malformed, oversized, wrong types, deep nesting) each get one answer
 * and never cost the socket its connection: it still answers a ping afterwards.
 */
@QuarkusTest
class FrameFuzzIntegrationTest {

  private static final String[] PARTS = {
    "{",
    "}",
    "[",
    "]",
    "\"type\"",
    ":",
    ",",
    "\"ping\"",
    "\"subscribe\"",
    "\"resume\"",
    "\"unsubscribe\"",
    "\"job_id\"",
    "\"session_id\"",
    "\"since\"",
    "-1",
    "0",
    "7",
    "1.5",
    "1e400",
    "null",
    "true",
    "\"x\"",
    "NaN"
  };

  @TestHTTPResource("/api/v1/ws/training")
  URI endpoint;

  @Test
  void everyFrameGetsOneAnswerAndTheSocketStaysOpen() throws Exception {
    TestSocket socket =
        TestSocket.open(TestSocket.uri(endpoint, "job_id=" + TestSocket.randomId()));
    assertThat(socket.next()).contains("\"type\":\"connected\"");
    Random random = new Random(20261128);
    for (int i = 0; i < 300; i++) {
      String frame = frame(random);
      socket.send(frame);
      String answer = socket.next();
      assertThat(answer)
          .as(
              "answer to frame %d: %s",
              i, frame.length() > 100 ? frame.substring(0, 100) + "…" : frame)
          .matches("\\{\"type\":\"(error|pong|subscribed|unsubscribed|resumed)\".*");
      // A subscribe or resume that went through may be followed by a replay answer: take it too.
      while (answer.startsWith("{\"type\":\"subscribed\"") && frame.contains("since")) {
        answer = socket.next();
      }
    }
    socket.send("{\"type\":\"ping\"}");
    String last = socket.next();
    while (!last.equals("{\"type\":\"pong\"}")) {
      last = socket.next();
    }
    socket.close();
  }

  private static String frame(Random random) {
    return switch (random.nextInt(4)) {
      case 0 -> "[".repeat(random.nextInt(50)) + "]".repeat(random.nextInt(50));
      case 1 -> "{\"type\":\"ping\",\"pad\":\"" + "x".repeat(random.nextInt(9000)) + "\"}";
      default -> {
        StringBuilder out = new StringBuilder();
        for (int n = 1 + random.nextInt(12); n > 0; n--) {
          out.append(PARTS[random.nextInt(PARTS.length)]);
        }
        yield out.toString();
      }
    };
  }
}
