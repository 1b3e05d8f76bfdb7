// Another team's app: its own page for a training job, written as the integration guide shows it, with the
// @trainwatch/react package installed from its tarball. It reads its settings (the API's address and a token) from
// its own /settings.json and hands Trainwatch a token provider; open it at /?job=N.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { configureTrainwatch, EmbeddedGrafana, TrainingMonitorPanel, useTrainingJob } from '@trainwatch/react';
import '@trainwatch/react/style.css';

interface Settings {
  apiUrl: string;
  wsUrl?: string;
  grafanaUrl?: string;
  token: string;
}

function TrainingJobPage({ jobId }: { jobId: number }) {
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

async function main() {
  const settings = (await (await fetch('/settings.json')).json()) as Settings;
  configureTrainwatch({ apiUrl: settings.apiUrl, wsUrl: settings.wsUrl, grafanaUrl: settings.grafanaUrl, token: () => settings.token });
  const jobId = Number(new URLSearchParams(location.search).get('job'));
  createRoot(document.getElementById('root')!).render(
    <StrictMode>{Number.isSafeInteger(jobId) && jobId > 0 ? <TrainingJobPage jobId={jobId} /> : <p>Open this page at /?job=N.</p>}</StrictMode>,
  );
}

void main();
