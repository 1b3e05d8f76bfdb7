import { useCallback, useEffect, useRef, useState } from 'react';
import { Link } from '../components/Link';
import { MetricChart, type ChartLine } from '../components/MetricChart';
import { ProgressBar } from '../components/ProgressBar';
import { StatusBadge } from '../components/StatusBadge';
import { useFrameTick } from '../hooks/useStore';
import { useTrainingMonitor } from '../hooks/useTrainingMonitor';
import { fetchAllMetrics, fetchLatestPoint, fetchMetricsPage, listJobs } from '../lib/api';
import { formatValue, progressFraction } from '../lib/format';
import { isFinalStatus, laterStatus } from '../lib/protocol';
import { JobSeries, pointFromEvent, type PointLike } from '../lib/series';
import { announceJobEnd } from '../lib/toasts';
import type { TrainingJob } from '../lib/types';

const LIVE_BUFFER = 50_000;

/**
 * Live state of a session's jobs, kept outside React (the page re-renders at most once a frame):
 * - `live`: every metric point received on the session socket per job (bounded), so the chosen metric's curve can
 *   be completed after its history loads;
 * - `curves`: the chosen metric of each job, history (GET /metrics?name=) plus the live points after it.
 * The socket is open before any history is fetched, so history and live points together miss nothing.
 */
class SessionData {
  live = new Map<number, PointLike[]>();
  curves = new Map<number, JobSeries>();
  latest = new Map<number, PointLike>();
  names = new Set<string>();

  addLive(jobId: number, point: PointLike): void {
    let buffer = this.live.get(jobId);
    if (!buffer) this.live.set(jobId, (buffer = []));
    buffer.push(point);
    if (buffer.length > LIVE_BUFFER) buffer.splice(0, buffer.length - LIVE_BUFFER);
    const previous = this.latest.get(jobId);
    if (!previous || point.seq > previous.seq) this.latest.set(jobId, point);
    for (const name of Object.keys(point.metrics)) this.names.add(name);
    this.curves.get(jobId)?.add(point);
  }

  /** A deleted job: its points leave the overlay. */
  forget(jobId: number): void {
    this.live.delete(jobId);
    this.curves.delete(jobId);
    this.latest.delete(jobId);
  }
}

