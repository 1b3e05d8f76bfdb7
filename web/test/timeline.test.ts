import { describe, expect, it } from 'vitest';
import { chartData } from '../src/components/MetricChart';
import { JobSeries } from '../src/lib/series';
import { activeAlerts, ema, MarkerList, markerOf, placeMarkers, TimelineIndex } from '../src/lib/timeline';
import type { AlertEvent, LogEntry, StatusChangeEvent } from '../src/lib/types';

const T0 = Date.parse('2026-12-01T10:00:00Z') / 1000;
const iso = (second: number) => new Date((T0 + second) * 1000).toISOString();

/** Points at seqs 10, 20, 30, 40: steps 100..400, epochs 1,1,2,2, one every 10 s from T0. */
function index(): TimelineIndex {
  const timeline = new TimelineIndex();
  for (let i = 0; i < 4; i++) timeline.push(10 * (i + 1), 100 * (i + 1), i < 2 ? 1 : 2, T0 + 10 * i);
  return timeline;
}

const alert = (seq: number, state: 'firing' | 'resolved', metric = 'loss'): AlertEvent => ({
  type: 'training_alert',
  job_id: 1,
  seq,
  alert: { rule: 'nan', state, metric, message: `${metric} is NaN`, timestamp: iso(seq) },
});

describe('the timeline index', () => {
  it('places an event at the last metric point measured at or before its time on step and epoch, at its own time on the time axes', () => {
    const timeline = index();
    expect(timeline.xOf('step', 25, T0 + 15, T0)).toBe(200);
    // An alert of a batch (seq 45, after every point) about the point measured at T0 + 10: at that point's step.
    expect(timeline.xOf('step', 45, T0 + 10, T0)).toBe(200);
    expect(timeline.xOf('epoch', 45, T0 + 25, T0)).toBe(2);
    expect(timeline.xOf('step', 3, T0 - 5, T0)).toBe(100); // before any point: at the first
    expect(timeline.xOf('step', 25, NaN, T0)).toBe(200); // no time: by its seq
    expect(timeline.xOf('wall', 25, T0 + 12.5, T0)).toBe(T0 + 12.5);
    expect(timeline.xOf('relative', 25, T0 + 12.5, T0 - 60)).toBe(72.5);
    expect(new TimelineIndex().xOf('step', 5, T0, T0)).toBeNull();
  });

  it('turns an x back into the moment of the nearest point', () => {
    const timeline = index();
    expect(timeline.momentAt('step', 240, T0)).toEqual({ seq: 20, time: T0 + 10 });
    expect(timeline.momentAt('step', 260, T0)).toEqual({ seq: 30, time: T0 + 20 });
    expect(timeline.momentAt('step', 10_000, T0)).toEqual({ seq: 40, time: T0 + 30 });
    // On the time axes the moment keeps the x's own time.
    expect(timeline.momentAt('relative', 21, T0)).toEqual({ seq: 30, time: T0 + 21 });
    expect(timeline.momentOfSeq(35)).toEqual({ seq: 35, time: T0 + 20 });
  });

  it('turns a range into the times it spans', () => {
    const timeline = index();
    expect(timeline.timesOf('step', 150, 350, T0)).toEqual({ from: T0 + 10, to: T0 + 20 });
    expect(timeline.timesOf('epoch', 2, 2, T0)).toEqual({ from: T0 + 20, to: T0 + 30 });
    expect(timeline.timesOf('relative', 5, 15, T0 - 1)).toEqual({ from: T0 + 4, to: T0 + 14 });
    const empty = timeline.timesOf('step', 110, 120, T0);
    expect(empty.from > empty.to).toBe(true);
  });

  it('places markers on the chosen axis', () => {
    const markers = new MarkerList();
    const change: StatusChangeEvent = {
      type: 'training_status_change',
      job_id: 1,
      seq: 21,
      old_status: 'running',
      new_status: 'failed',
      reason: 'OOMKilled',
      timestamp: iso(11),
    };
    markers.add(markerOf(change));
    expect(markers.items[0]).toMatchObject({ kind: 'status', severity: 'error', label: 'running → failed: OOMKilled' });
    expect(placeMarkers(markers.items, index(), 'step', T0).map((p) => p.x)).toEqual([200]);
    expect(placeMarkers(markers.items, index(), 'relative', T0).map((p) => p.x)).toEqual([11]);
  });
});

