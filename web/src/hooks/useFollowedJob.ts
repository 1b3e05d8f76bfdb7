// useFollowedJob: one job's history and live feed in one place, for the product's job page and the embeddable
// TrainingMonitorPanel alike. It loads the stored metrics, newest log lines and timeline markers, then follows
// the job live from exactly where the history ends (docs/protocol.md, "Sequence numbers"): every point, line and
// marker once. A long job's metrics are loaded as each metric's overview (its extremes in buckets), so the
// charts draw at once whatever the length, and a zoomed range is read again finer (`refine`). It does not render
// anything, nor decide what a deleted job looks like: `onJobDeleted` tells.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { fetchAllMetrics, fetchEventsSince, fetchLogs, fetchMetricNames, fetchOverview, getJob, isNotFound } from '../lib/api';
import { LogBuffer } from '../lib/logs';
import { isFinalStatus, laterStatus } from '../lib/protocol';
import { JobSeries, pointFromEvent } from '../lib/series';
import { activeAlerts, MarkerList, markerOf, type Marker } from '../lib/timeline';
import { announceAlert, announceJobEnd } from '../lib/toasts';
import type { AlertEvent, ConnectionState, JobDeletedEvent, JobStatus, OverviewBucket, PodEventEvent, StatusChangeEvent } from '../lib/types';
import { useFrameTick } from './useStore';
import type { UseTrainingJobResult } from './useTrainingJob';
import { useTrainingMonitor } from './useTrainingMonitor';

/** Log lines loaded at first, and per "load older lines". */
const LOG_PAGE = 500;
/** The event types a timeline marks (with log lines of WARNING and above). */
const MARKED_TYPES = ['training_status_change', 'training_alert', 'training_pod_event'];
/** The newest WARNING+ lines marked from the history. */
const MARKED_LINES = 5000;
/**
 * A job of more events than this is loaded as its metrics' overviews rather than point by point: at 50,000 points
 * a page, every point of a shorter one is one or two requests, and an overview is drawn as fast at any length.
 */
const WHOLE_HISTORY_SEQS = 20_000;
/** Buckets of a metric's overview: a few per pixel column of a wide chart. */
const OVERVIEW_BUCKETS = 1000;
/** Buckets of a zoomed range read again: every point of a range of up to this many. */
const ZOOM_BUCKETS = 2000;

/** The job's stored markers: its status changes, alerts, pod events and newest WARNING+ lines. */
async function loadMarkers(jobId: number, markers: MarkerList): Promise<void> {
  const [events, warnings] = await Promise.all([
    fetchEventsSince(jobId, 0, 1000, MARKED_TYPES),
    fetchLogs(jobId, { level: 'WARNING', limit: MARKED_LINES }),
  ]);
  for (const event of events) markers.add(markerOf(event as StatusChangeEvent | AlertEvent | PodEventEvent));
  for (const line of warnings.logs) markers.add(markerOf(line));
}

/**
 * Loads the job's history into `series` and `logs` and answers a seq S such that every event up to S is in them
 * (or, for status changes, in the job fetched afterwards): the live feed then starts after S, and GET /events
 * supplies anything between S and the socket's subscription. Metrics, logs, metrics again: every metric up to
 * the second look and every log up to the log look are held, and both looks came after the first metric look.
 */
async function loadHistory(jobId: number, series: JobSeries, logs: LogBuffer, onProgress: () => void): Promise<number> {
  const addPoints = (points: Parameters<JobSeries['addAll']>[0]) => {
    series.addAll(points);
    onProgress();
  };
  // The job's last seq, then its names and overviews: every point up to that seq is in them.
  const { last_seq: lastSeq = 0 } = await getJob(jobId);
  let metricsUpTo: number;
  if (lastSeq > WHOLE_HISTORY_SEQS) {
    // Each metric drawn as its overview comes; those reported per epoch only after the others, as they are placed
    // at the step of the job's points before them.
    const names = await fetchMetricNames(jobId);
    const perEpoch = new Map<string, OverviewBucket[]>();
    await Promise.all(
      names.map(async (name) => {
        const buckets = await fetchOverview(jobId, name, { buckets: OVERVIEW_BUCKETS, before: lastSeq + 1 });
        if (buckets.length > 0 && buckets.every((b) => b.step === null)) {
          perEpoch.set(name, buckets);
          return;
        }
        series.addOverview(new Map([[name, buckets]]), lastSeq);
        onProgress();
      }),
    );
    series.addOverview(perEpoch, lastSeq);
    onProgress();
    metricsUpTo = lastSeq;
  } else {
    metricsUpTo = await fetchAllMetrics(jobId, { onPage: addPoints });
  }
  const { logs: newest } = await fetchLogs(jobId, { limit: LOG_PAGE });
  logs.addAll(newest);
  onProgress();
  await fetchAllMetrics(jobId, { since: series.lastSeq, onPage: addPoints });
  return Math.max(metricsUpTo, logs.lastSeq);
}

export interface FollowedJob {
  series: JobSeries;
  logs: LogBuffer;
  markers: MarkerList;
  /** Changes (at most once a frame) whenever series, logs or markers did. */
  tick: number;
  /** The seq the history reached, once it is loaded; null before. */
  baseline: number | null;
  historyError: string | null;
  /** Reads the log page before the oldest line held; undefined when there is none (or the job is deleted). */
  loadOlder?: () => void;
  /** The alerts firing now (the markers of the events that fired them). */
  firing: Marker[];
  /** Reads each metric's range of seqs (name → [from, to]) again finer, when they are held as overviews (a zoom). */
  refine: (ranges: Map<string, [number, number]>) => void;
  /** The live feed's socket: `live` while events flow. */
  connectionState: ConnectionState;
}

