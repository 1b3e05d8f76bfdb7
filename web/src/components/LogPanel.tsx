import { memo, useLayoutEffect, useRef, useState } from 'react';
import { formatClock } from '../lib/format';
import { filterLogs, LEVELS } from '../lib/logs';
import type { LogEntry } from '../lib/types';
import { AnsiText } from './AnsiText';

const SHOWN = 2000;

/** One log line; its message's ANSI colours are rendered, other escapes removed (AnsiText). */
const LogLine = memo(function LogLine({ entry, highlighted }: { entry: LogEntry; highlighted: boolean }) {
  return (
    <div
      className={`log-line level-${entry.level.toLowerCase()}${highlighted ? ' highlighted' : ''}`}
      data-seq={entry.seq}
      data-highlighted={highlighted || undefined}
    >
      <span className="log-time" title={entry.timestamp}>
        {formatClock(entry.timestamp)}
      </span>
      <span className="log-level">{entry.level}</span>
      <AnsiText className="log-message" text={entry.message} />
    </div>
  );
});

/**
 * Lines of one moment or range of the timeline, shown instead of the live log until the person goes back to it:
 * `highlighted` lines are marked, and the panel scrolls to the first of them (else to the first `scrollTo` takes).
 */
export interface LogFocus {
  /** What the lines are, e.g. "around step 41,200 (12:03:04)". */
  title: string;
  entries: LogEntry[];
  highlighted: (entry: LogEntry) => boolean;
  /** Where to scroll when no line is highlighted: the first line it takes. */
  scrollTo: (entry: LogEntry) => boolean;
  /** A note under the title, e.g. that only the first 5,000 lines of a range are shown. */
  note?: string;
  onClear: () => void;
}

/**
 * Log lines with a level filter and search (on the messages' text, escapes removed); follows new lines until the
 * user scrolls up. `version` must change whenever `entries` (a mutable buffer) does; other re-renders of the page
 * skip this panel. Entries themselves are not changed once added, so a line renders once. With `focus`, the
 * panel shows the lines of a moment or range of the timeline instead, until the person goes back to the live log.
 */
export const LogPanel = memo(function LogPanel({
  entries: live,
  version,
  onLoadOlder,
  focus,
}: {
  entries: LogEntry[];
  version: number;
  onLoadOlder?: () => void;
  focus?: LogFocus | null;
}) {
  const [minLevel, setMinLevel] = useState('DEBUG');
  const [search, setSearch] = useState('');
  const [follow, setFollow] = useState(true);
  const box = useRef<HTMLDivElement>(null);
  const focusBox = useRef<HTMLDivElement>(null);

  // The live log shows its newest lines; a moment or range its first (the lines after them are named below).
  const liveMatching = filterLogs(live, minLevel, search);
  const liveShown = liveMatching.length <= SHOWN ? liveMatching : liveMatching.slice(-SHOWN);
  const focusMatching = focus ? filterLogs(focus.entries, minLevel, search) : [];
  const focusShown = focusMatching.slice(0, SHOWN);
  const [entries, matching] = focus ? [focus.entries, focusMatching] : [live, liveMatching];

  useLayoutEffect(() => {
    if (!focus && follow && box.current) box.current.scrollTop = box.current.scrollHeight;
  }, [focus, follow, version, minLevel, search, live.length]);

  // A moment or range was picked: its first highlighted line (else the line at its seq) comes into view.
  useLayoutEffect(() => {
    const el = focusBox.current;
    if (!focus || !el) return;
    const first = focus.entries.find(focus.scrollTo);
    const target = el.querySelector<HTMLElement>('[data-highlighted]') ?? (first ? el.querySelector<HTMLElement>(`[data-seq="${first.seq}"]`) : null);
    if (target) el.scrollTop = target.offsetTop - el.offsetTop - el.clientHeight / 3;
  }, [focus]);

  const onScroll = () => {
    if (focus) return;
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
        {!focus && (
          <label className="follow">
            <input type="checkbox" checked={follow} onChange={(e) => setFollow(e.target.checked)} /> follow
          </label>
        )}
        <span className="muted">
          {matching.length === entries.length ? `${entries.length} lines` : `${matching.length} of ${entries.length} lines`}
        </span>
      </div>
      {focus && (
        <div className="log-focus" data-testid="log-focus">
          <span>
            Lines {focus.title}
            {focus.note && <span className="muted"> · {focus.note}</span>}
          </span>
          <button className="link-button" onClick={focus.onClear} data-testid="log-focus-clear">
            back to the live log
          </button>
        </div>
      )}
      {/* The live lines stay in the page, hidden, while a moment's or range's are shown: going back to them
          redraws nothing. */}
      <div
        className="log-lines"
        ref={box}
        onScroll={onScroll}
        hidden={!!focus}
        data-testid={focus ? undefined : 'log-lines'}
        data-count={live.length}
        data-shown={liveShown.length}
      >
        {onLoadOlder && (
          <button className="link-button load-older" onClick={onLoadOlder}>
            load older lines
          </button>
        )}
        {liveMatching.length > liveShown.length && <div className="muted">… {liveMatching.length - liveShown.length} earlier matching lines not shown</div>}
        {liveShown.map((entry) => (
          <LogLine key={entry.seq} entry={entry} highlighted={false} />
        ))}
        {live.length === 0 && <div className="muted">No log lines yet.</div>}
      </div>
      {focus && (
        <div className="log-lines" ref={focusBox} data-testid="log-lines" data-count={focus.entries.length} data-focused="true" data-shown={focusShown.length}>
          {focusShown.map((entry) => (
            <LogLine key={entry.seq} entry={entry} highlighted={focus.highlighted(entry)} />
          ))}
          {focusMatching.length > focusShown.length && (
            <div className="muted" data-testid="log-focus-more">
              … {focusMatching.length - focusShown.length} later matching lines not shown: drag a narrower range
            </div>
          )}
          {focus.entries.length === 0 && <div className="muted">No log lines there.</div>}
        </div>
      )}
    </section>
  );
});
