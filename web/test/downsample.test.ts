import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../src/lib/backoff';
import { downsampleMinMax, lowerBound, upperBound } from '../src/lib/downsample';

describe('downsampleMinMax', () => {
  it('keeps a single spike among a million points', () => {
    const n = 1_000_000;
    const xs = new Float64Array(n);
    const ys = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      xs[i] = i;
      ys[i] = 1 / (1 + i / 1000) + 0.01 * Math.sin(i);
    }
    const spikeAt = 654_321;
    ys[spikeAt] = 50;
    const dipAt = 123_457;
    ys[dipAt] = -7;
    const { x, y } = downsampleMinMax(xs, ys, 800);
    expect(x.length).toBeLessThanOrEqual(4 * 800);
    expect(Math.max(...(y as number[]))).toBe(50);
    expect(x[y.indexOf(50)]).toBe(spikeAt);
    expect(Math.min(...(y as number[]))).toBe(-7);
    // First and last points stay, and x stays in order.
    expect(x[0]).toBe(0);
    expect(x.at(-1)).toBe(n - 1);
    for (let i = 1; i < x.length; i++) expect(x[i]).toBeGreaterThan(x[i - 1]);
  });

  it('returns small inputs as they are, with non-finite values as gaps', () => {
    const { x, y } = downsampleMinMax([1, 2, 3, 4], [0.5, NaN, Infinity, 0.25], 100);
    expect(x).toEqual([1, 2, 3, 4]);
    expect(y).toEqual([0.5, null, null, 0.25]);
  });

  it('keeps a NaN visible as a gap in a large series', () => {
    const n = 100_000;
    const xs = Array.from({ length: n }, (_, i) => i);
    const ys = xs.map((i) => (i === 5_000 ? NaN : 1));
    const { y } = downsampleMinMax(xs, ys, 100);
    expect(y).toContain(null);
  });

  it('buckets by position when every point has the same x', () => {
    const n = 10_000;
    const xs = new Array(n).fill(3);
    const ys = Array.from({ length: n }, (_, i) => (i === 9_000 ? 99 : 0));
    const { x, y } = downsampleMinMax(xs, ys, 10);
    expect(x.length).toBeLessThanOrEqual(40);
    expect(y).toContain(99);
  });

  it('downsamples a slice only (a zoomed view)', () => {
    const xs = Array.from({ length: 10_000 }, (_, i) => i);
    const ys = xs.map((i) => i);
    const start = lowerBound(xs, 2_000);
    const end = upperBound(xs, 2_999);
    expect([start, end]).toEqual([2_000, 3_000]);
    const { x } = downsampleMinMax(xs, ys, 50, start, end);
    expect(x[0]).toBe(2_000);
    expect(x.at(-1)).toBe(2_999);
  });
});

describe('backoffDelay', () => {
  it('grows exponentially from 0.5 s, is capped at 10 s and jittered within half the step', () => {
    const low = (a: number) => backoffDelay(a, { random: () => 0 });
    const high = (a: number) => backoffDelay(a, { random: () => 1 });
    expect([low(0), high(0)]).toEqual([250, 500]);
    expect([low(1), high(1)]).toEqual([500, 1000]);
    expect(high(4)).toBe(8000);
    expect(high(5)).toBe(10_000);
    expect(high(50)).toBe(10_000);
    expect(low(50)).toBe(5_000);
  });
});
