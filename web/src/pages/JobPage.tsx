import { useCallback, useRef, useState } from 'react';
import { AlertBadges } from '../components/AlertBadges';
import { JobTimeline } from '../components/JobTimeline';
import { Link } from '../components/Link';
import { MetricCards } from '../components/MetricCards';
import { ProgressBar } from '../components/ProgressBar';
import { StatusBadge } from '../components/StatusBadge';
import { useFollowedJob } from '../hooks/useFollowedJob';
import { useNow } from '../hooks/useStore';
import { useTrainingJob } from '../hooks/useTrainingJob';
import { cancelJob, deleteJob, isNotFound } from '../lib/api';
import { grafanaDashboardUrl } from '../lib/config';
import { elapsedMs, etaMs, formatDuration, formatTime, progressFraction } from '../lib/format';
import { isFinalStatus } from '../lib/protocol';
import { currentLocation, sessionPath } from '../lib/router';
import { momentOfAddress } from '../lib/timeline';
import type { TrainingJob } from '../lib/types';

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

/** How the page learned that its job is gone. */
type Deleted = 'here' | 'event' | 'not-found';

const DELETED_DETAIL: Record<Deleted, string> = {
  here: 'It was stopped if it was still running, and its metrics, logs and status history were removed.',
  event: 'It was deleted elsewhere (another window, or ./trainwatch delete) while this page followed it.',
  'not-found': 'The API no longer knows it (404): it was deleted while this page was not connected.',
};

/** The notice that replaces live following once the job is deleted; what the page had loaded stays below it. */
function DeletedNotice({ jobId, how }: { jobId: number; how: Deleted }) {
  return (
    <div className="card deleted" role="status" data-testid="job-deleted" data-how={how}>
      <strong>This job was deleted.</strong>
      <p>
        {DELETED_DETAIL[how]} What this page still shows is what it had loaded; job #{jobId} is no longer followed.{' '}
        <Link to="/">All jobs</Link>
      </p>
    </div>
  );
}

export function JobPage({ jobId }: { jobId: number }) {
  const training = useTrainingJob(jobId);
  const { job, isLoading, error, reload } = training;
  const [openAt] = useState(() => momentOfAddress(currentLocation.get().search));
  const [cancelling, setCancelling] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [deleteError, setDeleteError] = useState<string | null>(null);
  const [deletedHow, setDeleted] = useState<Deleted | null>(null);
  // A REST read that answers 404 for a job this page has shown (a reload after a reconnection): deleted meanwhile.
  const deleted: Deleted | null = deletedHow ?? (job && isNotFound(error) ? 'not-found' : null);
  const markDeleted = useCallback((how: Deleted) => setDeleted((d) => d ?? how), []);
  // The server sends training_job_deleted before it answers the DELETE: while this page's own DELETE runs, the
  // event is this page's doing.
  const deletingHere = useRef(false);
  const now = useNow();
  const { series, logs, markers, tick, baseline, historyError, loadOlder, firing, refine } = useFollowedJob(jobId, training, {
    enabled: deleted === null,
    onJobDeleted: (event) => markDeleted(deletingHere.current ? 'here' : event ? 'event' : 'not-found'),
  });

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

  const remove = async () => {
    if (!window.confirm(`Delete job #${jobId}? It is stopped if it runs, and its metrics, logs and history are removed for good.`)) return;
    setDeleting(true);
    setDeleteError(null);
    deletingHere.current = true;
    try {
      await deleteJob(jobId);
      markDeleted('here');
    } catch (e) {
      setDeleteError((e as Error).message);
    } finally {
      deletingHere.current = false;
    }
    setDeleting(false);
  };

  if (isLoading && !job) return <p className="muted">Loading job #{jobId}…</p>;
  if (!job) {
    if (isNotFound(error)) {
      return (
        <p className="error" data-testid="job-not-found">
          Job #{jobId} was not found: it was deleted, or it is in a project your token does not grant. <Link to="/">All jobs</Link>
        </p>
      );
    }
    return <p className="error">Could not load job #{jobId}: {error?.message ?? 'not found'}</p>;
  }

  const grafana = grafanaDashboardUrl(jobId);
  const allSeries = [...series.series.values()];
  return (
    <div className="job-page" data-testid="job-page" data-job-id={jobId} data-history-loaded={baseline !== null} data-deleted={deleted !== null}>
      <div className="page-header">
        <h1>
          Job #{jobId} <span className="muted">{job.model_name}</span>
        </h1>
        <StatusBadge status={job.status} />
        <AlertBadges firing={firing} />
        <span className="muted">{job.framework}</span>
        {job.session_id !== null && <Link to={sessionPath(job)}>session {job.session_id}</Link>}
        <span className="spacer" />
        {grafana && (
          <a className="button secondary" href={grafana} target="_blank" rel="noreferrer">
            Grafana dashboard
          </a>
        )}
        {!deleted && !isFinalStatus(job.status) && (
          <button className="danger" onClick={() => void cancel()} disabled={cancelling || deleting}>
            {cancelling ? 'Cancelling…' : 'Cancel job'}
          </button>
        )}
        {!deleted && (
          <button className="danger-outline" data-testid="delete-job" onClick={() => void remove()} disabled={deleting}>
            {deleting ? 'Deleting…' : 'Delete'}
          </button>
        )}
      </div>

      {deleted && <DeletedNotice jobId={jobId} how={deleted} />}
      {deleteError && !deleted && (
        <p className="error" role="alert" data-testid="delete-error">
          Could not delete job #{jobId}: {deleteError}
        </p>
      )}

      {(job.status === 'failed' || (job.status === 'cancelled' && job.status_message)) && (
        <div className="card failure" data-testid="failure">
          <strong>{job.failure_reason ?? job.status}</strong>
          {job.status_message && <pre>{job.status_message}</pre>}
        </div>
      )}

      <Overview job={job} latestEpoch={series.latestEpoch} now={now} />
      {historyError && <p className="error">Could not load the history: {historyError}</p>}
      <MetricCards series={allSeries} />
      <JobTimeline
        job={job}
        series={series}
        markers={markers}
        logs={logs}
        tick={tick}
        onLoadOlder={loadOlder}
        initialMoment={baseline !== null ? openAt : undefined}
        linkable
        refine={refine}
      />
    </div>
  );
}
