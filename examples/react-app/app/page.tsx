// The app's page for a training job, opened at /?job=N: a server component that reads where Trainwatch is from the
// server's environment (TRAINWATCH_API_URL, TRAINWATCH_WS_URL, TRAINWATCH_GRAFANA_URL, TRAINWATCH_TOKEN) and hands
// it to the client component that shows the job. A real app hands the browser a token of its user's (see README).
import { TrainingJobView } from './TrainingJobView';

export default async function Page({ searchParams }: { searchParams: Promise<{ job?: string }> }) {
  const jobId = Number((await searchParams).job);
  if (!Number.isSafeInteger(jobId) || jobId <= 0) return <p>Open this page at /?job=N.</p>;
  return (
    <TrainingJobView
      jobId={jobId}
      settings={{
        apiUrl: process.env.TRAINWATCH_API_URL ?? 'http://localhost:8081',
        wsUrl: process.env.TRAINWATCH_WS_URL ?? 'ws://localhost:8080',
        grafanaUrl: process.env.TRAINWATCH_GRAFANA_URL,
        token: process.env.TRAINWATCH_TOKEN ?? '',
      }}
    />
  );
}
