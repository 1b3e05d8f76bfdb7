package dev.trainwatch.functions.domain;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What the metric rules ({@link AlertRule#NAN}, {@link AlertRule#DIVERGENCE}) remember of one
 * watched metric of one job, and how each new value moves it. Pure: the caller keeps it (in
 * PostgreSQL, so any functions instance carries it on) and stores the alerts a step gives.
 *
 * @param seen finite values seen
 * @param best the lowest finite value seen, or null
 * @param last the last finite value, or null
 * @param rising how many values in a row rose over the one before
 * @param nanFiring whether a NaN episode is open
 * @param divergenceFiring whether a divergence episode is open
 */
public record MetricWatch(
    int seen, Double best, Double last, int rising, boolean nanFiring, boolean divergenceFiring) {

  /** A metric not seen before. */
  public static final MetricWatch NEW = new MetricWatch(0, null, null, 0, false, false);

  /**
   * The watch after {@code value}, and what it fired or resolved.
   *
   * @param watch the new state
   * @param alerts none, or the firings and resolutions in the order they happened
   */
  public record Step(MetricWatch watch, List<Alert> alerts) {}

  /**
   * Takes the metric's next value (in seq order). A non-finite value opens a NaN episode and leaves
   * divergence as it was; a finite one closes a NaN episode, then is compared with the best value
   * before it.
   */
  public Step next(String metric, double value, Instant at, AlertSettings settings) {
    List<Alert> alerts = new ArrayList<>(2);
    boolean finite = Double.isFinite(value);
    boolean nan = nanFiring;
    if (settings.nan() && !finite && !nanFiring) {
      nan = true;
      alerts.add(new Alert(AlertRule.NAN, true, metric, value, metric + " is " + value, at));
    } else if (nanFiring && finite) {
      nan = false;
      alerts.add(
          new Alert(
              AlertRule.NAN,
              false,
              metric,
              value,
              metric + " is finite again (" + value + ")",
              at));
    }
    if (!finite) {
      return new Step(new MetricWatch(seen, best, last, rising, nan, divergenceFiring), alerts);
    }
    int risingNow = last != null && value > last ? rising + 1 : 0;
    boolean diverging = divergenceFiring;
    AlertSettings.Divergence rule = settings.divergence();
    if (rule != null) {
      String why = divergence(metric, value, risingNow, rule);
      if (why != null && !divergenceFiring) {
        diverging = true;
        alerts.add(new Alert(AlertRule.DIVERGENCE, true, metric, value, why, at));
      } else if (why == null && divergenceFiring) {
        diverging = false;
        alerts.add(
            new Alert(
                AlertRule.DIVERGENCE,
                false,
                metric,
                value,
                metric + " is no longer diverging (" + value + ", best " + best + ")",
                at));
      }
    }
    double bestNow = best == null ? value : Math.min(best, value);
    return new Step(new MetricWatch(seen + 1, bestNow, value, risingNow, nan, diverging), alerts);
  }

  /** Why {@code value} diverges, or null when it does not. */
  private String divergence(
      String metric, double value, int risingNow, AlertSettings.Divergence rule) {
    if (best != null && best > 0 && seen >= rule.warmup() && value > rule.factor() * best) {
      return metric
          + " rose to "
          + value
          + ", over "
          + rule.factor()
          + " times its best value "
          + best;
    }
    if (rule.rising() > 0 && risingNow >= rule.rising()) {
      return metric + " rose " + risingNow + " points in a row, to " + value;
    }
    return null;
  }
}
