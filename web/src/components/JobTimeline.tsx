// A job's one timeline: every chart of the job on one x axis with one cursor and one zoom, the job's status
// changes, alerts, pod events and WARNING+ log lines as markers on each, and the log panel tied to it. A click on
// a chart (or a marker) shows the log lines of that moment with those within a time window highlighted; a dragged
// range zooms every chart and shows the log lines of that range; a link reopens the page at the moment picked.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { downloadMetricsCsv, fetchLogs } from '../lib/api';
import { formatClock, formatTime } from '../lib/format';
import type { LogBuffer } from '../lib/logs';
import type { JobSeries, MetricSeries } from '../lib/series';
import {
  activeAlerts,
  momentPath,
  placeMarkers,
  secondsOf,
  X_AXES,
  type Marker,
  type MarkerList,
  type Moment,
  type PlacedMarker,
  type XAxis,
} from '../lib/timeline';
import type { LogEntry, TrainingJob } from '../lib/types';
import { MARKER_COLORS, type XRange } from './LineChart';
import { LogPanel, type LogFocus } from './LogPanel';
import { MetricChart, type ChartLine, type ChartView } from './MetricChart';

/** The chart settings a person chose, remembered in this browser for every job. */
interface SavedView {
  axis: XAxis;
  logY: boolean;
  smoothing: number;
}

const VIEW_KEY = 'trainwatch.chart-view';
const DEFAULT_SAVED: SavedView = { axis: 'step', logY: false, smoothing: 0 };

function loadView(): SavedView {
  try {
    const saved = JSON.parse(localStorage.getItem(VIEW_KEY) ?? '{}') as Partial<SavedView>;
    return {
      axis: X_AXES.some((a) => a.value === saved.axis) ? saved.axis! : DEFAULT_SAVED.axis,
      logY: saved.logY === true,
      smoothing: typeof saved.smoothing === 'number' && saved.smoothing >= 0 && saved.smoothing < 1 ? saved.smoothing : 0,
    };
  } catch {
    return DEFAULT_SAVED; // storage disabled or a value this version cannot read
  }
}

function saveView(view: SavedView): void {
  try {
    localStorage.setItem(VIEW_KEY, JSON.stringify(view));
  } catch {
    /* storage disabled: the choice holds for this page only */
  }
}

/** The highlight windows offered around a picked moment, in seconds either side. */
const WINDOWS = [1, 5, 30, 300];
/** Lines read either side of a picked moment. */
const AROUND = 200;
/** Lines read for a dragged range (the API's largest page). */
const RANGE_LINES = 5000;

/** The metric of a vital sign (the SDK's `system/` metrics: GPU and CPU use, memory) rather than of training. */
const isVitalSign = (metric: string) => metric.startsWith('system/');

const isoOf = (seconds: number) => new Date(seconds * 1000).toISOString();

/**
 * The log lines around a moment, in the order they were written: up to AROUND written at or before its time and
 * AROUND from it on (by the lines' own timestamps, so a line that reached the API late is still there); by seq
 * for a moment with no time.
 */
async function logsAround(jobId: number, moment: Moment): Promise<LogEntry[]> {
  const [before, after] = await Promise.all(
    Number.isFinite(moment.time)
      ? [fetchLogs(jobId, { to: isoOf(moment.time), limit: AROUND }), fetchLogs(jobId, { from: isoOf(moment.time), limit: AROUND })]
      : [fetchLogs(jobId, { before: moment.seq + 1, limit: AROUND }), fetchLogs(jobId, { since: moment.seq, limit: AROUND })],
  );
  const held = new Set(before.logs.map((line) => line.seq));
  return [...before.logs, ...after.logs.filter((line) => !held.has(line.seq))];
}

/** One chart per reported metric: its per-step line and its per-epoch line (if any) together. */
function useChartsByMetric() {
  const cache = useRef(new Map<string, ChartLine[]>());
  return (all: MetricSeries[]): [string, ChartLine[]][] => {
    const groups = new Map<string, MetricSeries[]>();
    for (const s of all) groups.set(s.metric, [...(groups.get(s.metric) ?? []), s]);
    return [...groups].map(([metric, members]) => {
      // The same array while the lines stay the same, so a chart is redrawn, not rebuilt, on new points.
      const cached = cache.current.get(metric);
      if (cached && cached.length === members.length && cached.every((l, i) => l.series === members[i])) return [metric, cached];
      const lines = members.map((series) => ({ label: series.name, series }));
      cache.current.set(metric, lines);
      return [metric, lines];
    });
  };
}

