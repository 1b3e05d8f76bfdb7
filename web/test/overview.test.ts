import { describe, expect, it } from 'vitest';
import { chartData } from '../src/components/MetricChart';
import { bucketRows, JobSeries } from '../src/lib/series';
import { Column, TimelineIndex } from '../src/lib/timeline';
import type { OverviewBucket } from '../src/lib/types';

const T0 = Date.parse('2026-12-01T10:00:00Z') / 1000;
const iso = (second: number) => new Date((T0 + second) * 1000).toISOString();

/** A bucket of `values` at seqs first..first+n-1, its first step `step`. */
function bucket(first: number, values: number[], step: number | null = first * 10): OverviewBucket {
  const finite = values.filter(Number.isFinite);
  return {
    count: values.length,
    first_seq: first,
    last_seq: first + values.length - 1,
    min: finite.length ? Math.min(...finite) : null,
    max: finite.length ? Math.max(...finite) : null,
    non_finite: values.length - finite.length,
    last: Number.isFinite(values.at(-1)!) ? values.at(-1)! : String(values.at(-1)),
    epoch: 1,
    step,
    timestamp: iso(first),
    last_epoch: 1,
    last_step: step === null ? null : (first + values.length - 1) * 10,
    last_timestamp: iso(first + values.length - 1),
  };
}

describe('Column and TimelineIndex splice', () => {
  it('replaces a range in place and moves the rest up', () => {
    const column = new Column();
    for (let i = 0; i < 300; i++) column.push(i);
    column.splice(10, 290, [-1, -2]);
    expect(column.length).toBe(22);
    expect([...column.values.subarray(8, 14)]).toEqual([8, 9, -1, -2, 290, 291]);
  });

  it('replaces the points of a seq range and answers their old indices', () => {
    const timeline = new TimelineIndex();
    for (const seq of [5, 10, 15, 20]) timeline.push(seq, seq * 10, 1, T0 + seq);
    const [start, end] = timeline.splice(10, 15, [11, 12, 13].map((seq) => ({ seq, step: seq * 10, epoch: 1, time: T0 + seq })));
    expect([start, end]).toEqual([1, 3]);
    expect([...timeline.seq.values.subarray(0, timeline.length)]).toEqual([5, 11, 12, 13, 20]);
    expect(timeline.step.at(4)).toBe(200);
  });
});

describe('bucketRows', () => {
  it('draws a bucket as its extremes and its last value, and one point as itself', () => {
    const rows = bucketRows(bucket(100, [3, 9, 1, 4]), 1000, 1030);
    expect(rows.map((r) => [r.seq, r.value, r.step, r.time])).toEqual([
      [100, 1, 1000, T0 + 100],
      [100, 9, 1000, T0 + 100],
      [103, 4, 1030, T0 + 103], // the last value where the last point was
    ]);
    expect(bucketRows(bucket(7, [2.5]), 70, 70).map((r) => [r.seq, r.value])).toEqual([[7, 2.5]]);
  });

  it('keeps a NaN as a break and an infinite last value as it is', () => {
    const rows = bucketRows(bucket(10, [1, NaN, 2, Infinity]), 0, 3);
    expect(rows.map((r) => r.value)).toEqual([1, 2, NaN, Infinity]);
    expect(bucketRows(bucket(1, [NaN]), 0, 0).map((r) => r.value)).toEqual([NaN]);
  });
});

