// Display helpers.

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—';
  const s = Math.floor(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  if (h > 0) return `${h}h ${String(m).padStart(2, '0')}m`;
  if (m > 0) return `${m}m ${String(sec).padStart(2, '0')}s`;
  return `${sec}s`;
}

export function formatValue(value: number | undefined): string {
  if (value === undefined) return '—';
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '-∞';
  const abs = Math.abs(value);
  if (abs !== 0 && (abs < 1e-3 || abs >= 1e6)) return value.toExponential(3);
  return String(Number(value.toPrecision(5)));
}

/** The time of day of `time` (an ISO-8601 string or milliseconds since 1970) in the browser's zone, to the millisecond. */
export function formatClock(time: string | number): string {
  const date = new Date(time);
  if (Number.isNaN(date.getTime())) return String(time);
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}

export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString();
}

export function elapsedMs(startedAt: string | null, finishedAt: string | null, now: number): number {
  if (!startedAt) return NaN;
  const end = finishedAt ? Date.parse(finishedAt) : now;
  return end - Date.parse(startedAt);
}

/** Fraction of the epochs done, from the latest metric's epoch; 1 once the job completed. */
export function progressFraction(latestEpoch: number | undefined, numEpochs: number, completed: boolean): number {
  if (completed) return 1;
  if (latestEpoch === undefined || numEpochs <= 0) return 0;
  return Math.max(0, Math.min(1, latestEpoch / numEpochs));
}

/** Time left at the pace so far, or NaN while there is too little to tell. */
export function etaMs(elapsed: number, fraction: number): number {
  if (!(fraction > 0) || fraction >= 1 || !Number.isFinite(elapsed)) return NaN;
  return (elapsed / fraction) * (1 - fraction);
}