export function SessionPage({ sessionId, project }: { sessionId: number; project?: string }) {
  const [jobs, setJobs] = useState<TrainingJob[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [metric, setMetric] = useState<string | null>(null);
  const [data] = useState(() => new SessionData());
  const [tick, bump] = useFrameTick();
  const [connections, setConnections] = useState(0); // bumped on every (re)connection: reload then
  const loadedFor = useRef<string>('');
  const jobIds = useRef(new Set<number>());
  jobIds.current = new Set(jobs.map((j) => j.job_id));
  // Jobs deleted while this page is open: a list fetched before a deletion must not bring one back.
  const deleted = useRef(new Set<number>());

  const loadJobs = useCallback(async () => {
    try {
      const list = await listJobs({ sessionId, project, size: 500 });
      const present = list.jobs.filter((j) => !deleted.current.has(j.job_id));
      setJobs((previous) => {
        const known = new Map(previous.map((j) => [j.job_id, j.status]));
        return present.map((j) => ({ ...j, status: laterStatus(j.status, known.get(j.job_id) ?? j.status) }));
      });
      setError(null);
      return present;
    } catch (e) {
      setError((e as Error).message);
      return [];
    }
  }, [sessionId, project]);

  const { isConnected } = useTrainingMonitor({
    sessionId,
    project,
    onConnected: () => setConnections((c) => c + 1),
    onStatusChange: (jobId, _old, newStatus, event) => {
      if (jobIds.current.has(jobId)) {
        setJobs((list) => list.map((j) => (j.job_id === jobId ? { ...j, status: laterStatus(j.status, newStatus) } : j)));
      } else {
        void loadJobs(); // a job new to this page
      }
      if (isFinalStatus(newStatus)) announceJobEnd(jobId, newStatus, event.reason);
    },
    onMetrics: (jobId, update, event) => {
      data.addLive(jobId, pointFromEvent(event.seq, update));
      bump();
    },
    onJobDeleted: (jobId) => {
      deleted.current.add(jobId);
      data.forget(jobId);
      setJobs((list) => list.filter((j) => j.job_id !== jobId));
      bump();
    },
  });

  // The job list, metric names and latest points: once the socket is subscribed (or after 2 s without it).
  const [ready, setReady] = useState(false);
  useEffect(() => {
    if (isConnected) setReady(true);
    const timer = setTimeout(() => setReady(true), 2000);
    return () => clearTimeout(timer);
  }, [isConnected]);

  useEffect(() => {
    if (!ready) return;
    let cancelled = false;
    void loadJobs().then(async (list) => {
      await Promise.all(
        list.slice(0, 50).map(async (job) => {
          const [first, latest] = await Promise.all([fetchMetricsPage(job.job_id, 0, 100), fetchLatestPoint(job.job_id).catch(() => null)]);
          for (const p of first.points) for (const name of Object.keys(p.metrics)) data.names.add(name);
          const known = data.latest.get(job.job_id);
          if (latest && (!known || known.seq < latest.seq)) data.latest.set(job.job_id, latest);
        }),
      ).catch(() => {});
      if (cancelled) return;
      setMetric((m) => m ?? (data.names.has('loss') ? 'loss' : ([...data.names][0] ?? null)));
      bump();
    });
    return () => {
      cancelled = true;
    };
  }, [ready, connections, loadJobs, data, bump]);

  // The chosen metric's history for every job, completed with the live points that came after it.
  useEffect(() => {
    if (!metric || jobs.length === 0) return;
    const key = `${metric}|${connections}|${jobs.map((j) => j.job_id).join(',')}`;
    if (loadedFor.current === key) return;
    loadedFor.current = key;
    let cancelled = false;
    for (const job of jobs) {
      const curve = new JobSeries(metric);
      void fetchAllMetrics(job.job_id, { names: [metric], onPage: (points) => curve.addAll(points) })
        .then(() => {
          if (cancelled) return;
          for (const point of data.live.get(job.job_id) ?? []) if (metric in point.metrics) curve.add(point);
          data.curves.set(job.job_id, curve);
          bump();
        })
        .catch(() => {});
    }
    return () => {
      cancelled = true;
    };
  }, [metric, jobs, connections, data, bump]);

  const lines: ChartLine[] = [];
  for (const job of jobs) {
    const series = metric ? data.curves.get(job.job_id)?.series.get(metric) : undefined;
    if (series && series.length > 0) lines.push({ label: `#${job.job_id} ${job.model_name}`, series });
  }
  // A new array only when the set of lines changes, so the chart is not rebuilt on every point.
  const linesKey = lines.map((l) => l.label).join('|');
  const stableLines = useStableLines(linesKey, lines);

  return (
    <div className="session-page" data-testid="session-page">
      <div className="page-header">
        <h1>Session {sessionId}</h1>
        <span className="muted">{jobs.length} jobs</span>
        <span className="spacer" />
        <Link to={`/?session=${sessionId}`}>in the jobs list</Link>
      </div>
      {error && <p className="error">Could not load the session: {error}</p>}
      <div className="card table-card">
        <table className="jobs-table">
          <thead>
            <tr>
              <th>Job</th>
              <th>Model</th>
              <th>Status</th>
              <th>Progress (epochs)</th>
              <th>{metric ?? 'Latest'}</th>
            </tr>
          </thead>
          <tbody>
            {jobs.map((job) => {
              const latest = data.latest.get(job.job_id);
              const value = metric && latest ? latest.metrics[metric] : undefined;
              return (
                <tr key={job.job_id} data-testid="job-row" data-job-id={job.job_id}>
                  <td>
                    <Link to={`/training/${job.job_id}`}>#{job.job_id}</Link>
                  </td>
                  <td>{job.model_name}</td>
                  <td>
                    <StatusBadge status={job.status} />
                  </td>
                  <td className="progress-cell">
                    <ProgressBar
                      compact
                      fraction={progressFraction(latest?.epoch, job.num_epochs, job.status === 'completed')}
                      label={`${latest?.epoch ?? (job.status === 'completed' ? job.num_epochs : 0)} / ${job.num_epochs}`}
                    />
                  </td>
                  <td className="num">{formatValue(value)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
        {jobs.length === 0 && !error && <p className="muted empty">No jobs in this session yet.</p>}
      </div>
      <div className="overlay-controls">
        <label>
          Metric{' '}
          <select value={metric ?? ''} onChange={(e) => setMetric(e.target.value || null)} aria-label="Metric">
            {metric === null && <option value="">—</option>}
            {[...data.names].sort().map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </label>
      </div>
      {metric &&
        (stableLines.length > 0 ? (
          <MetricChart title={metric} lines={stableLines} version={tick} xLabel="step (or epoch)" height={320} testId="overlay-chart" />
        ) : (
          <p className="muted">No job of this session has reported {metric} yet.</p>
        ))}
    </div>
  );
}

function useStableLines(key: string, lines: ChartLine[]): ChartLine[] {
  const ref = useRef<{ key: string; lines: ChartLine[] }>({ key: '', lines: [] });
  const sameSeries = ref.current.lines.length === lines.length && ref.current.lines.every((l, i) => l.series === lines[i].series);
  if (ref.current.key !== key || !sameSeries) ref.current = { key, lines };
  return ref.current.lines;
}
