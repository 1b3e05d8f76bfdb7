import { memo, useCallback } from 'react';
import uPlot from 'uplot';
import { downsampleMinMax, lowerBound, upperBound } from '../lib/downsample';
import type { MetricSeries } from '../lib/series';
import { LineChart, type XRange } from './LineChart';

export interface ChartLine {
  label: string;
  series: MetricSeries;
}

/** Indices [start, end) of the points in range, with one more on each side so the line reaches the edges. */
export function visibleSlice(series: MetricSeries, range: XRange | null): [number, number] {
  if (!range) return [0, series.length];
  const start = Math.max(0, lowerBound(series.xs, range[0], 0, series.length) - 1);
  const end = Math.min(series.length, upperBound(series.xs, range[1], 0, series.length) + 1);
  return [start, end];
}

/** Each line downsampled for the visible range on its own, then aligned on a shared x for uPlot. */
export function chartData(lines: ChartLine[], range: XRange | null, width: number): uPlot.AlignedData {
  const tables = lines.map(({ series }): uPlot.AlignedData => {
    const [start, end] = visibleSlice(series, range);
    const { x, y } = downsampleMinMax(series.xs, series.ys, width, start, end);
    return [x, y];
  });
  if (tables.length === 0) return [[]];
  return tables.length === 1 ? tables[0] : uPlot.join(tables);
}

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
}: {
  title: string;
  lines: ChartLine[];
  /** Not read: a new value (the page's frame tick) makes the chart look for new points. */
  version: number;
  xLabel: string;
  height?: number;
  testId?: string;
}) {
  const compute = useCallback((range: XRange | null, width: number) => chartData(lines, range, width), [lines]);
  // The series only grow, so their total length tells whether there is anything new to draw.
  const points = lines.reduce((sum, line) => sum + line.series.length, 0);
  return (
    <section className="card chart-card" data-testid={testId} data-metric={title} data-point-count={points}>
      <h3>{title}</h3>
      <LineChart labels={lines.map((l) => l.label)} xLabel={xLabel} compute={compute} version={points} height={height} />
    </section>
  );
});
