'use client';
// The integration guide's page for a training job, with the @trainwatch/react package installed from its tarball:
// Trainwatch is configured with the API's address and a token provider, then the guide's components are used as it
// shows them.
import { configureTrainwatch, EmbeddedGrafana, TrainingMonitorPanel, useTrainingJob } from '@trainwatch/react';
import type { TrainwatchSettings } from './TrainingJobView';

function JobPage({ jobId }: { jobId: number }) {
  const { job, isLoading, error } = useTrainingJob(jobId);
  if (isLoading) return <p>Loading…</p>;
  if (error || !job) return <p role="alert">Could not load job #{jobId}: {error?.message}</p>;
  return (
    <div>
      <h1>Training Job #{jobId}</h1>
      <TrainingMonitorPanel jobId={jobId} sessionId={job.session_id} />
      <EmbeddedGrafana jobId={jobId} />
    </div>
  );
}

export default function TrainingJobPage({ jobId, settings }: { jobId: number; settings: TrainwatchSettings }) {
  configureTrainwatch({ apiUrl: settings.apiUrl, wsUrl: settings.wsUrl, grafanaUrl: settings.grafanaUrl, token: () => settings.token });
  return <JobPage jobId={jobId} />;
}
