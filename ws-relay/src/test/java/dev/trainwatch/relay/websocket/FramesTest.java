package dev.trainwatch.relay.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * Unit: reading browsers' frames, refusing malformed ones with a reason, and the relay's own
 * frames.
 */
class FramesTest {

  private final Frames frames = new Frames(new ObjectMapper());

  @Test
  void writesTheGreetingAndPong() {
    assertThat(frames.connected(Instant.parse("2026-11-28T10:00:00Z")))
        .isEqualTo(
            "{\"type\":\"connected\",\"message\":\"Connected to training monitoring\","
                + "\"timestamp\":\"2026-11-28T10:00:00Z\"}");
    assertThat(frames.pong()).isEqualTo("{\"type\":\"pong\"}");
  }

  @Test
  void readsAuthPingSubscribeResumeAndUnsubscribe() {
    assertThat(frames.read("{\"type\":\"ping\"}")).isInstanceOf(ClientFrame.Ping.class);
    assertThat(frames.read("{\"type\":\"auth\",\"token\":\"t\"}"))
        .isEqualTo(new ClientFrame.Auth("t"));
    assertThat(frames.read("{\"type\":\"subscribe\",\"session_id\":7}"))
        .isEqualTo(new ClientFrame.Subscribe(new FollowTarget("session", 7), null, null));
    assertThat(frames.read("{\"type\":\"resume\",\"job_id\":3,\"since\":41,\"token\":\"t\"}"))
        .isEqualTo(new ClientFrame.Subscribe(new FollowTarget("job", 3), 41L, "t"));
    assertThat(frames.read("{\"type\":\"unsubscribe\",\"job_id\":3}"))
        .isEqualTo(new ClientFrame.Unsubscribe(new FollowTarget("job", 3)));
  }

  @Test
  void refusesMalformedFramesWithAReason() {
    assertInvalid("not json", "frame is not JSON");
    assertInvalid("[1,2]", "must be a JSON object with a string 'type'");
    assertInvalid("{\"type\":5}", "must be a JSON object with a string 'type'");
    assertInvalid("{\"type\":\"dance\"}", "unknown frame type");
    assertInvalid("{\"type\":\"auth\"}", "auth needs 'token'");
    assertInvalid("{\"type\":\"auth\",\"token\":5}", "auth needs 'token'");
    assertInvalid("{\"type\":\"subscribe\"}", "give job_id or session_id");
    assertInvalid(
        "{\"type\":\"subscribe\",\"job_id\":1,\"session_id\":2}", "give job_id or session_id");
    assertInvalid("{\"type\":\"subscribe\",\"job_id\":\"1\"}", "give job_id or session_id");
    assertInvalid("{\"type\":\"subscribe\",\"job_id\":-4}", "give job_id or session_id");
    assertInvalid("{\"type\":\"resume\",\"job_id\":1}", "resume needs 'since'");
    assertInvalid("{\"type\":\"resume\",\"job_id\":1,\"since\":1.5}", "'since' must be a seq");
    assertInvalid("{\"type\":\"resume\",\"session_id\":1,\"since\":3}", "'since' is per job");
    assertInvalid("[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]", "nests too deep");
    assertInvalid("{\"type\":\"ping\",\"pad\":\"" + "x".repeat(5000) + "\"}", "longer than 4096");
  }

  private void assertInvalid(String frame, String reason) {
    assertThat(frames.read(frame))
        .isInstanceOfSatisfying(
            ClientFrame.Invalid.class, invalid -> assertThat(invalid.message()).contains(reason));
  }
}
