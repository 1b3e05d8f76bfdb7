package dev.trainwatch.relay.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainwatch.relay.history.EventId;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Unit: the relay against the protocol's golden examples (docs/examples): it reads every event's id
 * without parsing it, understands every client frame, and writes its own frames byte for byte.
 */
class ProtocolExamplesTest {

  private static final Path EXAMPLES = Path.of("..", "docs", "examples");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Frames frames = new Frames(JSON);

  @Test
  void readsTheIdOfEveryEventExample() throws IOException {
    List<Path> events = examples("event-");
    assertThat(events).hasSizeGreaterThan(3);
    for (Path example : events) {
      String text = text(example);
      JsonNode event = JSON.readTree(text);

      assertThat(EventId.of(text))
          .as(example.toString())
          .isEqualTo(new EventId(event.get("job_id").asLong(), event.get("seq").asLong()));
    }
  }

  @Test
  void understandsEveryClientFrameExample() throws IOException {
    List<Path> clientFrames = examples("client-");
    assertThat(clientFrames).hasSizeGreaterThan(4);
    for (Path example : clientFrames) {
      assertThat(frames.read(text(example)))
          .as(example.toString())
          .isNotInstanceOf(ClientFrame.Invalid.class);
    }
  }

  @Test
  void writesItsFramesAsTheExamplesShowThem() throws IOException {
    JsonNode connected = JSON.readTree(text(EXAMPLES.resolve("relay-connected.json")));
    assertThat(frames.connected(Instant.parse(connected.get("timestamp").asText())))
        .isEqualTo(text(EXAMPLES.resolve("relay-connected.json")));
    assertThat(frames.pong()).isEqualTo(text(EXAMPLES.resolve("relay-pong.json")));
    assertThat(frames.subscribed(new FollowTarget("job", 42)))
        .isEqualTo(text(EXAMPLES.resolve("relay-subscribed-job.json")));
    assertThat(frames.subscribed(new FollowTarget("session", 7)))
        .isEqualTo(text(EXAMPLES.resolve("relay-subscribed-session.json")));
    assertThat(frames.unsubscribed(new FollowTarget("job", 42)))
        .isEqualTo(text(EXAMPLES.resolve("relay-unsubscribed.json")));
    JsonNode renewed = JSON.readTree(text(EXAMPLES.resolve("relay-token_renewed.json")));
    assertThat(frames.tokenRenewed(Instant.parse(renewed.get("expires_at").asText())))
        .isEqualTo(text(EXAMPLES.resolve("relay-token_renewed.json")));
    assertThat(SocketFeed.resumed(42, 6, true))
        .isEqualTo(text(EXAMPLES.resolve("relay-resumed.json")));
    assertThat(SocketFeed.resumed(42, 6, false))
        .isEqualTo(text(EXAMPLES.resolve("relay-resumed-lost.json")));
    JsonNode error = JSON.readTree(text(EXAMPLES.resolve("relay-error.json")));
    assertThat(frames.error(error.get("message").asText()))
        .isEqualTo(text(EXAMPLES.resolve("relay-error.json")));
  }

  private static List<Path> examples(String prefix) throws IOException {
    try (Stream<Path> files = Files.list(EXAMPLES)) {
      return files.filter(f -> f.getFileName().toString().startsWith(prefix)).sorted().toList();
    }
  }

  /** The example's message, without the file's final newline. */
  private static String text(Path example) throws IOException {
    return Files.readString(example, StandardCharsets.UTF_8).stripTrailing();
  }
}
