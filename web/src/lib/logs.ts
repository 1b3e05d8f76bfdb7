// A job's log lines in seq order, bounded: the newest `cap` entries are kept.
import { plainText } from './ansi';
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

// Each entry's message without escapes, lower-cased, for search: computed once per entry and message.
const searchText = new WeakMap<LogEntry, { message: string; text: string }>();

/** `entry`'s message as searched: escapes removed (lib/ansi.ts), lower-cased. */
export function searchableMessage(entry: LogEntry): string {
  const cached = searchText.get(entry);
  if (cached !== undefined && cached.message === entry.message) return cached.text;
  const text = plainText(entry.message).toLowerCase();
  searchText.set(entry, { message: entry.message, text });
  return text;
}

/**
 * Entries at `minLevel` or above whose message contains `search` (case-insensitive), matched against the message's
 * text with its ANSI escapes removed, as shown.
 */
export function filterLogs(entries: LogEntry[], minLevel: string, search: string): LogEntry[] {
  const floor = LEVELS.indexOf(minLevel as (typeof LEVELS)[number]);
  const needle = search.trim().toLowerCase();
  if (floor <= 0 && !needle) return entries;
  return entries.filter((e) => {
    const level = LEVELS.indexOf(e.level as (typeof LEVELS)[number]);
    return (floor <= 0 || level >= floor) && (!needle || searchableMessage(e).includes(needle));
  });
}