/** Alert events listed under the controls, newest first; the charts mark every one. */
const LISTED_ALERTS = 20;

/** The job's newest alert events, how many there are, and the markers of those firing now (computed once per change). */
function useAlertList(markers: MarkerList) {
  const { version } = markers;
  return useMemo(() => {
    const all = markers.items.filter((m) => m.kind === 'alert');
    return { alerts: all.slice(-LISTED_ALERTS).reverse(), alertCount: all.length, active: new Set(activeAlerts(markers.items)) };
    // The list is mutable: its version says when it changed.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [markers, version]);
}

/** What the log panel shows instead of the live log: a picked moment's lines, or a dragged range's. */
type Focus =
  | { kind: 'moment'; moment: Moment; lines: LogEntry[] | null }
  | { kind: 'range'; lines: LogEntry[] | null };

export function JobTimeline({
  job,
  series,
  markers,
  logs,
  tick,
  onLoadOlder,
  initialMoment,
  linkable = false,
  refine,
}: {
  job: TrainingJob;
  series: JobSeries;
  markers: MarkerList;
  logs: LogBuffer;
  /** Changes when series, markers or logs did. */
  tick: number;
  onLoadOlder?: () => void;
  /** A moment to open at (the address' `at=` and `t=`), once the history is loaded. */
  initialMoment?: Moment;
  /**
   * Whether the page's address is this job's (the product's job page): a picked moment is then written into it
   * and can be copied as a link. An app that embeds the timeline keeps its own address.
   */
  linkable?: boolean;
  /** Reads a zoomed range's metrics again finer (useFollowedJob's `refine`), when they are held as overviews. */
  refine?: (ranges: Map<string, [number, number]>) => void;
}) {
  const jobId = job.job_id;
  const [saved, setSaved] = useState(loadView);
  // Time since start counts from the job's start, or from its first point if the trainer's clock says earlier.
  const firstPoint = series.timeline.length > 0 ? series.timeline.time.at(0) : NaN;
  const started = secondsOf(job.started_at ?? job.created_at);
  const origin = Math.min(...[started, firstPoint].filter(Number.isFinite), Infinity);
  // A job that reports no steps is drawn by epoch where the step axis was chosen (its points have no step).
  const axis: XAxis = saved.axis === 'step' && series.timeline.length > 0 && !series.usesStep ? 'epoch' : saved.axis;
  const view: ChartView = useMemo(
    () => ({ axis, logY: saved.logY, smoothing: saved.smoothing, origin: Number.isFinite(origin) ? origin : 0 }),
    [axis, saved.logY, saved.smoothing, origin],
  );
  const [range, setRange] = useState<XRange | null>(null);
  const [focus, setFocus] = useState<Focus | null>(null);
  const [windowSeconds, setWindowSeconds] = useState(5);
  const [copied, setCopied] = useState(false);
  const [csvError, setCsvError] = useState<string | null>(null);
  const chartsByMetric = useChartsByMetric();

  const choose = (change: Partial<SavedView>) => {
    const next = { ...saved, ...change };
    saveView(next);
    setSaved(next);
    if (change.axis && change.axis !== saved.axis) setRange(null); // a range of steps means nothing in seconds
  };

  const pickMoment = useCallback(
    (moment: Moment) => {
      setFocus({ kind: 'moment', moment, lines: null });
      setCopied(false);
      if (linkable) history.replaceState(null, '', momentPath(jobId, moment));
      logsAround(jobId, moment).then(
        (lines) => setFocus((f) => (f?.kind === 'moment' && f.moment === moment ? { ...f, lines } : f)),
        () => setFocus((f) => (f?.kind === 'moment' && f.moment === moment ? { ...f, lines: [] } : f)),
      );
    },
    [jobId, linkable],
  );

  const onPick = useCallback(
    (x: number, marker: Marker | null) => {
      const moment = marker ? { seq: marker.seq, time: marker.time } : series.timeline.momentAt(axis, x, view.origin);
      if (moment) pickMoment(moment);
    },
    [series, axis, view.origin, pickMoment],
  );

  const onRange = useCallback(
    (next: XRange | null) => {
      setRange(next);
      if (!next) {
        setFocus(null);
        return;
      }
      if (series.coarse) refine?.(series.zoomRanges(axis, next[0], next[1], view.origin));
      // The lines written within the range's times, however late they reached the API.
      const { from, to } = series.timeline.timesOf(axis, next[0], next[1], view.origin);
      if (!(from <= to)) {
        setFocus({ kind: 'range', lines: [] }); // no point in it: no moment to read
        return;
      }
      const picked: Focus = { kind: 'range', lines: null };
      setFocus(picked);
      fetchLogs(jobId, { from: isoOf(from), to: isoOf(to), limit: RANGE_LINES }).then(
        ({ logs: lines }) => setFocus((f) => (f === picked ? { kind: 'range', lines } : f)),
        () => setFocus((f) => (f === picked ? { kind: 'range', lines: [] } : f)),
      );
    },
    [jobId, series, axis, view.origin, refine],
  );

  // Opened at a moment (?at=seq&t=ms): picked once the history is there to place it.
  const opened = useRef(false);
  useEffect(() => {
    if (opened.current || initialMoment === undefined) return;
    opened.current = true;
    pickMoment(Number.isFinite(initialMoment.time) ? initialMoment : series.timeline.momentOfSeq(initialMoment.seq));
  }, [initialMoment, series, pickMoment]);

  // Markers placed on the current axis, computed again only when something they depend on changed.
  const focusedSeq = focus?.kind === 'moment' ? focus.moment.seq : null;
  const placed = useRef({ key: '', list: [] as PlacedMarker[] });
  const placedMarkers = useCallback(() => {
    const key = `${markers.version}|${series.timeline.length}|${series.revision}|${axis}|${view.origin}|${focusedSeq}`;
    if (placed.current.key !== key) {
      const list = placeMarkers(markers.items, series.timeline, axis, view.origin);
      if (focus?.kind === 'moment') {
        const moment: Marker = { seq: focus.moment.seq, time: focus.moment.time, kind: 'moment', severity: 'info', label: 'picked' };
        list.push(...placeMarkers([moment], series.timeline, axis, view.origin));
      }
      placed.current = { key, list };
    }
    return placed.current.list;
  }, [markers, series, axis, view.origin, focusedSeq, focus]);

  const logFocus: LogFocus | null = useMemo(() => {
    if (!focus) return null;
    const clear = () => {
      setFocus(null);
      setRange(null);
      if (linkable) history.replaceState(null, '', `/training/${jobId}`);
    };
    if (focus.kind === 'moment') {
      const { moment } = focus;
      const when = Number.isFinite(moment.time) ? formatClock(moment.time * 1000) : `seq ${moment.seq}`;
      return {
        title: `around ${when} (±${windowSeconds} s highlighted)`,
        entries: focus.lines ?? [],
        highlighted: (e: LogEntry) => Math.abs(secondsOf(e.timestamp) - moment.time) <= windowSeconds,
        scrollTo: (e: LogEntry) => secondsOf(e.timestamp) >= moment.time,
        note: focus.lines === null ? 'loading…' : undefined,
        onClear: clear,
      };
    }
    return {
      title: 'of the selected range',
      entries: focus.lines ?? [],
      highlighted: () => false,
      scrollTo: () => true,
      note: focus.lines === null ? 'loading…' : focus.lines.length >= RANGE_LINES ? `the first ${RANGE_LINES.toLocaleString('en')} lines of it` : undefined,
      onClear: clear,
    };
  }, [focus, windowSeconds, jobId, linkable]);

  const copyLink = async () => {
    if (focus?.kind !== 'moment') return;
    const url = `${location.origin}${momentPath(jobId, focus.moment)}`;
    try {
      await navigator.clipboard.writeText(url);
      setCopied(true);
    } catch {
      window.prompt('Copy this link', url); // no clipboard (an insecure origin, or permission refused)
    }
  };

  const timeline = {
    syncKey: `job-${jobId}`,
    range,
    onRange,
    markers: placedMarkers,
    onPick,
    markerVersion: markers.version + (focusedSeq ?? 0),
  };
  const all = [...series.series.values()];
  const training = chartsByMetric(all.filter((s) => !isVitalSign(s.metric)));
  const vitals = chartsByMetric(all.filter((s) => isVitalSign(s.metric)));
  const { alerts, alertCount, active } = useAlertList(markers);

  return (
    <div className="timeline" data-testid="timeline" data-axis={axis} data-markers={markers.items.length} data-history={series.coarse ? 'overview' : 'points'}>
      <div className="card chart-controls" data-testid="chart-controls">
        <label>
          x axis{' '}
          <select value={saved.axis} onChange={(e) => choose({ axis: e.target.value as XAxis })} data-testid="x-axis">
            {X_AXES.map((a) => (
              <option key={a.value} value={a.value} disabled={a.value === 'step' && axis !== saved.axis}>
                {a.value === 'step' && axis !== saved.axis ? 'step (none reported: by epoch)' : a.label}
              </option>
            ))}
          </select>
        </label>
        <label>
          <input type="checkbox" checked={saved.logY} onChange={(e) => choose({ logY: e.target.checked })} data-testid="log-y" /> log scale
        </label>
        <label>
          smoothing{' '}
          <input
            type="range"
            min={0}
            max={0.99}
            step={0.01}
            value={saved.smoothing}
            onChange={(e) => choose({ smoothing: Number(e.target.value) })}
            data-testid="smoothing"
          />{' '}
          <span className="num">{saved.smoothing.toFixed(2)}</span>
        </label>
        <label>
          highlight ±{' '}
          <select value={windowSeconds} onChange={(e) => setWindowSeconds(Number(e.target.value))} aria-label="Highlight window">
            {WINDOWS.map((w) => (
              <option key={w} value={w}>
                {w < 60 ? `${w} s` : `${w / 60} min`}
              </option>
            ))}
          </select>
        </label>
        {range && (
          <button className="link-button" onClick={() => onRange(null)} data-testid="reset-zoom">
            show everything
          </button>
        )}
        {linkable && focus?.kind === 'moment' && (
          <button className="link-button" onClick={() => void copyLink()} data-testid="copy-moment-link">
            {copied ? 'link copied' : 'copy link to this moment'}
          </button>
        )}
        <span className="spacer" />
        <button
          className="secondary"
          data-testid="download-csv"
          onClick={() => {
            setCsvError(null);
            downloadMetricsCsv(jobId).catch((e: Error) => setCsvError(e.message));
          }}
        >
          Download CSV
        </button>
        {csvError && <span className="error">{csvError}</span>}
        <div className="marker-legend muted small">
          Click a chart to read the logs of that moment; drag to zoom and read the logs of a range; double-click to zoom out.{' '}
          {(['status', 'alert', 'pod', 'log'] as const).map((kind) => (
            <span key={kind} className="legend-item">
              <span className="legend-swatch" style={{ background: MARKER_COLORS[kind][kind === 'log' ? 'warning' : 'error'] }} />
              {{ status: 'status change', alert: 'alert', pod: 'pod event', log: 'warning or error line' }[kind]}
            </span>
          ))}
        </div>
      </div>

      {alerts.length > 0 && (
        <div className="card alerts-list" data-testid="alerts-list">
          <h3>Alerts</h3>
          {alertCount > alerts.length && (
            <p className="muted small">
              The newest {alerts.length} of {alertCount.toLocaleString('en')} alert events; every one is marked on the charts.
            </p>
          )}
          <ul>
            {alerts.map((m) => (
              <li key={m.seq} data-testid="alert-item" data-state={m.alert!.state} data-active={active.has(m) || undefined}>
                <button className="link-button" onClick={() => pickMoment({ seq: m.seq, time: m.time })}>
                  {Number.isFinite(m.time) ? formatTime(new Date(m.time * 1000).toISOString()) : `seq ${m.seq}`}
                </button>{' '}
                <span className={`alert-state ${m.alert!.state}`}>{m.alert!.state}</span> {m.alert!.rule}
                {m.alert!.metric ? ` (${m.alert!.metric})` : ''}: {m.alert!.message}
              </li>
            ))}
          </ul>
        </div>
      )}

      <div className="charts">
        {training.map(([metric, lines]) => (
          <MetricChart key={metric} title={metric} lines={lines} version={tick} view={view} timeline={timeline} />
        ))}
        {training.length === 0 && <p className="muted">No metrics reported yet.</p>}
      </div>
      {vitals.length > 0 && (
        <>
          <h2 className="section-title">Vital signs</h2>
          <div className="charts vitals" data-testid="vitals">
            {vitals.map(([metric, lines]) => (
              <MetricChart key={metric} title={metric} lines={lines} version={tick} view={view} timeline={timeline} height={160} />
            ))}
          </div>
        </>
      )}
      <LogPanel entries={logs.entries} version={logs.lastSeq + logs.entries.length} onLoadOlder={onLoadOlder} focus={logFocus} />
    </div>
  );
}
