// One job's timeline: where every metric point, status change, alert, pod event and log line sits on the x axis a
// person chose, and which moment (seq and time) a place on that axis stands for. The seq is the join: every event
// of a job has one (docs/protocol.md, "Sequence numbers"), so no clock arithmetic is needed to line a log line up
// with a metric point; the wall clock only places things on the time axes. No React here.
import type { AlertEvent, LogEntry, PodEventEvent, StatusChangeEvent } from './types';
import { lowerBound, upperBound } from './downsample';

/** The chart's x axis: the point's step, its epoch, its wall-clock time, or the time since the job started. */
export type XAxis = 'step' | 'epoch' | 'wall' | 'relative';

export const X_AXES: readonly { value: XAxis; label: string }[] = [
  { value: 'step', label: 'step' },
  { value: 'epoch', label: 'epoch' },
  { value: 'wall', label: 'wall time' },
  { value: 'relative', label: 'time since start' },
];

/** A moment of the job: the seq of its event (or of the metric point nearest to it) and its time in seconds. */
export interface Moment {
  seq: number;
  /** Seconds since 1970 (UTC), fractional. */
  time: number;
}

/**
 * The address of a job's page opened at a moment: `?at=` its seq and `&t=` its time in milliseconds (the time
 * decides which log lines are highlighted; without it, the time of the metric point at or before the seq).
 */
export function momentPath(jobId: number, moment: Moment): string {
  return `/training/${jobId}?at=${moment.seq}${Number.isFinite(moment.time) ? `&t=${Math.round(moment.time * 1000)}` : ''}`;
}

/** The moment an address names (see `momentPath`), its time NaN when it names none; undefined for no valid `at`. */
export function momentOfAddress(search: URLSearchParams): Moment | undefined {
  const seq = Number(search.get('at'));
  if (!Number.isSafeInteger(seq) || seq <= 0) return undefined;
  const ms = search.has('t') ? Number(search.get('t')) : NaN;
  return { seq, time: Number.isFinite(ms) ? ms / 1000 : NaN };
}

/** A growable column of numbers (a Float64Array that doubles when full). */
export class Column {
  values = new Float64Array(256);
  length = 0;

  push(value: number): void {
    if (this.length === this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.length++] = value;
  }

  at(i: number): number {
    return this.values[i];
  }

  /** Replaces the values at [start, end) with `values` (in their place, the values after them moved up). */
  splice(start: number, end: number, values: ArrayLike<number>): void {
    const tail = this.values.slice(end, this.length);
    this.length = start;
    for (let i = 0; i < values.length; i++) this.push(values[i]);
    for (let i = 0; i < tail.length; i++) this.push(tail[i]);
  }
}

/** Seconds since 1970 of an ISO-8601 timestamp; NaN when it does not parse. */
export const secondsOf = (timestamp: string | undefined | null): number => (timestamp ? Date.parse(timestamp) / 1000 : NaN);

/** One point's place: its seq, its x on the step axis, its epoch and its time in seconds since 1970. */
export interface TimelineRow {
  seq: number;
  step: number;
  epoch: number;
  time: number;
}

/**
 * Every metric point of a job in seq order, with its place on each axis: the index that turns a seq into an x and
 * an x into a moment. `step` is the x the point is drawn at on the step axis (its step; in a job that reports no
 * steps, its epoch).
 */
export class TimelineIndex {
  readonly seq = new Column();
  readonly step = new Column();
  readonly epoch = new Column();
  readonly time = new Column();

  get length(): number {
    return this.seq.length;
  }

  push(seq: number, step: number, epoch: number, time: number): void {
    this.seq.push(seq);
    this.step.push(step);
    this.epoch.push(epoch);
    this.time.push(time);
  }

  /** The index of the first point whose seq is `seq` or more (`length` when none). */
  indexOfSeq(seq: number): number {
    return lowerBound(this.seq.values, seq, 0, this.length);
  }

  /**
   * Replaces the points with fromSeq <= seq <= toSeq by `rows` (in seq order, within that range): a range read
   * again at a finer grain (lib/series.ts, `JobSeries.refine`). Answers the indices [start, end) the old points
   * had, for the columns that go with them.
   */
  splice(fromSeq: number, toSeq: number, rows: readonly TimelineRow[]): [number, number] {
    const start = this.indexOfSeq(fromSeq);
    const end = this.indexOfSeq(toSeq + 1);
    this.seq.splice(start, end, rows.map((r) => r.seq));
    this.step.splice(start, end, rows.map((r) => r.step));
    this.epoch.splice(start, end, rows.map((r) => r.epoch));
    this.time.splice(start, end, rows.map((r) => r.time));
    return [start, end];
  }

