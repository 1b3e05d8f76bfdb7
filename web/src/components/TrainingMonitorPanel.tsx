// The integration guide's <TrainingMonitorPanel jobId={N} />, for other React apps: one job followed live (its
// status and why, its alerts, the latest value of every metric, and its timeline of charts, markers and logs), with
// no routing, no job actions and no address changes of its own. The app configures the API first
// (configureTrainwatch). The product's own job page is the same followed job (useFollowedJob) with its controls.
import { useFollowedJob } from '../hooks/useFollowedJob';
import { useTrainingJob } from '../hooks/useTrainingJob';
import { isNotFound } from '../lib/api';
import { AlertBadges } from './AlertBadges';
import { JobTimeline } from './JobTimeline';
import { MetricCards } from './MetricCards';
import { StatusBadge } from './StatusBadge';

export interface TrainingMonitorPanelProps {
  /** The job to follow. */
  jobId: number;
  /** The job's session, shown beside its name (the guide passes `job.session_id`); nothing else depends on it. */
  sessionId?: number | null;
}

export function TrainingMonitorPanel({ jobId, sessionId }: TrainingMonitorPanelProps) {
  const training = useTrainingJob(jobId);
  const { job, error } = training;
  const followed = useFollowedJob(jobId, training, { enabled: !isNotFound(error) });

  if (!job) {
    return (
      <div className="trainwatch-panel" data-testid="training-monitor-panel" data-state={error ? 'error' : 'loading'}>
        {error ? <p className="error">Job #{jobId}: {isNotFound(error) ? 'not found (or not in a project this token grants)' : error.message}</p> : <p className="muted">Loading job #{jobId}…</p>}
      </div>
    );
  }
  return (
    <div className="trainwatch-panel" data-testid="training-monitor-panel" data-job-id={jobId} data-connection={followed.connectionState}>
      <div className="page-header">
        <strong>
          #{jobId} {job.model_name}
        </strong>
        <StatusBadge status={job.status} />
        <AlertBadges firing={followed.firing} />
        {(sessionId ?? job.session_id) !== null && <span className="muted">session {sessionId ?? job.session_id}</span>}
        <span className="spacer" />
        <span className={`connection connection-${followed.connectionState}`}>
          <span className="dot" /> {followed.connectionState}
        </span>
      </div>
      {job.failure_reason && (
        <div className="card failure">
          <strong>{job.failure_reason}</strong>
          {job.status_message && <pre>{job.status_message}</pre>}
        </div>
      )}
      {followed.historyError && <p className="error">Could not load the history: {followed.historyError}</p>}
      <MetricCards series={[...followed.series.series.values()]} />
      <JobTimeline
        job={job}
        series={followed.series}
        markers={followed.markers}
        logs={followed.logs}
        tick={followed.tick}
        onLoadOlder={followed.loadOlder}
        refine={followed.refine}
      />
    </div>
  );
}
