// A job's log lines in seq order, bounded: the newest `cap` entries are kept.
import type { LogEntry } from './types';

export const LEVELS = ['DEBUG', 'INFO', 'WARNING', 'ERROR'] as const;

export class LogBuffer {
  entries: LogEntry[] = [];
  lastSeq = 0;
  dropped = 0;

  constructor(private readonly cap = 10_000) {}

  add(entry: LogEntry): boolean {
    if (entry.seq <= this.lastSeq) return false;
    this.lastSeq = entry.seq;
    this.entries.push(entry);
    if (this.entries.length > this.cap * 1.1) {
      const excess = this.entries.length - this.cap;
      this.entries.splice(0, excess);
      this.dropped += excess;
    }
    return true;
  }

  addAll(entries: LogEntry[]): void {
    for (const entry of entries) this.add(entry);
  }

  get firstSeq(): number | undefined {
    return this.entries[0]?.seq;
  }

  /** Entries older than the first one held (from GET /logs?before=), put in front. */
  prepend(older: LogEntry[]): void {
    const first = this.firstSeq ?? Infinity;
    this.entries = [...older.filter((e) => e.seq < first), ...this.entries];
  }
}

/** Entries at `minLevel` or above whose message contains `search` (case-insensitive). */
export function filterLogs(entries: LogEntry[], minLevel: string, search: string): LogEntry[] {
  const floor = LEVELS.indexOf(minLevel as (typeof LEVELS)[number]);
  const needle = search.trim().toLowerCase();
  if (floor <= 0 && !needle) return entries;
  return entries.filter((e) => {
    const level = LEVELS.indexOf(e.level as (typeof LEVELS)[number]);
    return (floor <= 0 || level >= floor) && (!needle || e.message.toLowerCase().includes(needle));
  });
}
