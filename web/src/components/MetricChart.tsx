import { memo, useCallback } from 'react';
import uPlot from 'uplot';
import { downsampleMinMax, lowerBound, upperBound } from '../lib/downsample';
import type { MetricSeries } from '../lib/series';
import { ema, type SmoothState, type XAxis } from '../lib/timeline';
import { LineChart, PALETTE, type LineChartProps, type LineStyle, type XRange } from './LineChart';

export interface ChartLine {
  label: string;
  series: MetricSeries;
}

/** How a job's charts are drawn: the x axis, the y scale and the smoothing (0: none, up to 0.99). */
export interface ChartView {
  axis: XAxis;
  logY: boolean;
  smoothing: number;
  /** The job's start in seconds since 1970: the zero of the `relative` axis. */
  origin: number;
}

export const DEFAULT_VIEW: ChartView = { axis: 'step', logY: false, smoothing: 0, origin: 0 };

/** Indices [start, end) of the points of `xs` (its first `length`) in range, one more on each side. */
export function visibleSlice(xs: Float64Array, length: number, range: XRange | null): [number, number] {
  if (!range) return [0, length];
  const start = Math.max(0, lowerBound(xs, range[0], 0, length) - 1);
  const end = Math.min(length, upperBound(xs, range[1], 0, length) + 1);
  return [start, end];
}

// Each series' smoothing so far, continued as points arrive (lib/timeline.ts, ema), and begun again when its points
// were replaced (a zoomed range read finer).
const smoothed = new WeakMap<MetricSeries, { revision: number; state: SmoothState }>();

function smoothedValues(series: MetricSeries, weight: number): Float64Array {
  const held = smoothed.get(series);
  const state = ema(series.ys, series.length, weight, held?.revision === series.revision ? held.state : undefined);
  smoothed.set(series, { revision: series.revision, state });
  return state.values;
}

/**
 * Each line downsampled for the visible range on its own (min/max per pixel column), then aligned on a shared x
 * for uPlot. With smoothing, each line is two: the raw values (drawn faint) and their moving average, both
 * downsampled from full resolution, so a spike keeps its height in the raw line at any zoom. On a log scale,
 * values at or below 0 are left out (null).
 */
export function chartData(lines: ChartLine[], range: XRange | null, width: number, view: ChartView = DEFAULT_VIEW): uPlot.AlignedData {
  const shift = view.axis === 'relative' ? view.origin : 0;
  const shown: XRange | null = range && [range[0] + shift, range[1] + shift];
  const tables: uPlot.AlignedData[] = [];
  const table = (xs: Float64Array, ys: Float64Array, start: number, end: number) => {
    const { x, y } = downsampleMinMax(xs, ys, width, start, end);
    const positive = view.logY ? y.map((v) => (v !== null && v > 0 ? v : null)) : y;
    tables.push([shift ? x.map((v) => v - shift) : x, positive]);
  };
  for (const { series } of lines) {
    const xs = series.xs(view.axis);
    const [start, end] = visibleSlice(xs, series.length, shown);
    table(xs, series.ys, start, end);
    if (view.smoothing > 0) table(xs, smoothedValues(series, view.smoothing), start, end);
  }
  if (tables.length === 0) return [[]];
  return tables.length === 1 ? tables[0] : uPlot.join(tables);
}

/** The drawn lines of `lines`: with smoothing, each one's raw line (faint) and then its smoothed line. */
export function lineStyles(lines: ChartLine[], smoothing: boolean): LineStyle[] {
  return lines.flatMap(({ label }, i): LineStyle[] => {
    const color = PALETTE[i % PALETTE.length];
    return smoothing ? [{ label: `${label} (raw)`, color, faint: true }, { label, color }] : [{ label, color }];
  });
}

const X_LABELS: Record<XAxis, string> = { step: 'step', epoch: 'epoch', wall: 'time', relative: 'since start' };

/**
 * A card with one live chart: one metric of a job (its per-step line and per-epoch line together), or one metric
 * across the jobs of a session. `data-point-count` is the number of points behind it, downsampled or not.
 */
export const MetricChart = memo(function MetricChart({
  title,
  lines,
  xLabel,
  height,
  testId = 'metric-chart',
  view = DEFAULT_VIEW,
  timeline,
}: {
  title: string;
  lines: ChartLine[];
  /** Not read: a new value (the page's frame tick) makes the chart look for new points. */
  version: number;
  /** The x axis' name; by default the view's axis. */
  xLabel?: string;
  height?: number;
  testId?: string;
  view?: ChartView;
  /** A job page's shared timeline: its cursor, zoom, markers and picks. */
  timeline?: Pick<LineChartProps, 'syncKey' | 'range' | 'onRange' | 'markers' | 'onPick'> & { markerVersion: number };
}) {
  const compute = useCallback((range: XRange | null, width: number) => chartData(lines, range, width, view), [lines, view]);
  // The series grow, or have a range replaced (a revision): their lengths and revisions tell whether to draw again.
  const points = lines.reduce((sum, line) => sum + line.series.length, 0);
  const revisions = lines.reduce((sum, line) => sum + line.series.revision, 0);
  const smoothing = view.smoothing > 0;
  const { markerVersion = 0, ...shared } = timeline ?? {};
  return (
    <section className="card chart-card" data-testid={testId} data-metric={title} data-point-count={points}>
      <h3>{title}</h3>
      {view.logY && lines.some((l) => l.series.lowest <= 0) && (
        <p className="muted small chart-note" data-testid="log-scale-note">
          Values at or below 0 are not drawn on a log scale.
        </p>
      )}
      <LineChart
        lines={lineStyles(lines, smoothing)}
        xLabel={xLabel ?? X_LABELS[view.axis]}
        axis={view.axis}
        logY={view.logY}
        compute={compute}
        version={`${points}|${revisions}|${markerVersion}`}
        height={height}
        {...shared}
      />
    </section>
  );
});