  /** The column of an axis; `relative` shares the wall-clock column (its origin is applied by the caller). */
  column(axis: XAxis): Column {
    return axis === 'step' ? this.step : axis === 'epoch' ? this.epoch : this.time;
  }

  /**
   * Where an event of seq `seq` and time `time` (seconds) sits on `axis`, with `origin` the start of the job for
   * `relative`. On the time axes its own time; on step and epoch, those of the last metric point measured at or
   * before its time (the first point for what came before any), so a marker sits where a click on it reads the
   * log: by the clock, not by when it reached the API (a batch's alert, or a line sent late, comes after points
   * measured later than it). An event with no time goes by its seq. Null when the job has no point yet and the
   * axis needs one.
   */
  xOf(axis: XAxis, seq: number, time: number, origin: number): number | null {
    if (axis === 'wall') return time;
    if (axis === 'relative') return time - origin;
    if (this.length === 0) return null;
    const [column, key] = Number.isFinite(time) ? [this.time, time] : [this.seq, seq];
    const i = Math.max(0, upperBound(column.values, key, 0, this.length) - 1);
    return this.column(axis).at(i);
  }

  /** The moment of seq `seq`: its seq, and the time of the last metric point at or before it. */
  momentOfSeq(seq: number): Moment {
    if (this.length === 0) return { seq, time: NaN };
    const i = Math.max(0, upperBound(this.seq.values, seq, 0, this.length) - 1);
    return { seq, time: this.time.at(i) };
  }

  /** The moment at `x` on `axis`: the metric point nearest to it (its seq; on the time axes, x's own time). */
  momentAt(axis: XAxis, x: number, origin: number): Moment | null {
    if (this.length === 0) return null;
    const wanted = axis === 'relative' ? x + origin : x;
    const values = this.column(axis).values;
    const i = lowerBound(values, wanted, 0, this.length);
    const before = Math.max(0, i - 1);
    const after = Math.min(this.length - 1, i);
    const nearest = Math.abs(values[after] - wanted) < Math.abs(values[before] - wanted) ? after : before;
    const onTimeAxis = axis === 'wall' || axis === 'relative';
    return { seq: this.seq.at(nearest), time: onTimeAxis ? wanted : this.time.at(nearest) };
  }

  /**
   * The range [x1, x2] of `axis` on the clock, in seconds: on the time axes x1 and x2 themselves; on step and
   * epoch, the times of the first and last points within it (from > to when there is none).
   */
  timesOf(axis: XAxis, x1: number, x2: number, origin: number): { from: number; to: number } {
    if (axis === 'wall' || axis === 'relative') {
      const shift = axis === 'relative' ? origin : 0;
      return { from: x1 + shift, to: x2 + shift };
    }
    const values = this.column(axis).values;
    const first = lowerBound(values, x1, 0, this.length);
    const end = upperBound(values, x2, 0, this.length);
    return { from: first < end ? this.time.at(first) : Infinity, to: first < end ? this.time.at(end - 1) : -Infinity };
  }
}

/** What a marker on the timeline stands for; `moment` is the one a person picked. */
export type MarkerKind = 'status' | 'alert' | 'pod' | 'log' | 'moment';

/** One thing that happened to the job, drawn as a vertical mark on every chart. */
export interface Marker {
  seq: number;
  time: number;
  kind: MarkerKind;
  severity: 'info' | 'warning' | 'error';
  /** One line for a tooltip and the alerts list, e.g. "running → failed: OOMKilled". */
  label: string;
  /** The alert, for an alert's marker. */
  alert?: AlertEvent['alert'];
}

