import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { Link } from '../components/Link';
import { ProgressBar } from '../components/ProgressBar';
import { StatusBadge } from '../components/StatusBadge';
import { SubmitJobForm } from '../components/SubmitJobForm';
import { useNow, useStore } from '../hooks/useStore';
import { useTrainingMonitor } from '../hooks/useTrainingMonitor';
import { fetchEventsSince, fetchLatestPoint, listJobs } from '../lib/api';
import { elapsedMs, formatDuration, formatTime, formatValue, progressFraction } from '../lib/format';
import { isFinalStatus, laterStatus } from '../lib/protocol';
import { currentLocation, navigate, sessionPath } from '../lib/router';
import { activeAlerts, MarkerList, markerOf } from '../lib/timeline';
import { announceAlert, announceJobEnd } from '../lib/toasts';
import type { AlertEvent, JobList, JobStatus, TrainingJob } from '../lib/types';

const PAGE_SIZE = 50;
const STATUSES: JobStatus[] = ['pending', 'running', 'completed', 'failed', 'cancelled'];

interface Latest {
  epoch: number;
  name?: string;
  value?: number;
}

function keyMetric(metrics: Record<string, number>): { name?: string; value?: number } {
  const name = 'loss' in metrics ? 'loss' : Object.keys(metrics)[0];
  return { name, value: name === undefined ? undefined : metrics[name] };
}

/**
 * Live updates on the list: each row of an active (pending or running) job opens its own job socket, so at most
 * one page of jobs (50) sockets, and finished rows none. There is no socket for "all jobs", so new jobs appear
 * when the list is fetched again: on a filter change, on Refresh, and whenever a followed job ends. A followed job
 * that is deleted (its training_job_deleted, or a 404 for it) leaves the list at once.
 */
function JobRow({ initial, now, onEnded, onDeleted }: { initial: TrainingJob; now: number; onEnded: () => void; onDeleted: (jobId: number) => void }) {
  const [status, setStatus] = useState(initial.status);
  const [latest, setLatest] = useState<Latest | null>(null);
  // The row's alerts: those stored when it was shown, then the live ones (each once, by seq).
  const [alerts] = useState(() => new MarkerList());
  const [, setAlertCount] = useState(0);
  const job = { ...initial, status: laterStatus(initial.status, status) };

  useEffect(() => {
    let cancelled = false;
    fetchEventsSince(job.job_id, 0, 1000, ['training_alert'])
      .then((events) => {
        for (const event of events) alerts.add(markerOf(event as AlertEvent));
        if (!cancelled) setAlertCount(alerts.version);
      })
      .catch(() => {});
    return () => {
      cancelled = true;
    };
  }, [job.job_id, alerts]);

  useEffect(() => {
    let cancelled = false;
    fetchLatestPoint(job.job_id)
      .then((point) => {
        if (!cancelled && point) setLatest((l) => l ?? { epoch: point.epoch, ...keyMetric(point.metrics) });
      })
      .catch(() => {});
    return () => {
      cancelled = true;
    };
  }, [job.job_id]);

  useTrainingMonitor({
    jobId: job.job_id,
    enabled: !isFinalStatus(job.status),
    onStatusChange: (jobId, _old, newStatus, event) => {
      setStatus((s) => laterStatus(s, newStatus));
      if (isFinalStatus(newStatus)) {
        announceJobEnd(jobId, newStatus, event.reason);
        onEnded();
      }
    },
    onMetrics: (_jobId, update) => setLatest({ epoch: update.epoch, ...keyMetric(update.metrics) }),
    onAlert: (jobId, event) => {
      if (alerts.add(markerOf(event))) setAlertCount(alerts.version);
      announceAlert(jobId, event);
    },
    onJobDeleted: (jobId) => onDeleted(jobId),
  });
  const firing = activeAlerts(alerts.items);

  const fraction = progressFraction(latest?.epoch, job.num_epochs, job.status === 'completed');
  return (
    <tr data-testid="job-row" data-job-id={job.job_id}>
      <td>
        <Link to={`/training/${job.job_id}`}>#{job.job_id}</Link>
      </td>
      <td>
        <Link to={`/training/${job.job_id}`}>{job.model_name}</Link>
        <div className="muted small">
          {job.framework} · {job.executor_type}
        </div>
      </td>
      <td>
        <StatusBadge status={job.status} />
        {firing.length > 0 && (
          <span className="alert-badge" data-testid="alert-badge" title={firing.map((m) => m.alert!.message).join('\n')}>
            {firing.length === 1 ? firing[0].alert!.rule : `${firing.length} alerts`}
          </span>
        )}
      </td>
      <td className="progress-cell">
        <ProgressBar fraction={fraction} compact label={`${latest?.epoch ?? (job.status === 'completed' ? job.num_epochs : 0)} / ${job.num_epochs}`} />
      </td>
      <td>
        {formatTime(job.started_at)}
        <div className="muted small">{job.started_at ? formatDuration(elapsedMs(job.started_at, job.finished_at, now)) : ''}</div>
      </td>
      <td className="num">{latest?.name ? `${latest.name} ${formatValue(latest.value)}` : '—'}</td>
      <td>{job.session_id !== null ? <Link to={sessionPath(job)}>{job.session_id}</Link> : '—'}</td>
    </tr>
  );
}