describe('JobSeries from overviews', () => {
  /** A metric's 4 buckets of 10 points (seqs 1..40, steps 10 apart); the loss spikes to 50 at seq 23, 40 at 35. */
  const buckets = (name: string) =>
    [0, 1, 2, 3].map((b) =>
      bucket(
        1 + 10 * b,
        Array.from({ length: 10 }, (_, i) => (name === 'accuracy' ? (b * 10 + i) / 40 : lossAt(1 + b * 10 + i))),
      ),
    );

  function lossAt(seq: number): number {
    return seq === 23 ? 50 : seq === 35 ? 40 : 1 / seq;
  }

  function overviewSeries(): JobSeries {
    const series = new JobSeries();
    series.addOverview(new Map(['loss', 'accuracy'].map((name) => [name, buckets(name)])), 45);
    return series;
  }

  it('a metric at a time, as the overviews come, holds what all at once does', () => {
    const once = overviewSeries();
    const apart = new JobSeries();
    for (const name of ['accuracy', 'loss']) {
      const ys = once.series.get(name)!;
      apart.addOverview(new Map([[name, buckets(name)]]), 45);
      expect([...apart.series.get(name)!.ys.subarray(0, ys.length)]).toEqual([...ys.ys.subarray(0, ys.length)]);
    }
    const seqs = (s: JobSeries) => [...s.timeline.seq.values.subarray(0, s.timeline.length)];
    expect(seqs(apart)).toEqual(seqs(once));
    expect([apart.pointCount, apart.lastSeq, apart.latestEpoch]).toEqual([once.pointCount, once.lastSeq, once.latestEpoch]);
  });

  it('holds each metric as its buckets, with the job count and where it ends', () => {
    const series = overviewSeries();
    expect(series.coarse).toBe(true);
    expect(series.lastSeq).toBe(45);
    expect(series.pointCount).toBe(40);
    expect(series.usesStep).toBe(true);
    expect([...series.series.keys()].sort()).toEqual(['accuracy', 'loss']);
    const loss = series.series.get('loss')!;
    expect(Math.max(...loss.ys.subarray(0, loss.length))).toBe(50); // the spike is drawn
    expect(series.timeline.length).toBeGreaterThan(0);
    // A live point after the overview is added; one at or before its last seq is not.
    expect(series.add({ seq: 45, epoch: 1, step: 999, metrics: { loss: 1 } })).toBe(false);
    expect(series.add({ seq: 46, epoch: 1, step: 460, metrics: { loss: 0.01 } })).toBe(true);
    expect(loss.latest).toBe(0.01);
  });

  it('a zoomed range read finer replaces that range only, whole buckets of it, and is drawn again', () => {
    const series = overviewSeries();
    const loss = series.series.get('loss')!;
    const before = chartData([{ label: 'loss', series: loss }], null, 100);
    const revision = loss.revision;
    // Steps 150 to 300 cut the bucket of seqs 11..20 (steps 110 to 200), hold that of 21..30 and touch that of
    // 31..40 (its first point, step 310, is the point after the range): all three are read again, the last short
    // of its last value, which stays as it is.
    const ranges = series.zoomRanges('step', 150, 300, 0);
    expect(ranges.get('loss')).toEqual([11, 39]);
    // Every point of the range (one bucket each), as the API answers a narrow one.
    const every = (from: number, to: number, value: (seq: number) => number) => Array.from({ length: to - from + 1 }, (_, i) => bucket(from + i, [value(from + i)]));
    series.refine(
      new Map([
        ['loss', { from: 11, to: 39, buckets: every(11, 39, lossAt) }],
        ['accuracy', { from: 11, to: 39, buckets: every(11, 39, (seq) => (seq - 1) / 40) }],
      ]),
    );
    expect(loss.revision).toBe(revision + 1);
    const seqs = [...loss.points.seq.values.subarray(0, loss.length)];
    expect(seqs.filter((s) => s >= 11 && s <= 39)).toEqual(Array.from({ length: 29 }, (_, i) => 11 + i));
    expect(seqs.filter((s) => s < 11 || s > 39)).toEqual([1, 1, 10, 40]); // outside, the buckets stay
    const x = [...loss.xs('step').subarray(0, loss.length)];
    expect([...x].sort((a, b) => a - b)).toEqual(x);
    const ys = [...loss.ys.subarray(0, loss.length)];
    expect(ys[seqs.indexOf(23)]).toBe(50);
    expect(ys[seqs.indexOf(35)]).toBe(40); // the bucket the range's end touches keeps its spike
    expect([...series.timeline.seq.values.subarray(0, series.timeline.length)].filter((s) => s >= 11 && s <= 39)).toHaveLength(29);
    expect(chartData([{ label: 'loss', series: loss }], null, 100)[0].length).not.toBe(before[0].length);
  });

  it('a zoom on the wall clock, or into the last bucket, reads the buckets it shows', () => {
    const series = overviewSeries();
    // Seconds 24.5 to 26.5 of the job: within the bucket of seqs 21..30 (its points a second apart).
    expect(series.zoomRanges('wall', T0 + 24.5, T0 + 26.5, T0).get('loss')).toEqual([21, 30]);
    expect(series.zoomRanges('relative', 24.5, 26.5, T0).get('loss')).toEqual([21, 30]);
    // Steps 320 to 380: within the last bucket (seqs 31..40, steps 310 to 400).
    expect(series.zoomRanges('step', 320, 380, 0).get('loss')).toEqual([31, 40]);
  });

  it('a metric reported per epoch only sits at the step of the job\'s point before it, and live per-epoch points are not read again', () => {
    const series = overviewSeries();
    series.addOverview(new Map([['val_loss', [bucket(10, [0.5], null), bucket(30, [0.4], null)]]]), 45);
    const val = series.series.get('val_loss')!;
    expect([...val.xs('step').subarray(0, val.length)]).toEqual([100, 300]);
    series.add({ seq: 46, epoch: 2, step: null, metrics: { loss: 0.2 } });
    expect(series.series.has('loss (per epoch)')).toBe(true);
    expect([...series.zoomRanges('step', 0, 500, 0).keys()].sort()).toEqual(['accuracy', 'loss', 'val_loss']);
  });

  it('a zoom places a per-epoch metric at the step of the job\'s point before it as read again, and every x column stays sorted', () => {
    const series = overviewSeries();
    series.addOverview(new Map([['val_loss', [bucket(15, [0.5], null)]]]), 45);
    const val = series.series.get('val_loss')!;
    expect(val.xs('step')[0]).toBe(110); // the coarse bucket of seqs 11..20 starts at step 110
    const every = (from: number, to: number, value: (seq: number) => number) => Array.from({ length: to - from + 1 }, (_, i) => bucket(from + i, [value(from + i)]));
    series.refine(
      new Map([
        ['val_loss', { from: 11, to: 39, buckets: [bucket(15, [0.5], null)] }],
        ['loss', { from: 11, to: 39, buckets: every(11, 39, lossAt) }],
      ]),
    );
    expect(val.xs('step')[0]).toBe(150); // loss's point at seq 15 is at step 150
    const sorted = (xs: Float64Array, n: number) => [...xs.subarray(0, n)].every((x, i, all) => i === 0 || all[i - 1] <= x);
    expect(sorted(series.timeline.step.values, series.timeline.length)).toBe(true);
    for (const s of series.series.values()) expect(sorted(s.xs('step'), s.length)).toBe(true);
  });
});
