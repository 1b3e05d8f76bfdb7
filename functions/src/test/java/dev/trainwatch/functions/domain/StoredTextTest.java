package dev.trainwatch.functions.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Unit: what text becomes before it is stored. */
class StoredTextTest {

  @Test
  void nulAndLoneSurrogatesBecomeTheReplacementCharacterAndTheRestIsKept() {
    assertThat(StoredText.of("a\u0000b")).isEqualTo("a\uFFFDb");
    assertThat(StoredText.of("\ud800x")).isEqualTo("\uFFFDx");
    assertThat(StoredText.of("x\udc00")).isEqualTo("x\uFFFD");
    assertThat(StoredText.of("end\ud83d")).isEqualTo("end\uFFFD");
    assertThat(StoredText.of("emoji \ud83d\ude80 kept")).isEqualTo("emoji \ud83d\ude80 kept");
    assertThat(StoredText.of("\u001b[31mERROR\u001b[0m")).isEqualTo("\u001b[31mERROR\u001b[0m");
    String plain = "loss=0.41";
    assertThat(StoredText.of(plain)).isSameAs(plain);
  }

  @Test
  void everyPathThroughTheDomainStoresTheSameText() {
    assertThat(new LogEntry(Instant.EPOCH, LogLevel.INFO, "a\u0000b").message())
        .isEqualTo("a\uFFFDb");
    assertThat(new MetricPoint(1, null, Instant.EPOCH, Map.of("lo\u0000ss", 1.0)).metrics())
        .containsOnlyKeys("lo\uFFFDss");
  }
}
