package dev.trainwatch.functions.domain;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What the metric rules ({@link AlertRule#NAN}, {@link AlertRule#DIVERGENCE}) remember of one
 * watched metric of one job, and how each new value moves it. Pure: the caller keeps it (in
 * PostgreSQL, so any functions instance carries it on) and stores the alerts a step gives.
 *
 * <p>A per-step loss is noisy, so divergence is judged on the metric smoothed (an exponential
 * moving average, weight {@value #SMOOTHING} for each new value) against the lowest smoothed value
 * so far, and an episode ends only after {@value #CALM_POINTS} points in a row below the halfway
 * mark between the best value and the firing threshold (hysteresis): a noisy but healthy loss does
 * not flap. A NaN episode ends after {@value #CALM_POINTS} finite values in a row, so a metric that
 * is NaN every other point is one episode, not one per point.
 *
 * <p>A metric whose smoothed value itself oscillates (a cyclic schedule, a loss near 0 swinging
 * around it) would still open an episode of rising values every cycle. So an episode of rising
 * values waits a backoff after the last episode ended, doubled at each end from {@value
 * #CALM_POINTS} values up to {@value #MAX_BACKOFF} (as Kubernetes backs off a crash-looping
 * container), and forgotten once four backoffs of values have passed since that end: the first
 * divergence of a run, or one long after the last, fires at once; one that keeps coming back fires
 * ever less often. A value over the factor is never held back.
 *
 * @param seen finite values seen
 * @param best the lowest smoothed value so far, or null
 * @param smoothed the smoothed value, or null before the first finite one
 * @param rising how many smoothed values in a row rose over the one before
 * @param nanFiring whether a NaN episode is open
 * @param nanCalm finite values in a row while a NaN episode is open
 * @param divergenceFiring whether a divergence episode is open
 * @param divergenceCalm calm values in a row while a divergence episode is open
 * @param divergenceQuiet finite values since the last divergence episode ended (at most {@value
 *     #MAX_QUIET})
 * @param divergenceBackoff finite values a new divergence episode waits after the last one ended
 */
public record MetricWatch(
    int seen,
    Double best,
    Double smoothed,
    int rising,
    boolean nanFiring,
    int nanCalm,
    boolean divergenceFiring,
    int divergenceCalm,
    int divergenceQuiet,
    int divergenceBackoff) {

  /** A metric not seen before. */
  public static final MetricWatch NEW = new MetricWatch(0, null, null, 0, false, 0, false, 0, 0, 0);

  /** The weight of each new value in the smoothed one. */
  public static final double SMOOTHING = 0.1;

  /** Points in a row an episode's condition must stay clear before it resolves. */
  public static final int CALM_POINTS = 10;

  /** The longest a new divergence episode waits after the last one ended, in finite values. */
  public static final int MAX_BACKOFF = 10_000;

  /** How far {@code divergenceQuiet} counts: enough to forget the longest backoff. */
  static final int MAX_QUIET = 4 * MAX_BACKOFF;

  /**
   * The watch after a value, and what it fired or resolved.
   *
   * @param watch the new state
   * @param alerts none, or the firings and resolutions in the order they happened
   */
  public record Step(MetricWatch watch, List<Alert> alerts) {}

  /**
   * Takes the metric's next value (in seq order). A non-finite value opens a NaN episode and leaves
   * divergence as it was; a finite one counts towards closing a NaN episode, then moves the
   * smoothed value and is judged for divergence.
   */
  public Step next(String metric, double value, Instant at, AlertSettings settings) {
    List<Alert> alerts = new ArrayList<>(2);
    boolean finite = Double.isFinite(value);
    boolean nan = nanFiring;
    int nanCalmNow = 0;
    if (!finite) {
      if (settings.nan() && !nanFiring) {
        nan = true;
        alerts.add(new Alert(AlertRule.NAN, true, metric, value, metric + " is " + value, at));
      }
      return new Step(
          new MetricWatch(
              seen,
              best,
              smoothed,
              rising,
              nan,
              0,
              divergenceFiring,
              divergenceCalm,
              divergenceQuiet,
              divergenceBackoff),
          alerts);
    }
    if (nanFiring) {
      nanCalmNow = nanCalm + 1;
      if (nanCalmNow >= CALM_POINTS) {
        nan = false;
        nanCalmNow = 0;
        alerts.add(
            new Alert(
                AlertRule.NAN,
                false,
                metric,
                value,
                metric + " has been finite for " + CALM_POINTS + " points (" + value + ")",
                at));
      }
    }
    double smoothedNow = smoothed == null ? value : smoothed + SMOOTHING * (value - smoothed);
    int risingNow = smoothed != null && smoothedNow > smoothed ? rising + 1 : 0;
    boolean diverging = divergenceFiring;
    int calmNow = 0;
    // Between episodes: how long since the last, and whether its backoff is over or forgotten.
    int quietNow = divergenceFiring ? divergenceQuiet : Math.min(divergenceQuiet + 1, MAX_QUIET);
    int backoffNow = quietNow >= 4 * divergenceBackoff ? 0 : divergenceBackoff;
    AlertSettings.Divergence rule = settings.divergence();
    if (rule != null) {
      boolean judged = best != null && best > 0 && seen >= rule.warmup();
      boolean overFactor = judged && smoothedNow > rule.factor() * best;
      boolean tooLongRising = rule.rising() > 0 && risingNow >= rule.rising();
      // The backoff holds back the rising rule only: a value over the factor always fires.
      boolean risingHeld = quietNow < backoffNow;
      if (!divergenceFiring && (overFactor || (tooLongRising && !risingHeld))) {
        diverging = true;
        alerts.add(
            new Alert(
                AlertRule.DIVERGENCE,
                true,
                metric,
                value,
                overFactor
                    ? metric
                        + " rose to "
                        + number(smoothedNow)
                        + " (smoothed), over "
                        + number(rule.factor())
                        + " times its best "
                        + number(best)
                    : metric + " rose " + risingNow + " points in a row, to " + number(smoothedNow),
                at));
      } else if (divergenceFiring) {
        boolean calm = !(judged && smoothedNow > (1 + rule.factor()) / 2 * best) && !tooLongRising;
        calmNow = calm ? divergenceCalm + 1 : 0;
        if (calmNow >= CALM_POINTS) {
          diverging = false;
          calmNow = 0;
          quietNow = 0;
          backoffNow = Math.min(Math.max(2 * divergenceBackoff, CALM_POINTS), MAX_BACKOFF);
          alerts.add(
              new Alert(
                  AlertRule.DIVERGENCE,
                  false,
                  metric,
                  value,
                  metric
                      + " is back near its best ("
                      + number(smoothedNow)
                      + " smoothed, best "
                      + number(best)
                      + ")",
                  at));
        }
      }
    }
    double bestNow = best == null ? smoothedNow : Math.min(best, smoothedNow);
    return new Step(
        new MetricWatch(
            seen + 1,
            bestNow,
            smoothedNow,
            risingNow,
            nan,
            nanCalmNow,
            diverging,
            calmNow,
            quietNow,
            backoffNow),
        alerts);
  }

  /** A value as people read it: four significant digits. */
  private static String number(double value) {
    return String.format(Locale.ROOT, "%.4g", value);
  }
}
