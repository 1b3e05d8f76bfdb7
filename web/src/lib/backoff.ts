// Reconnect delays: exponential from baseMs, capped at capMs, with "equal jitter" (half fixed, half random) so
// that many browsers cut off by one relay restart do not all come back in the same instant.
export interface BackoffOptions {
  baseMs?: number;
  capMs?: number;
  random?: () => number;
}

export function backoffDelay(attempt: number, { baseMs = 500, capMs = 10_000, random = Math.random }: BackoffOptions = {}): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt));
  return ceiling / 2 + random() * (ceiling / 2);
}
