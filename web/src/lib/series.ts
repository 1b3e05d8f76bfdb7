// A job's metric history held column-wise (growable Float64Arrays per metric: value, seq, step, epoch, time), so
// 100k+ points per metric stay compact and a chart can downsample them on any x axis without copying.
import { Column, secondsOf, TimelineIndex, type XAxis } from './timeline';
import type { MetricsUpdate } from './types';

export type Direction = 'min' | 'max' | null;

/** Which way is better for a metric, guessed from its name: losses and errors go down, scores go up. */
export function metricDirection(name: string): Direction {
  const n = name.toLowerCase();
  if (/(^|_)(lr|learning_rate|epoch|step|time|duration|grad_norm)($|_)/.test(n)) return null;
  if (/loss|err|mse|mae|rmse|perplexity|ppl|wer|cer|distance/.test(n)) return 'min';
  return 'max';
}

/** The line of a metric's per-epoch points in a job that also reports it per step. */
export const epochSeriesName = (metric: string) => `${metric} (per epoch)`;

export class MetricSeries {
  /** Where each point sits: its seq, step (the x on the step axis), epoch and time. */
  readonly points = new TimelineIndex();
  private readonly values = new Column();
  best = NaN;
  /** The lowest finite value (NaN before any): a log scale cannot draw it when it is 0 or below. */
  lowest = NaN;
  readonly direction: Direction;

  /** `metric` is the reported metric's name when the series is named otherwise (its per-epoch line). */
  constructor(
    readonly name: string,
    readonly metric = name,
  ) {
    this.direction = metricDirection(metric);
  }

  get length(): number {
    return this.values.length;
  }

  /** The values; valid up to `length`. */
  get ys(): Float64Array {
    return this.values.values;
  }

  /** The points' x on `axis` (seconds since 1970 for both time axes); valid up to `length`. */
  xs(axis: XAxis = 'step'): Float64Array {
    return this.points.column(axis).values;
  }

  /** A point: its seq, its x on the step axis, its epoch, its time (seconds since 1970) and its value. */
  push(seq: number, step: number, epoch: number, time: number, y: number): void {
    this.points.push(seq, step, epoch, time);
    this.values.push(y);
    if (Number.isFinite(y) && !(y >= this.lowest)) this.lowest = y;
    if (Number.isFinite(y) && this.direction) {
      if (Number.isNaN(this.best) || (this.direction === 'min' ? y < this.best : y > this.best)) this.best = y;
    }
  }

  get latest(): number | undefined {
    return this.length > 0 ? this.ys[this.length - 1] : undefined;
  }

  /** -1, 0 or 1: the mean of the last `window` finite values against the `window` before them. */
  trend(window = 10): -1 | 0 | 1 {
    const recent: number[] = [];
    for (let i = this.length - 1; i >= 0 && recent.length < 2 * window; i--) {
      if (Number.isFinite(this.ys[i])) recent.push(this.ys[i]);
    }
    if (recent.length < 2) return 0;
    const half = Math.floor(recent.length / 2);
    const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
    const now = mean(recent.slice(0, half));
    const before = mean(recent.slice(half));
    const scale = Math.max(Math.abs(now), Math.abs(before), 1e-12);
    if (Math.abs(now - before) / scale < 1e-3) return 0;
    return now > before ? 1 : -1;
  }
}

export interface PointLike {
  seq: number;
  epoch: number;
  step?: number | null;
  metrics: Record<string, number>;
  timestamp?: string;
}

/** All metric series of one job, fed from REST history and live events; points at or below lastSeq are ignored. */
export class JobSeries {
  readonly series = new Map<string, MetricSeries>();
  /** Every point of the job, whatever its metrics: the timeline's index from seq to x and back. */
  readonly timeline = new TimelineIndex();
  lastSeq = 0;
  pointCount = 0;
  latestEpoch: number | undefined;
  latestTimestamp: string | undefined;
  /** Whether any point had a step (x is the step, else the epoch). */
  usesStep = false;
  private lastStep = 0;
  /** Bumped on every change, for React to notice. */
  version = 0;

  constructor(private readonly only?: string) {}

  add(point: PointLike): boolean {
    if (point.seq <= this.lastSeq) return false;
    this.lastSeq = point.seq;
    this.pointCount++;
    this.latestEpoch = point.epoch;
    this.latestTimestamp = point.timestamp;
    const hasStep = point.step !== null && point.step !== undefined;
    if (hasStep) {
      this.usesStep = true;
      this.lastStep = point.step!;
    }
    const x = hasStep ? point.step! : this.usesStep ? this.lastStep : point.epoch;
    const time = secondsOf(point.timestamp);
    this.timeline.push(point.seq, x, point.epoch, time);
    for (const [metric, value] of Object.entries(point.metrics)) {
      if (this.only !== undefined && metric !== this.only) continue;
      // A job that reports per step and also per epoch (an epoch's mean loss, the validation set) gets the
      // epoch points as their own line, placed at the step the epoch ended on.
      const name = !hasStep && this.usesStep ? epochSeriesName(metric) : metric;
      let series = this.series.get(name);
      if (!series) this.series.set(name, (series = new MetricSeries(name, metric)));
      series.push(point.seq, x, point.epoch, time, value);
    }
    this.version++;
    return true;
  }

  addAll(points: PointLike[]): void {
    for (const point of points) this.add(point);
  }

  names(): string[] {
    return [...this.series.keys()];
  }
}

export function pointFromEvent(seq: number, update: MetricsUpdate): PointLike {
  return { seq, epoch: update.epoch, step: update.step ?? null, metrics: update.metrics, timestamp: update.timestamp };
}
