// A job's metric history held column-wise (growable Float64Arrays per metric: value, seq, step, epoch, time), so
// 100k+ points per metric stay compact and a chart can downsample them on any x axis without copying.
import { lowerBound, upperBound } from './downsample';
import { Column, secondsOf, TimelineIndex, type TimelineRow, type XAxis } from './timeline';
import type { MetricsUpdate, OverviewBucket } from './types';

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
  /** Bumped whenever points are replaced rather than added (`replace`): what was computed from them is stale. */
  revision = 0;

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
    this.track(y);
  }

  /** Replaces the points with fromSeq <= seq <= toSeq by `rows` (in seq order, within that range). */
  replace(fromSeq: number, toSeq: number, rows: readonly ValueRow[]): void {
    const [start, end] = this.points.splice(fromSeq, toSeq, rows);
    this.values.splice(start, end, rows.map((r) => r.value));
    for (const row of rows) this.track(row.value);
    this.revision++;
  }

  private track(y: number): void {
    if (Number.isFinite(y) && !(y >= this.lowest)) this.lowest = y;
    if (Number.isFinite(y) && this.direction) {
      if (Number.isNaN(this.best) || (this.direction === 'min' ? y < this.best : y > this.best)) this.best = y;
    }
  }

  /**
   * The seqs to read again for a zoom into [x1, x2] on `axis` (`origin`: the start, for `relative`): from the held
   * point before the range to the one after it, and on to just before the next held seq, so that the range ends
   * where a bucket does (a bucket is held as its extremes at its first seq and its last value at its last: a range
   * ending at its first seq would drop its extremes and read one point of it). Null when nothing is held.
   */
  seqRangeOf(axis: XAxis, x1: number, x2: number, origin: number): [number, number] | null {
    const n = this.length;
    if (n === 0) return null;
    const shift = axis === 'relative' ? origin : 0;
    const xs = this.points.column(axis).values;
    const seqs = this.points.seq;
    const first = Math.max(0, lowerBound(xs, x1 + shift, 0, n) - 1);
    let last = Math.min(n - 1, upperBound(xs, x2 + shift, 0, n));
    while (last + 1 < n && seqs.at(last + 1) === seqs.at(last)) last++;
    return [seqs.at(first), last + 1 < n ? seqs.at(last + 1) - 1 : seqs.at(last)];
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

/** A point's place and value. */
export interface ValueRow extends TimelineRow {
  value: number;
}

/**
 * The points a bucket of an overview is drawn with, in seq order within the bucket: its lowest and highest finite
 * values, a NaN when it holds a value that is not finite (a break in the line, as such a point makes), all at its
 * first point's place (`x` on the step axis, its epoch, its earliest time), and its last value at its last point's
 * place (`lastX`). A pixel column of these shows what the bucket's points would: the spike keeps its height. A
 * bucket of one point is that point.
 */
export function bucketRows(bucket: OverviewBucket, x: number, lastX: number): ValueRow[] {
  const first = (value: number): ValueRow => ({ seq: bucket.first_seq, step: x, epoch: bucket.epoch, time: secondsOf(bucket.timestamp), value });
  const rows: ValueRow[] = [];
  if (bucket.min !== null) rows.push(first(bucket.min));
  if (bucket.max !== null && bucket.max !== bucket.min) rows.push(first(bucket.max));
  if (bucket.non_finite > 0) rows.push(first(NaN));
  if (bucket.count > 1) {
    rows.push({ seq: bucket.last_seq, step: lastX, epoch: bucket.last_epoch, time: secondsOf(bucket.last_timestamp), value: Number(bucket.last) });
  }
  return rows;
}

/** A metric's range of seqs, from..to, read again as `buckets` (`JobSeries.refine`). */
export interface Refinement {
  from: number;
  to: number;
  buckets: OverviewBucket[];
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
  /**
   * Whether the history is held as overview buckets (a long job's, `addOverview`) rather than every point: a range
   * is then read again finer when zoomed into (`refine`).
   */
  coarse = false;
  /** Bumped whenever points are replaced (`refine`). */
  revision = 0;
  /** The last seq of the overview buckets held (`addOverview`). */
  private overviewEnd = 0;

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

  /**
   * The history up to `lastSeq` of the metrics of `overviews` (name → its buckets, GET /metrics/overview), in
   * place of every point: a long job drawn at once, a metric at a time as each one's overview comes. Points after
   * lastSeq are added as they come. A metric a job reports both per step and per epoch is one line here (the
   * buckets do not tell which is which).
   */
  addOverview(overviews: Map<string, OverviewBucket[]>, lastSeq: number): void {
    const buckets = [...overviews.values()].flat();
    this.usesStep ||= buckets.some((b) => b.step !== null);
    this.refine(new Map([...overviews].map(([name, held]) => [name, { from: 0, to: lastSeq, buckets: held }])));
    this.coarse = true;
    this.lastSeq = Math.max(this.lastSeq, lastSeq);
    for (const held of overviews.values()) this.pointCount = Math.max(this.pointCount, held.reduce((sum, b) => sum + b.count, 0));
    for (const bucket of buckets) {
      if (bucket.last_seq <= this.overviewEnd) continue;
      this.overviewEnd = bucket.last_seq;
      this.latestEpoch = bucket.last_epoch;
      this.latestTimestamp = bucket.last_timestamp;
      if (bucket.last_step !== null) this.lastStep = bucket.last_step;
    }
  }

  /**
   * Replaces what is held of each metric of `finer` in its range from..to with buckets of that range (as
   * `addOverview`): a zoomed range read again finer, every point where a bucket holds one.
   */
  refine(finer: Map<string, Refinement>): void {
    const all = [...finer];
    if (all.length === 0) return;
    const fromSeq = Math.min(...all.map(([, r]) => r.from));
    const toSeq = Math.max(...all.map(([, r]) => r.to));
    // Metrics with steps first, and the timeline of the range rebuilt from them: a metric reported per epoch only
    // is then placed at the step of the job's point before it, as it is now.
    const stepped = (r: Refinement) => r.buckets.some((b) => b.step !== null);
    const perEpoch = all.filter(([, r]) => !stepped(r));
    // Their old points leave the range first, so that they do not place the new ones.
    for (const [name, { from, to }] of perEpoch) this.series.get(name)?.replace(from, to, []);
    for (const pass of [all.filter(([, r]) => stepped(r)), perEpoch]) {
      for (const [name, { from, to, buckets }] of pass) {
        let series = this.series.get(name);
        if (!series) this.series.set(name, (series = new MetricSeries(name)));
        // x never goes back within a metric: a point with no step is placed no earlier than the one before it.
        const before = series.points.indexOfSeq(from) - 1;
        let previous = before >= 0 ? series.points.step.at(before) : -Infinity;
        const rows = buckets.flatMap((bucket) => {
          const x = Math.max(previous, this.xOf(bucket.first_seq, bucket.step, bucket.epoch, previous));
          previous = Math.max(x, this.xOf(bucket.last_seq, bucket.last_step, bucket.last_epoch, x));
          return bucketRows(bucket, x, previous);
        });
        series.replace(from, to, rows);
      }
      this.rebuildTimeline(fromSeq, toSeq);
    }
    this.revision++;
    this.version++;
  }

  /** The timeline of fromSeq..toSeq: every held point of every metric in it, once per seq. */
  private rebuildTimeline(fromSeq: number, toSeq: number): void {
    const places = new Map<number, TimelineRow>();
    for (const series of this.series.values()) {
      const index = series.points;
      for (let i = index.indexOfSeq(fromSeq); i < index.length && index.seq.at(i) <= toSeq; i++) {
        const seq = index.seq.at(i);
        if (!places.has(seq)) places.set(seq, { seq, step: index.step.at(i), epoch: index.epoch.at(i), time: index.time.at(i) });
      }
    }
    this.timeline.splice(fromSeq, toSeq, [...places.values()].sort((a, b) => a.seq - b.seq));
  }

  /**
   * Where a point of an overview sits on the step axis: its step; in a job of steps, a point with none (an epoch's)
   * at the step of the job's point at or before it, as `add` places it (`fallback` before any); in a job of no
   * steps, its epoch.
   */
  private xOf(seq: number, step: number | null, epoch: number, fallback: number): number {
    if (step !== null) return step;
    if (!this.usesStep) return epoch;
    const placed = this.timeline.xOf('step', seq, NaN, 0);
    return placed ?? (Number.isFinite(fallback) ? fallback : 0);
  }

  /**
   * Each metric's seqs to read again for a zoom into [x1, x2] (`MetricSeries.seqRangeOf`), by name; not a line
   * the API does not know (the per-epoch line of live points).
   */
  zoomRanges(axis: XAxis, x1: number, x2: number, origin: number): Map<string, [number, number]> {
    const ranges = new Map<string, [number, number]>();
    for (const [name, series] of this.series) {
      if (name !== series.metric) continue;
      const range = series.seqRangeOf(axis, x1, x2, origin);
      if (range) ranges.set(name, range);
    }
    return ranges;
  }
}

export function pointFromEvent(seq: number, update: MetricsUpdate): PointLike {
  return { seq, epoch: update.epoch, step: update.step ?? null, metrics: update.metrics, timestamp: update.timestamp };
}