/** The marker of a status change, an alert, a pod event or a log line of WARNING and above; null for other lines. */
export function markerOf(event: StatusChangeEvent | AlertEvent | PodEventEvent | LogEntry): Marker | null {
  if ('message' in event && 'level' in event) {
    if (event.level !== 'WARNING' && event.level !== 'ERROR') return null;
    const severity = event.level === 'ERROR' ? 'error' : 'warning';
    return { seq: event.seq, time: secondsOf(event.timestamp), kind: 'log', severity, label: event.message.split('\n')[0].slice(0, 200) };
  }
  switch (event.type) {
    case 'training_status_change':
      return {
        seq: event.seq,
        time: secondsOf(event.timestamp),
        kind: 'status',
        severity: event.new_status === 'failed' ? 'error' : 'info',
        label: `${event.old_status} → ${event.new_status}${event.reason ? `: ${event.reason}` : ''}`,
      };
    case 'training_alert':
      return {
        seq: event.seq,
        time: secondsOf(event.alert.timestamp),
        kind: 'alert',
        severity: event.alert.state === 'firing' ? 'error' : 'info',
        label: `${event.alert.rule} ${event.alert.state}: ${event.alert.message}`,
        alert: event.alert,
      };
    case 'training_pod_event':
      return {
        seq: event.seq,
        time: secondsOf(event.pod_event.timestamp),
        kind: 'pod',
        severity: event.pod_event.event_type === 'Warning' ? 'warning' : 'info',
        label: `${event.pod_event.reason}: ${event.pod_event.message}`,
      };
  }
}

/** A marker at its place on an axis. */
export interface PlacedMarker {
  x: number;
  marker: Marker;
}

/** Where each marker sits on `axis` (see `TimelineIndex.xOf`); markers with no place yet are left out. */
export function placeMarkers(markers: Marker[], index: TimelineIndex, axis: XAxis, origin: number): PlacedMarker[] {
  const placed: PlacedMarker[] = [];
  for (const marker of markers) {
    const x = index.xOf(axis, marker.seq, marker.time, origin);
    if (x !== null && Number.isFinite(x)) placed.push({ x, marker });
  }
  return placed;
}

/** A job's markers in seq order, each once (history and live feed may both bring one). */
export class MarkerList {
  items: Marker[] = [];
  private readonly seen = new Set<number>();
  version = 0;

  add(marker: Marker | null): boolean {
    if (!marker || this.seen.has(marker.seq)) return false;
    this.seen.add(marker.seq);
    // Markers come in seq order but for history and live feed overlapping: a late one is put in its place.
    let at = this.items.length;
    while (at > 0 && this.items[at - 1].seq > marker.seq) at--;
    this.items.splice(at, 0, marker);
    this.version++;
    return true;
  }
}

/**
 * The alerts firing now, from a job's markers in seq order: the last alert event of each rule (and, for the
 * metric rules, metric) decides. Each is the marker of the event that fired it, for a link to its moment.
 */
export function activeAlerts(markers: Marker[]): Marker[] {
  const last = new Map<string, Marker>();
  for (const marker of markers) {
    if (marker.alert) last.set(`${marker.alert.rule}\u0000${marker.alert.metric ?? ''}`, marker);
  }
  return [...last.values()].filter((m) => m.alert!.state === 'firing');
}

/**
 * The exponential moving average of ys[0..length), debiased as TensorBoard's smoothing is (the first values are
 * not pulled towards 0): weight 0 is the raw series, 0.99 very smooth. A value that is not finite is kept as it is
 * (a NaN stays a visible break) and does not enter the average. Continues from `into`'s first `from` values, so a
 * growing series is smoothed once per new point.
 */
export function ema(ys: ArrayLike<number>, length: number, weight: number, into?: SmoothState): SmoothState {
  const state = into && into.weight === weight ? into : { weight, values: new Float64Array(0), length: 0, last: 0, debias: 1 };
  if (state.values.length < length) {
    const grown = new Float64Array(Math.max(length, state.values.length * 2, 256));
    grown.set(state.values.subarray(0, state.length));
    state.values = grown;
  }
  for (let i = state.length; i < length; i++) {
    const y = ys[i];
    if (!Number.isFinite(y)) {
      state.values[i] = y;
      continue;
    }
    state.last = state.last * weight + (1 - weight) * y;
    state.debias *= weight;
    state.values[i] = weight === 0 ? y : state.last / (1 - state.debias);
  }
  state.length = length;
  return state;
}

/** The running state of one series' smoothing (see `ema`). */
export interface SmoothState {
  weight: number;
  values: Float64Array;
  length: number;
  last: number;
  /** weight to the power of the finite values seen: the share of the average still missing. */
  debias: number;
}
