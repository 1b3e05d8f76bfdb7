import { memo, useLayoutEffect, useRef, useState } from 'react';
import { filterLogs, LEVELS } from '../lib/logs';
import type { LogEntry } from '../lib/types';
import { AnsiText } from './AnsiText';

const SHOWN = 2000;

/** One log line; its message's ANSI colours are rendered, other escapes removed (AnsiText). */
const LogLine = memo(function LogLine({ entry }: { entry: LogEntry }) {
  return (
    <div className={`log-line level-${entry.level.toLowerCase()}`}>
      <span className="log-time">{entry.timestamp.slice(11, 23)}</span>
      <span className="log-level">{entry.level}</span>
      <AnsiText className="log-message" text={entry.message} />
    </div>
  );
});

/**
 * Log lines with a level filter and search (on the messages' text, escapes removed); follows new lines until the
 * user scrolls up. `version` must change whenever `entries` (a mutable buffer) does; other re-renders of the page
 * skip this panel. Entries themselves are not changed once added, so a line renders once.
 */
export const LogPanel = memo(function LogPanel({ entries, version, onLoadOlder }: { entries: LogEntry[]; version: number; onLoadOlder?: () => void }) {
  const [minLevel, setMinLevel] = useState('DEBUG');
  const [search, setSearch] = useState('');
  const [follow, setFollow] = useState(true);
  const box = useRef<HTMLDivElement>(null);

  const matching = filterLogs(entries, minLevel, search);
  const shown = matching.length > SHOWN ? matching.slice(-SHOWN) : matching;

  useLayoutEffect(() => {
    if (follow && box.current) box.current.scrollTop = box.current.scrollHeight;
  }, [follow, version, minLevel, search, entries.length]);

  const onScroll = () => {
    const el = box.current!;
    const atBottom = el.scrollHeight - el.scrollTop - el.clientHeight < 8;
    if (atBottom !== follow) setFollow(atBottom);
  };

  return (
    <section className="card log-panel">
      <div className="log-toolbar">
        <h3>Logs</h3>
        <select value={minLevel} onChange={(e) => setMinLevel(e.target.value)} aria-label="Minimum level">
          {LEVELS.map((level) => (
            <option key={level} value={level}>
              {level === 'DEBUG' ? 'all levels' : `${level} and above`}
            </option>
          ))}
        </select>
        <input type="search" placeholder="Search logs" value={search} onChange={(e) => setSearch(e.target.value)} aria-label="Search logs" />
        <label className="follow">
          <input type="checkbox" checked={follow} onChange={(e) => setFollow(e.target.checked)} /> follow
        </label>
        <span className="muted">
          {matching.length === entries.length ? `${entries.length} lines` : `${matching.length} of ${entries.length} lines`}
        </span>
      </div>
      <div className="log-lines" ref={box} onScroll={onScroll} data-testid="log-lines" data-count={entries.length}>
        {onLoadOlder && (
          <button className="link-button load-older" onClick={onLoadOlder}>
            load older lines
          </button>
        )}
        {matching.length > shown.length && <div className="muted">… {matching.length - shown.length} earlier matching lines not shown</div>}
        {shown.map((entry) => (
          <LogLine key={entry.seq} entry={entry} />
        ))}
        {entries.length === 0 && <div className="muted">No log lines yet.</div>}
      </div>
    </section>
  );
});