function Filters({ status, session }: { status: string; session: string }) {
  const [sessionText, setSessionText] = useState(session);
  useEffect(() => setSessionText(session), [session]);
  const apply = (next: { status?: string; session?: string }) => {
    const params = new URLSearchParams();
    const s = next.status ?? status;
    const id = (next.session ?? sessionText).trim();
    if (s) params.set('status', s);
    if (id) params.set('session', id);
    const query = params.toString();
    navigate(query ? `/?${query}` : '/', { replace: true });
  };
  return (
    <form className="filters" onSubmit={(e: FormEvent) => (e.preventDefault(), apply({}))}>
      <select aria-label="Status" value={status} onChange={(e) => apply({ status: e.target.value })}>
        <option value="">all statuses</option>
        {STATUSES.map((s) => (
          <option key={s} value={s}>
            {s}
          </option>
        ))}
      </select>
      <input aria-label="Session" type="number" min={1} placeholder="session id" value={sessionText} onChange={(e) => setSessionText(e.target.value)} onBlur={() => apply({})} />
    </form>
  );
}

export function JobsPage() {
  const { search } = useStore(currentLocation);
  const status = search.get('status') ?? '';
  const session = search.get('session') ?? '';
  const page = Math.max(0, Number(search.get('page') ?? 0) || 0);
  const [list, setList] = useState<JobList | null>(null);
  const [error, setError] = useState<string | null>(null);
  const now = useNow();

  const load = useCallback(() => {
    listJobs({ status: status as JobStatus | '', sessionId: session ? Number(session) : null, page, size: PAGE_SIZE })
      .then((l) => {
        setList(l);
        setError(null);
      })
      .catch((e: Error) => setError(e.message));
  }, [status, session, page]);
  useEffect(load, [load]);

  const drop = useCallback((jobId: number) => {
    setList((l) => (l && l.jobs.some((j) => j.job_id === jobId) ? { ...l, jobs: l.jobs.filter((j) => j.job_id !== jobId), total: Math.max(0, l.total - 1) } : l));
  }, []);

  const goToPage = (p: number) => {
    const params = new URLSearchParams(search);
    params.set('page', String(p));
    navigate(`/?${params}`, { replace: true });
  };

  return (
    <div className="jobs-page">
      <div className="jobs-main">
        <div className="page-header">
          <h1>Training jobs</h1>
          <Filters status={status} session={session} />
          <button className="secondary" onClick={load}>
            Refresh
          </button>
        </div>
        {error && <p className="error">Could not load the jobs: {error}</p>}
        {list && (
          <div className="card table-card">
            <table className="jobs-table" data-testid="jobs-table">
              <thead>
                <tr>
                  <th>Job</th>
                  <th>Model</th>
                  <th>Status</th>
                  <th>Progress (epochs)</th>
                  <th>Started / elapsed</th>
                  <th>Latest</th>
                  <th>Session</th>
                </tr>
              </thead>
              <tbody>
                {list.jobs.map((job) => (
                  <JobRow key={job.job_id} initial={job} now={now} onEnded={load} onDeleted={drop} />
                ))}
              </tbody>
            </table>
            {list.jobs.length === 0 && <p className="muted empty">No jobs{status || session ? ' match these filters' : ' yet'}.</p>}
            {list.total > list.size && (
              <div className="pager">
                <button className="secondary" disabled={page === 0} onClick={() => goToPage(page - 1)}>
                  ← Newer
                </button>
                <span className="muted">
                  {page * list.size + 1}–{Math.min(list.total, (page + 1) * list.size)} of {list.total}
                </span>
                <button className="secondary" disabled={(page + 1) * list.size >= list.total} onClick={() => goToPage(page + 1)}>
                  Older →
                </button>
              </div>
            )}
          </div>
        )}
      </div>
      <aside className="jobs-side">
        <SubmitJobForm onSubmitted={(job) => navigate(`/training/${job.job_id}`)} />
      </aside>
    </div>
  );
}
