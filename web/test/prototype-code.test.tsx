// @vitest-environment jsdom
// Code as users wrote it against the prototype's hooks and components (useTrainingMonitor's callbacks, the
// job page's alerts), against a real WebSocket server: it works unchanged.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { useState } from 'react';
import { flushSync } from 'react-dom';
import { createRoot } from 'react-dom/client';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import WebSocketClient, { WebSocketServer } from 'ws';
import { useTrainingMonitor } from '../src/hooks/useTrainingMonitor';
import { setConfig } from '../src/lib/config';

vi.stubGlobal('WebSocket', WebSocketClient); // see hooks.test.tsx

let http: Server;
let wss: WebSocketServer;

beforeAll(async () => {
  http = createServer((_req, res) => res.end('{}'));
  wss = new WebSocketServer({ server: http });
  wss.on('connection', (socket) => socket.send('{"type":"connected","message":"Connected to training monitoring","timestamp":"t"}'));
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  setConfig({ apiBaseUrl: `http://127.0.0.1:${port}`, wsBaseUrl: `ws://127.0.0.1:${port}` });
});

afterAll(async () => {
  for (const socket of wss.clients) socket.terminate();
  await new Promise((resolve) => wss.close(resolve));
  await new Promise((resolve) => http.close(resolve));
});

const broadcast = (message: object) => {
  for (const socket of wss.clients) socket.send(JSON.stringify(message));
};

// Example 2: Custom Callbacks
function CustomMonitor() {
  const { isConnected, lastMessage } = useTrainingMonitor({
    jobId: 123,
    onStatusChange: (jobId, oldStatus, newStatus) => {
      if (newStatus === 'completed') {
        alert('Training completed!');
      }
    },
    onMetrics: (jobId, metrics) => {
      if (metrics.loss < 0.1) {
        console.log('Loss below threshold!');
      }
    },
    onLog: (jobId, log) => {
      if (log.level === 'ERROR') {
        console.error('Training error:', log.message);
      }
    },
  });

  return (
    <div>
      <span id="connection">{isConnected ? 'Connected' : 'Disconnected'}</span>
      <span id="last">{lastMessage?.type}</span>
    </div>
  );
}

// Example 3: Multiple Job Monitoring
function SessionMonitor({ sessionId }: { sessionId: number }) {
  const [jobs, setJobs] = useState<Record<number, any>>({});

  useTrainingMonitor({
    sessionId,
    onStatusChange: (jobId, oldStatus, newStatus) => {
      setJobs((prev) => ({
        ...prev,
        [jobId]: { ...prev[jobId], status: newStatus },
      }));
    },
  });

  return (
    <div>
      {Object.entries(jobs).map(([jobId, job]) => (
        <p key={jobId} className="job">
          {jobId}:{job.status}
        </p>
      ))}
    </div>
  );
}

it("runs the prototype's user code unchanged", async () => {
  const alert = vi.fn();
  vi.stubGlobal('alert', alert);
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  const error = vi.spyOn(console, 'error').mockImplementation(() => {});

  const element = document.createElement('div');
  const root = createRoot(element);
  flushSync(() =>
    root.render(
      <>
        <CustomMonitor />
        <SessionMonitor sessionId={7} />
      </>,
    ),
  );
  await vi.waitFor(() => expect(element.querySelector('#connection')!.textContent).toBe('Connected'));
  await vi.waitFor(() => expect(wss.clients.size).toBe(2));

  broadcast({ type: 'training_metrics', job_id: 123, seq: 1, metrics: { epoch: 3, metrics: { loss: 0.05 }, timestamp: 't' } });
  broadcast({ type: 'training_log', job_id: 123, seq: 2, log: { message: 'CUDA out of memory', level: 'ERROR', timestamp: 't' } });
  broadcast({ type: 'training_status_change', job_id: 123, seq: 3, old_status: 'running', new_status: 'completed', timestamp: 't' });

  await vi.waitFor(() => expect(alert).toHaveBeenCalledWith('Training completed!'));
  expect(log).toHaveBeenCalledWith('Loss below threshold!');
  expect(error).toHaveBeenCalledWith('Training error:', 'CUDA out of memory');
  await vi.waitFor(() => expect(element.querySelector('#last')!.textContent).toBe('training_status_change'));
  // Both examples got the status change: the session one shows it per job.
  await vi.waitFor(() => expect(element.querySelector('.job')?.textContent).toBe('123:completed'));
  root.unmount();
});
