import { useCallback, useEffect, useRef, useState } from 'react';
import { Link } from '../components/Link';
import { LogPanel } from '../components/LogPanel';
import { MetricCards } from '../components/MetricCards';
import { MetricChart, type ChartLine } from '../components/MetricChart';
import { ProgressBar } from '../components/ProgressBar';
import { StatusBadge } from '../components/StatusBadge';
import { useFrameTick, useNow } from '../hooks/useStore';
import { useTrainingJob } from '../hooks/useTrainingJob';
import { useTrainingMonitor } from '../hooks/useTrainingMonitor';
import { cancelJob, fetchAllMetrics, fetchLogs } from '../lib/api';
import { grafanaDashboardUrl } from '../lib/config';
import { elapsedMs, etaMs, formatDuration, formatTime, progressFraction } from '../lib/format';
import { LogBuffer } from '../lib/logs';
import { isFinalStatus, laterStatus } from '../lib/protocol';
import { sessionPath } from '../lib/router';
import { JobSeries, pointFromEvent, type MetricSeries } from '../lib/series';
import { announceJobEnd } from '../lib/toasts';
import type { JobStatus, TrainingJob } from '../lib/types';

/**
 * Loads the job's history into `series` and `logs` and answers a seq S such that every event up to S is in them
 * (or, for status changes, in the job fetched afterwards): the live feed then starts after S, and GET /events
 * supplies anything between S and the socket's subscription. Metrics, logs, metrics again: every metric up to
 * the second look and every log up to the log look are held, and both looks came after the first metric look.
 */
const LOG_PAGE = 500;

async function loadHistory(jobId: number, series: JobSeries, logs: LogBuffer, onProgress: () => void): Promise<number> {
  const addPoints = (points: Parameters<JobSeries['addAll']>[0]) => {
    series.addAll(points);
    onProgress();
  };
  const metricsUpTo = await fetchAllMetrics(jobId, { onPage: addPoints });
  const { logs: newest } = await fetchLogs(jobId, { limit: LOG_PAGE });
  logs.addAll(newest);
  onProgress();
  await fetchAllMetrics(jobId, { since: series.lastSeq, onPage: addPoints });
  return Math.max(metricsUpTo, logs.lastSeq);
}

