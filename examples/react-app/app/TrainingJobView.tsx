'use client';
// The job, shown in the browser only: Trainwatch's components follow the job over a WebSocket and keep the chart
// settings in localStorage, so they are loaded with `ssr: false` rather than rendered on the server.
import dynamic from 'next/dynamic';

export interface TrainwatchSettings {
  apiUrl: string;
  wsUrl?: string;
  grafanaUrl?: string;
  token: string;
}

const TrainingJobPage = dynamic(() => import('./TrainingJobPage'), { ssr: false, loading: () => <p>Loading…</p> });

export function TrainingJobView(props: { jobId: number; settings: TrainwatchSettings }) {
  return <TrainingJobPage {...props} />;
}
