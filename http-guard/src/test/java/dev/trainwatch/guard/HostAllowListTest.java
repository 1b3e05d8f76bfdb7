package dev.trainwatch.guard;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Unit: which Host headers pass. */
class HostAllowListTest {

  private final HostAllowList loopback =
      new HostAllowList(List.of("localhost", "127.0.0.1", "::1", "*.trainwatch.svc"));

  @Test
  void loopbackNamesPassWithAnyPortAndOthersDoNot() {
    assertThat(loopback.allows("localhost:8080")).isTrue();
    assertThat(loopback.allows("LOCALHOST")).isTrue();
    assertThat(loopback.allows("127.0.0.1:18081")).isTrue();
    assertThat(loopback.allows("[::1]:8080")).isTrue();
    assertThat(loopback.allows(null)).isTrue();
    assertThat(loopback.allows("attacker.example")).isFalse();
    assertThat(loopback.allows("attacker.example:8080")).isFalse();
    assertThat(loopback.allows("localhost.attacker.example")).isFalse();
    assertThat(loopback.allows("127.0.0.1.nip.io")).isFalse();
    assertThat(loopback.allows("")).isFalse();
  }

  @Test
  void aWildcardMatchesSubdomainsOnly() {
    assertThat(loopback.allows("trainwatch-ingest.trainwatch.svc")).isTrue();
    assertThat(loopback.allows("trainwatch.svc")).isFalse();
    assertThat(loopback.allows("eviltrainwatch.svc")).isFalse();
  }
}
