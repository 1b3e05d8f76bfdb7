// Min/max-preserving downsampling for line charts: the x range is cut into one bucket per pixel column and each
// bucket keeps its first, lowest, highest and last point, in their original order. What a pixel column would show
// (the vertical extent of the line and how it enters and leaves) is kept, so a single loss spike in a million
// points still reaches its height. Values that are not finite (NaN, ±Infinity) become null: a visible break in
// the line rather than a silently skipped point.

export interface Downsampled {
  x: number[];
  y: (number | null)[];
}

/** First index in [lo, hi) whose x is >= value, assuming xs ascending there. */
export function lowerBound(xs: ArrayLike<number>, value: number, lo = 0, hi = xs.length): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index in [lo, hi) whose x is > value, assuming xs ascending there. */
export function upperBound(xs: ArrayLike<number>, value: number, lo = 0, hi = xs.length): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid] <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Points start..end-1 of (xs, ys), reduced to at most about 4 per bucket. With no more than `4 * buckets` points
 * they are returned as they are.
 */
export function downsampleMinMax(
  xs: ArrayLike<number>,
  ys: ArrayLike<number>,
  buckets: number,
  start = 0,
  end = Math.min(xs.length, ys.length),
): Downsampled {
  const out: Downsampled = { x: [], y: [] };
  const push = (i: number) => {
    out.x.push(xs[i]);
    out.y.push(Number.isFinite(ys[i]) ? ys[i] : null);
  };
  const count = end - start;
  if (count <= 0) return out;
  buckets = Math.max(1, Math.floor(buckets));
  if (count <= 4 * buckets) {
    for (let i = start; i < end; i++) push(i);
    return out;
  }

  const x0 = xs[start];
  const span = xs[end - 1] - x0;
  // Bucket by x when x spreads out; by position when it does not (all points at one epoch, say).
  const byX = Number.isFinite(span) && span > 0;
  const bucketOf = byX
    ? (i: number) => Math.min(buckets - 1, Math.max(0, Math.floor(((xs[i] - x0) / span) * buckets)))
    : (i: number) => Math.floor(((i - start) / count) * buckets);

  let bucket = bucketOf(start);
  let first = start;
  let last = start;
  let min = -1;
  let max = -1;
  let broken = -1; // a non-finite value in the bucket
  const flush = () => {
    const keep = [first, min, max, broken, last].filter((i) => i >= 0).sort((a, b) => a - b);
    let previous = -1;
    for (const i of keep) if (i !== previous) push((previous = i));
  };
  for (let i = start; i < end; i++) {
    const b = bucketOf(i);
    if (b !== bucket) {
      flush();
      bucket = b;
      first = i;
      min = max = broken = -1;
    }
    last = i;
    const y = ys[i];
    if (!Number.isFinite(y)) {
      if (broken < 0) broken = i;
    } else {
      if (min < 0 || y < ys[min]) min = i;
      if (max < 0 || y > ys[max]) max = i;
    }
  }
  flush();
  return out;
}
