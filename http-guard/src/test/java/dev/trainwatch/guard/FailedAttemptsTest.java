package dev.trainwatch.guard;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Unit: an address is turned away after its allowance of refused tokens, until its minute ends. */
class FailedAttemptsTest {

  @Test
  void anAddressWaitsOnceItsMinuteIsSpentAndOthersDoNot() {
    FailedAttempts attempts = new FailedAttempts(3);
    for (int i = 0; i < 3; i++) {
      assertThat(attempts.waitSeconds("10.0.0.1", 1_000)).isZero();
      attempts.record("10.0.0.1", 1_000 + i);
    }
    assertThat(attempts.waitSeconds("10.0.0.1", 2_000)).isEqualTo(59);
    assertThat(attempts.waitSeconds("10.0.0.2", 2_000)).isZero();
    assertThat(attempts.waitSeconds("10.0.0.1", 61_000)).isZero();
    attempts.record("10.0.0.1", 61_000);
    assertThat(attempts.waitSeconds("10.0.0.1", 61_001)).isZero();
  }
}
