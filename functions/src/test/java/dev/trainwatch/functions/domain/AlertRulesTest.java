package dev.trainwatch.functions.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Unit: the metric rules over crafted series, and a job's alert settings over the defaults. */
class AlertRulesTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final AlertSettings DEFAULTS =
      new AlertSettings(
          null,
          true,
          new AlertSettings.Divergence(2, 10, 20),
          Duration.ofMinutes(10),
          Duration.ofMinutes(10));
  private static final Instant AT = Instant.parse("2026-11-28T10:00:00Z");

  @Test
  void aNanEpisodeFiresOnceAndResolvesAtTheNextFiniteValue() {
    List<String> alerts =
        run(DEFAULTS, 1.0, 0.9, Double.NaN, Double.NaN, Double.POSITIVE_INFINITY, 0.8, 0.7);

    assertThat(alerts)
        .containsExactly("nan firing: loss is NaN", "nan resolved: loss is finite again (0.8)");
  }

  @Test
  void aLossOverTwiceItsBestAfterTheWarmUpFiresOnceAndResolvesWhenBackUnder() {
    List<String> alerts =
        run(
            DEFAULTS, 1.0, 0.95, 0.9, 0.85, 0.8, 0.75, 0.7, 0.65, 0.6, 0.55, 0.5, 0.45, // best 0.45
            0.95, 1.2, 1.5, 0.5);

    assertThat(alerts)
        .containsExactly(
            "divergence firing: loss rose to 0.95, over 2.0 times its best value 0.45",
            "divergence resolved: loss is no longer diverging (0.5, best 0.45)");
  }

  @Test
  void aJumpDuringTheWarmUpIsNotDivergence() {
    assertThat(run(DEFAULTS, 0.1, 5.0, 0.2)).isEmpty();
  }

  @Test
  void risingPointsInARowFireEvenUnderTheFactor() {
    AlertSettings rising = DEFAULTS.with(node("{\"divergence\":{\"rising\":3}}"));

    assertThat(run(rising, 1.0, 1.01, 1.02, 1.03, 1.0))
        .containsExactly(
            "divergence firing: loss rose 3 points in a row, to 1.03",
            "divergence resolved: loss is no longer diverging (1.0, best 1.0)");
  }

  @Test
  void aRuleTurnedOffNeverFires() {
    AlertSettings off = DEFAULTS.with(node("{\"nan\":false,\"divergence\":false}"));

    assertThat(run(off, 1.0, Double.NaN, 50.0)).isEmpty();
    assertThat(off.watchesMetrics()).isFalse();
  }

  @Test
  void metricsNamingLossAreWatchedUnlessTheJobNamesItsOwn() {
    assertThat(DEFAULTS.watches("val_Loss")).isTrue();
    assertThat(DEFAULTS.watches("accuracy")).isFalse();
    AlertSettings named = DEFAULTS.with(node("{\"metrics\":[\"perplexity\"]}"));
    assertThat(named.watches("perplexity")).isTrue();
    assertThat(named.watches("loss")).isFalse();
  }

  @Test
  void settingsReadBackAsTheyWereWrittenAndRefuseWhatTheyCannotTake() {
    AlertSettings set =
        DEFAULTS.with(
            node("{\"silent\":{\"minutes\":0.5},\"stuck_pending\":false,\"divergence\":true}"));
    assertThat(set.silent()).isEqualTo(Duration.ofSeconds(30));
    assertThat(set.stuckPending()).isNull();
    assertThat(set.divergence()).isEqualTo(DEFAULTS.divergence());
    assertThat(DEFAULTS.with(set.toJson())).isEqualTo(set);

    for (String bad :
        List.of(
            "[]",
            "{\"silnet\":true}",
            "{\"nan\":1}",
            "{\"silent\":{\"minutes\":0}}",
            "{\"silent\":{\"minutes\":\"5\"}}",
            "{\"divergence\":{\"factor\":1}}",
            "{\"divergence\":{\"warmup\":-1}}",
            "{\"metrics\":[\"\"]}")) {
      assertThatThrownBy(() -> DEFAULTS.with(node(bad)))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("alerts");
    }
  }

  private static List<String> run(AlertSettings settings, double... values) {
    MetricWatch watch = MetricWatch.NEW;
    List<String> alerts = new ArrayList<>();
    for (double value : values) {
      MetricWatch.Step step = watch.next("loss", value, AT, settings);
      step.alerts()
          .forEach(a -> alerts.add(a.rule().wireName() + " " + a.state() + ": " + a.message()));
      watch = step.watch();
    }
    return alerts;
  }

  private static JsonNode node(String json) {
    try {
      return JSON.readTree(json);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }
}
