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
  void aNanEpisodeFiresOnceAndResolvesAfterItStayedFiniteForAWhile() {
    double[] series = new double[16];
    java.util.Arrays.fill(series, 0.5);
    series[1] = Double.NaN;
    series[2] = Double.NaN;
    series[3] = Double.POSITIVE_INFINITY;
    series[5] = Double.NaN; // NaN every other point is still one episode

    assertThat(run(DEFAULTS, series))
        .containsExactly(
            "nan firing: loss is NaN",
            "nan resolved: loss has been finite for " + MetricWatch.CALM_POINTS + " points (0.5)");
  }

  @Test
  void aLossOverTwiceItsBestAfterTheWarmUpFiresOnceAndResolvesWhenBackNearIt() {
    List<Double> series = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      series.add(1.0);
    }
    for (int i = 0; i < 12; i++) {
      series.add(5.0); // the smoothed loss passes 2.0 at the 7th
    }
    for (int i = 0; i < 60; i++) {
      series.add(1.0);
    }

    List<String> alerts = run(DEFAULTS, series.stream().mapToDouble(Double::doubleValue).toArray());

    assertThat(alerts).hasSize(2);
    assertThat(alerts.get(0))
        .startsWith("divergence firing: loss rose to 2.")
        .endsWith("(smoothed), over 2.000 times its best 1.000");
    assertThat(alerts.get(1)).startsWith("divergence resolved: loss is back near its best (");
  }

  @Test
  void aNoisyButHealthyLossDoesNotFlap() {
    java.util.Random noise = new java.util.Random(7);
    double[] series = new double[2_000];
    for (int i = 0; i < series.length; i++) {
      double trend = 2.0 * Math.exp(-i / 600.0) + 0.1;
      series[i] = trend * Math.exp(0.3 * noise.nextGaussian());
    }

    assertThat(run(DEFAULTS, series)).isEmpty();
  }

  @Test
  void aLossThatKeepsOscillatingFiresEverLessOftenAndADivergenceLongAfterFiresAtOnce() {
    // A loss near 0 whose smoothed value swings every 44 points: the rising rule's condition holds
    // in every cycle. 100,000 points of it, as a long run's tail.
    double[] swinging = new double[100_000];
    for (int i = 0; i < swinging.length; i++) {
      swinging[i] = 0.001 + 0.05 * Math.sin(i / 7.0);
    }
    List<String> alerts = run(DEFAULTS, swinging);
    long firings = alerts.stream().filter(a -> a.startsWith("divergence firing")).count();
    // Without the backoff: one episode a cycle, about 2,270.
    assertThat(firings).isBetween(5L, 25L);

    // Then 40,000 calm points (four of the longest backoff) and a real divergence: it fires at
    // once.
    double[] after = new double[swinging.length + 40_000 + 30];
    System.arraycopy(swinging, 0, after, 0, swinging.length);
    for (int i = swinging.length; i < after.length; i++) {
      after[i] = i < swinging.length + 40_000 ? 0.001 : 0.001 + (i - swinging.length - 40_000);
    }
    List<String> all = run(DEFAULTS, after);
    assertThat(all.get(all.size() - 1)).startsWith("divergence firing");
    assertThat(all.stream().filter(a -> a.startsWith("divergence firing")).count())
        .isEqualTo(firings + 1);
  }

  @Test
  void aJumpDuringTheWarmUpIsNotDivergence() {
    assertThat(run(DEFAULTS, 0.1, 5.0, 0.2)).isEmpty();
  }

  @Test
  void risingPointsInARowFireEvenUnderTheFactor() {
    AlertSettings rising = DEFAULTS.with(node("{\"divergence\":{\"rising\":3}}"));

    assertThat(run(rising, 1.0, 1.01, 1.02, 1.03))
        .singleElement()
        .asString()
        .startsWith("divergence firing: loss rose 3 points in a row, to 1.00");
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