function Overview({ job, latestEpoch, now }: { job: TrainingJob; latestEpoch: number | undefined; now: number }) {
  const fraction = progressFraction(latestEpoch, job.num_epochs, job.status === 'completed');
  const elapsed = elapsedMs(job.started_at, job.finished_at, now);
  const eta = job.status === 'running' ? etaMs(elapsed, fraction) : NaN;
  return (
    <div className="card overview">
      <ProgressBar fraction={fraction} label={`epoch ${latestEpoch ?? (job.status === 'completed' ? job.num_epochs : 0)} of ${job.num_epochs}`} />
      <dl className="facts">
        <div>
          <dt>Elapsed</dt>
          <dd data-testid="elapsed">{formatDuration(elapsed)}</dd>
        </div>
        <div>
          <dt>ETA</dt>
          <dd>{Number.isNaN(eta) ? '—' : formatDuration(eta)}</dd>
        </div>
        <div>
          <dt>Started</dt>
          <dd>{formatTime(job.started_at)}</dd>
        </div>
        <div>
          <dt>Dataset</dt>
          <dd>{job.dataset_path}</dd>
        </div>
        <div>
          <dt>Batch size</dt>
          <dd>{job.batch_size}</dd>
        </div>
        <div>
          <dt>Executor</dt>
          <dd>
            {job.executor_type}
            {job.execution_id ? ` (${job.execution_id})` : ''}
          </dd>
        </div>
        {job.command && (
          <div className="wide">
            <dt>Command</dt>
            <dd>
              <code>{[...job.command, ...(job.args ?? [])].join(' ')}</code>
            </dd>
          </div>
        )}
      </dl>
    </div>
  );
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

export function JobPage({ jobId }: { jobId: number }) {
  const { job, isLoading, error, reload, setJob } = useTrainingJob(jobId);
  const [series] = useState(() => new JobSeries());
  const [logs] = useState(() => new LogBuffer());
  const [tick, bump] = useFrameTick();
  const [baseline, setBaseline] = useState<number | null>(null);
  const [historyError, setHistoryError] = useState<string | null>(null);
  const [cancelling, setCancelling] = useState(false);
  const now = useNow();
  const chartsByMetric = useChartsByMetric();
  const [olderLogs, setOlderLogs] = useState(false);
  // The status as last shown: an end replayed from the history for a job already shown ended is not news.
  const shownStatus = useRef<JobStatus | undefined>(undefined);
  shownStatus.current = job?.status;

  useEffect(() => {
    let cancelled = false;
    loadHistory(jobId, series, logs, bump)
      .then(async (seq) => {
        await reload(); // after the history: the status it shows covers every status change up to seq
        if (cancelled) return;
        setOlderLogs(logs.entries.length >= LOG_PAGE);
        setBaseline(seq);
      })
      .catch((e: Error) => {
        if (cancelled) return;
        setHistoryError(e.message);
        setBaseline(series.lastSeq); // follow live anyway
      });
    return () => {
      cancelled = true;
    };
  }, [jobId, series, logs, bump, reload]);

  useTrainingMonitor({
    jobId,
    since: baseline ?? 0,
    enabled: baseline !== null,
    onStatusChange: (id, _old, newStatus, event) => {
      setJob((j) => ({
        ...j,
        status: laterStatus(j.status, newStatus),
        failure_reason: event.reason ?? j.failure_reason,
        status_message: event.message ?? j.status_message,
      }));
      const wasEnded = shownStatus.current !== undefined && isFinalStatus(shownStatus.current);
      if (isFinalStatus(newStatus) && !wasEnded) announceJobEnd(id, newStatus, event.reason);
      void reload(); // start and finish times
    },
    onMetrics: (_id, update, event) => {
      if (series.add(pointFromEvent(event.seq, update))) bump();
    },
    onLog: (_id, entry) => {
      if (logs.add(entry)) bump();
    },
    onConnected: (reconnected) => {
      if (reconnected) void reload();
    },
  });

  const loadOlder = useCallback(() => {
    const first = logs.firstSeq;
    if (first === undefined) return;
    void fetchLogs(jobId, { before: first, limit: LOG_PAGE }).then(({ logs: older }) => {
      logs.prepend(older);
      setOlderLogs(older.length >= LOG_PAGE);
      bump();
    });
  }, [jobId, logs, bump]);

  const cancel = async () => {
    if (!window.confirm(`Cancel job #${jobId}?`)) return;
    setCancelling(true);
    try {
      await cancelJob(jobId);
    } catch (e) {
      window.alert(`Could not cancel: ${(e as Error).message}`);
    }
    await reload();
    setCancelling(false);
  };

  if (isLoading && !job) return <p className="muted">Loading job #{jobId}…</p>;
  if (!job) return <p className="error">Could not load job #{jobId}: {error?.message ?? 'not found'}</p>;

  const grafana = grafanaDashboardUrl(jobId);
  const allSeries = [...series.series.values()];
  const xLabel = series.usesStep ? 'step' : 'epoch';
  const charts = chartsByMetric(allSeries);
  return (
    <div className="job-page" data-testid="job-page" data-job-id={jobId} data-history-loaded={baseline !== null}>
      <div className="page-header">
        <h1>
          Job #{jobId} <span className="muted">{job.model_name}</span>
        </h1>
        <StatusBadge status={job.status} />
        <span className="muted">{job.framework}</span>
        {job.session_id !== null && <Link to={sessionPath(job)}>session {job.session_id}</Link>}
        <span className="spacer" />
        {grafana && (
          <a className="button secondary" href={grafana} target="_blank" rel="noreferrer">
            Grafana dashboard
          </a>
        )}
        {!isFinalStatus(job.status) && (
          <button className="danger" onClick={() => void cancel()} disabled={cancelling}>
            {cancelling ? 'Cancelling…' : 'Cancel job'}
          </button>
        )}
      </div>

      {(job.status === 'failed' || (job.status === 'cancelled' && job.status_message)) && (
        <div className="card failure" data-testid="failure">
          <strong>{job.failure_reason ?? job.status}</strong>
          {job.status_message && <pre>{job.status_message}</pre>}
        </div>
      )}

      <Overview job={job} latestEpoch={series.latestEpoch} now={now} />
      {historyError && <p className="error">Could not load the history: {historyError}</p>}
      <MetricCards series={allSeries} />
      <div className="charts">
        {charts.map(([metric, lines]) => (
          <MetricChart key={metric} title={metric} lines={lines} version={tick} xLabel={xLabel} />
        ))}
        {allSeries.length === 0 && <p className="muted">No metrics reported yet.</p>}
      </div>
      <LogPanel entries={logs.entries} version={logs.lastSeq + logs.entries.length} onLoadOlder={olderLogs ? loadOlder : undefined} />
    </div>
  );
}