/**
 * Follows `jobId`, whose REST view `training` holds (useTrainingJob): its status changes update it, and it is
 * fetched again after the history and after a reconnection. `enabled: false` stops following (a deleted job).
 * `onJobDeleted` gets the job's training_job_deleted, or null when the API answered 404 for it.
 */
export function useFollowedJob(
  jobId: number,
  training: UseTrainingJobResult,
  { enabled = true, onJobDeleted }: { enabled?: boolean; onJobDeleted?: (event: JobDeletedEvent | null) => void } = {},
): FollowedJob {
  const { job, error, reload, setJob } = training;
  const [series] = useState(() => new JobSeries());
  const [logs] = useState(() => new LogBuffer());
  const [markers] = useState(() => new MarkerList());
  const [tick, bump] = useFrameTick();
  const [baseline, setBaseline] = useState<number | null>(null);
  const [historyError, setHistoryError] = useState<string | null>(null);
  const [olderLogs, setOlderLogs] = useState(false);
  // The status as last shown: an end replayed from the history for a job already shown ended is not news.
  const shownStatus = useRef<JobStatus | undefined>(undefined);
  shownStatus.current = job?.status;
  const deletedRef = useRef(onJobDeleted);
  deletedRef.current = onJobDeleted;

  useEffect(() => {
    let cancelled = false;
    loadHistory(jobId, series, logs, bump)
      .then(async (seq) => {
        await reload(); // after the history: the status it shows covers every status change up to seq
        if (cancelled) return;
        setOlderLogs(logs.entries.length >= LOG_PAGE);
        setBaseline(seq);
        // The markers need not hold the page back: they are drawn when they come (each once, live or not).
        loadMarkers(jobId, markers).then(bump, () => {});
      })
      .catch((e: Error) => {
        if (cancelled) return;
        setHistoryError(e.message);
        setBaseline(series.lastSeq); // follow live anyway (not when the job is gone: see `enabled` below)
      });
    return () => {
      cancelled = true;
    };
  }, [jobId, series, logs, markers, bump, reload]);

  const { connectionState } = useTrainingMonitor({
    jobId,
    since: baseline ?? 0,
    // Not for a job the API answers 404 for: its token and events would only answer 404.
    enabled: enabled && baseline !== null && !isNotFound(error),
    onStatusChange: (id, _old, newStatus, event) => {
      setJob((j) => ({
        ...j,
        status: laterStatus(j.status, newStatus),
        failure_reason: event.reason ?? j.failure_reason,
        status_message: event.message ?? j.status_message,
      }));
      const wasEnded = shownStatus.current !== undefined && isFinalStatus(shownStatus.current);
      if (isFinalStatus(newStatus) && !wasEnded) announceJobEnd(id, newStatus, event.reason);
      if (markers.add(markerOf(event))) bump();
      void reload(); // start and finish times
    },
    onMetrics: (_id, update, event) => {
      if (series.add(pointFromEvent(event.seq, update))) bump();
    },
    onLog: (_id, entry) => {
      const added = logs.add(entry);
      if (markers.add(markerOf(entry)) || added) bump();
    },
    onAlert: (id, event) => {
      if (markers.add(markerOf(event))) bump();
      announceAlert(id, event);
    },
    onPodEvent: (_id, event) => {
      if (markers.add(markerOf(event))) bump();
    },
    onConnected: (reconnected) => {
      if (reconnected) void reload(); // a 404 here says the job was deleted meanwhile
    },
    onJobDeleted: (_id, event) => deletedRef.current?.(event),
  });

  const loadOlder = useCallback(() => {
    const first = logs.firstSeq;
    if (first === undefined) return;
    fetchLogs(jobId, { before: first, limit: LOG_PAGE }).then(
      ({ logs: older }) => {
        logs.prepend(older);
        setOlderLogs(older.length >= LOG_PAGE);
        bump();
      },
      (e: unknown) => {
        setOlderLogs(false);
        if (isNotFound(e)) deletedRef.current?.(null);
      },
    );
  }, [jobId, logs, bump]);

  // Only the newest zoom's answer is drawn: an older one that comes later would replace finer points.
  const refining = useRef(0);
  const refine = useCallback(
    (ranges: Map<string, [number, number]>) => {
      if (!series.coarse || ranges.size === 0) return;
      const ticket = ++refining.current;
      const wanted = [...ranges];
      Promise.all(wanted.map(([name, [from, to]]) => fetchOverview(jobId, name, { buckets: ZOOM_BUCKETS, since: from - 1, before: to + 1 }))).then(
        (read) => {
          if (ticket !== refining.current) return;
          series.refine(new Map(wanted.map(([name, [from, to]], i) => [name, { from, to, buckets: read[i] }])));
          bump();
        },
        () => {}, // the overview drawn stays; the next zoom asks again
      );
    },
    [jobId, series, bump],
  );

  const firing = useMemo(() => activeAlerts(markers.items), [markers, markers.version]);
  return { series, logs, markers, tick, baseline, historyError, loadOlder: olderLogs && enabled ? loadOlder : undefined, firing, refine, connectionState };
}
