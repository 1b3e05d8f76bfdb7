package dev.trainwatch.relay.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FollowTargetTest {

  @Test
  void readsAJobOrASession() {
    assertThat(FollowTarget.parse(Map.of("job_id", List.of("42"))))
        .contains(new FollowTarget("job", 42));
    assertThat(FollowTarget.parse(Map.of("session_id", List.of("7"))))
        .contains(new FollowTarget("session", 7));
  }

  @Test
  void refusesNeitherBothOrABadId() {
    assertThat(FollowTarget.parse(Map.of())).isEmpty();
    assertThat(FollowTarget.parse(Map.of("job_id", List.of("1"), "session_id", List.of("2"))))
        .isEmpty();
    for (String bad : List.of("", "0", "-3", "+3", "1.5", "abc", " 1", "99999999999999999999")) {
      assertThat(FollowTarget.parse(Map.of("job_id", List.of(bad)))).as(bad).isEmpty();
    }
    assertThat(FollowTarget.parse(Map.of("job_id", List.of("1", "2")))).isEmpty();
  }
}