describe('markers', () => {
  it('marks log lines of WARNING and above only', () => {
    const line = (level: string): LogEntry => ({ seq: 5, level, message: 'first line\nsecond', timestamp: iso(0) });
    expect(markerOf(line('INFO'))).toBeNull();
    expect(markerOf(line('DEBUG'))).toBeNull();
    expect(markerOf(line('WARNING'))).toMatchObject({ kind: 'log', severity: 'warning', label: 'first line' });
    expect(markerOf(line('ERROR'))).toMatchObject({ kind: 'log', severity: 'error' });
  });

  it('keeps each seq once and in seq order, however the history and the live feed overlap', () => {
    const markers = new MarkerList();
    expect(markers.add(markerOf(alert(30, 'firing')))).toBe(true);
    expect(markers.add(markerOf(alert(10, 'firing')))).toBe(true);
    expect(markers.add(markerOf(alert(30, 'firing')))).toBe(false);
    expect(markers.add(markerOf(alert(20, 'resolved')))).toBe(true);
    expect(markers.items.map((m) => m.seq)).toEqual([10, 20, 30]);
  });

  it('counts an alert as active when its last event fired', () => {
    const markers = new MarkerList();
    for (const event of [alert(1, 'firing'), alert(2, 'resolved'), alert(3, 'firing', 'val_loss'), alert(4, 'firing')]) markers.add(markerOf(event));
    expect(activeAlerts(markers.items).map((m) => [m.seq, m.alert!.metric])).toEqual([
      [4, 'loss'],
      [3, 'val_loss'],
    ]);
    markers.add(markerOf(alert(5, 'resolved')));
    expect(activeAlerts(markers.items).map((m) => m.seq)).toEqual([3]);
  });
});

describe('smoothing', () => {
  it('is the raw series at weight 0 and leaves a constant series as it is (debiased)', () => {
    const ys = [3, 1, 4, 1, 5];
    expect([...ema(ys, 5, 0).values.subarray(0, 5)]).toEqual(ys);
    const smooth = ema([2, 2, 2, 2], 4, 0.9).values.subarray(0, 4);
    for (const v of smooth) expect(v).toBeCloseTo(2, 12);
  });

  it('keeps a NaN as a break and leaves it out of the average', () => {
    const values = ema([1, NaN, 1, 3], 4, 0.5).values;
    expect(Number.isNaN(values[1])).toBe(true);
    expect(values[2]).toBeCloseTo(1, 12);
    // The average of 1, 1 and 3 at weight 0.5 from 0, divided by 1 - 0.5^3 (three finite values seen).
    const last = 0.5 * (0.5 * (0.5 * 0 + 0.5 * 1) + 0.5 * 1) + 0.5 * 3;
    expect(values[3]).toBeCloseTo(last / (1 - 0.5 ** 3), 12);
  });

  it('continues a growing series to the same values as one pass', () => {
    const ys = Array.from({ length: 1000 }, (_, i) => Math.sin(i / 10) + i / 100);
    const once = ema(ys, 1000, 0.8).values;
    let state = ema(ys, 10, 0.8);
    for (let n = 20; n <= 1000; n += 10) state = ema(ys, n, 0.8, state);
    expect([...state.values.subarray(0, 1000)]).toEqual([...once.subarray(0, 1000)]);
  });
});

describe('chart data on the timeline', () => {
  function job(): JobSeries {
    const series = new JobSeries();
    for (let step = 0; step < 10_000; step++) {
      const loss = step === 5_000 ? 50 : 0.5 + Math.sin(step);
      series.add({ seq: step + 1, epoch: Math.floor(step / 1000), step, metrics: { loss }, timestamp: iso(step) });
    }
    return series;
  }
  const lines = (series: JobSeries) => [{ label: 'loss', series: series.series.get('loss')! }];

  it('keeps a spike in the raw line under the smoothed one when downsampled', () => {
    const data = chartData(lines(job()), null, 200, { axis: 'step', logY: false, smoothing: 0.9, origin: 0 });
    expect(data.length).toBe(3); // x, raw, smoothed
    const raw = data[1] as (number | null)[];
    const smoothed = data[2] as (number | null)[];
    expect(Math.max(...raw.filter((v): v is number => v != null))).toBe(50);
    expect(Math.max(...smoothed.filter((v): v is number => v != null))).toBeLessThan(10);
  });

  it('draws time since start in seconds and leaves values at or below 0 out of a log scale', () => {
    const data = chartData(lines(job()), [100, 200], 400, { axis: 'relative', logY: true, smoothing: 0, origin: T0 - 100 });
    const xs = data[0] as number[];
    // Step s was measured s seconds after T0, s + 100 after the start: [100, 200] is steps 0 to 100, one more each side.
    expect(xs[0]).toBe(100);
    expect(xs.at(-1)).toBe(201);
    expect((data[1] as (number | null)[]).every((v) => v === null || v > 0)).toBe(true);
    expect((data[1] as (number | null)[]).some((v) => v === null)).toBe(true); // 0.5 + sin(step) goes below 0
  });
});
