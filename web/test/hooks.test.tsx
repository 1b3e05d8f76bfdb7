// @vitest-environment jsdom
// The hooks against a real WebSocket server and a real HTTP server (this test's own), in a DOM.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { useEffect } from 'react';
import { flushSync } from 'react-dom';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import WebSocketClient, { WebSocketServer, type WebSocket as ServerSocket } from 'ws';
import { useTrainingJob } from '../src/hooks/useTrainingJob';
import { useTrainingMonitor, type UseTrainingMonitorOptions } from '../src/hooks/useTrainingMonitor';
import { setConfig } from '../src/lib/config';
import type { MetricsUpdate } from '../src/lib/types';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = false;
// jsdom's own WebSocket (undici's) dispatches Node events into jsdom's Event class and throws; the `ws` client
// has the same browser API (onmessage, onclose, readyState, send) and is a real socket too.
vi.stubGlobal('WebSocket', WebSocketClient);

/** A stand-in relay and functions on one port: /api/v1/ws/training (WebSocket) and /api/v1/training/... (HTTP). */
class FakeBackend {
  http!: Server;
  wss!: WebSocketServer;
  port = 0;
  sockets: ServerSocket[] = [];
  socketUrls: string[] = [];
  /** Stored events per job, as GET /events replays them. */
  stored = new Map<number, Record<string, unknown>[]>();
  eventRequests: string[] = [];
  tokenRequests: string[] = [];
  jobs = new Map<number, Record<string, unknown>>();

  async start(port = 0): Promise<void> {
    this.http = createServer((req, res) => this.answer(req, res));
    this.wss = new WebSocketServer({ server: this.http, path: '/api/v1/ws/training' });
    this.wss.on('connection', (socket, req) => {
      // As the relay does: a socket needs the subscription token minted for what its query follows.
      const query = new URL(req.url ?? '/', 'http://x').searchParams;
      const target = query.has('job_id') ? `job-${query.get('job_id')}` : `session-${query.get('session_id')}`;
      if (query.get('token') !== `sub-${target}`) {
        socket.close(4401, 'no token');
        return;
      }
      this.sockets.push(socket);
      this.socketUrls.push(req.url ?? '');
      socket.on('message', (data) => {
        if (JSON.parse(String(data)).type === 'ping') socket.send('{"type":"pong"}');
      });
      socket.send(JSON.stringify({ type: 'connected', message: 'Connected to training monitoring', timestamp: new Date().toISOString() }));
    });
    await new Promise<void>((resolve) => this.http.listen(port, '127.0.0.1', resolve));
    this.port = (this.http.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    for (const socket of this.wss.clients) socket.terminate();
    this.sockets = [];
    await new Promise((resolve) => this.wss.close(resolve));
    this.http.closeAllConnections();
    await new Promise((resolve) => this.http.close(resolve));
  }

  /** Stores an event (as the functions do) and returns it. */
  store(event: Record<string, unknown>): Record<string, unknown> {
    const jobId = event.job_id as number;
    if (!this.stored.has(jobId)) this.stored.set(jobId, []);
    this.stored.get(jobId)!.push(event);
    return event;
  }

  /** Stores and publishes to every open socket. */
  publish(event: Record<string, unknown>): void {
    this.send(this.store(event));
  }

  send(event: Record<string, unknown>): void {
    for (const socket of this.sockets) if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(event));
  }

  private answer(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://x');
    res.setHeader('Content-Type', 'application/json');
    if (req.headers.authorization !== 'Bearer api-token') {
      res.statusCode = 401;
      res.end('{"error":"unauthorized","message":"send a valid bearer token"}');
      return;
    }
    let m = /^\/api\/v1\/training\/jobs\/(\d+)\/events$/.exec(url.pathname);
    if (m) {
      this.eventRequests.push(`${m[1]}?since=${url.searchParams.get('since')}`);
      const since = Number(url.searchParams.get('since') ?? 0);
      const limit = Number(url.searchParams.get('limit') ?? 1000);
      const events = (this.stored.get(Number(m[1])) ?? []).filter((e) => (e.seq as number) > since).slice(0, limit);
      res.end(JSON.stringify({ job_id: Number(m[1]), events, next_since: events.at(-1)?.seq ?? since }));
      return;
    }
    m = /^\/api\/v1\/training\/(job|session)s\/(\d+)\/subscription-token$/.exec(url.pathname);
    if (m && req.method === 'POST') {
      this.tokenRequests.push(`${m[1]}-${m[2]}`);
      res.end(JSON.stringify({ token: `sub-${m[1]}-${m[2]}`, expires_at: '2026-11-28T11:00:00Z' }));
      return;
    }
    m = /^\/api\/v1\/training\/jobs\/(\d+)$/.exec(url.pathname);
    if (m && this.jobs.has(Number(m[1]))) {
      res.end(JSON.stringify(this.jobs.get(Number(m[1]))));
      return;
    }
    res.statusCode = 404;
    res.end('{"error":"not_found","message":"no such job"}');
  }
}

const metrics = (jobId: number, seq: number, loss: number) => ({
  type: 'training_metrics',
  job_id: jobId,
  seq,
  metrics: { epoch: seq, step: seq * 10, metrics: { loss, accuracy: 'NaN' }, timestamp: '2026-11-28T10:00:00Z' },
});
const logEvent = (jobId: number, seq: number) => ({ type: 'training_log', job_id: jobId, seq, log: { message: `line ${seq}`, level: 'INFO', timestamp: 't' } });
const status = (jobId: number, seq: number, from: string, to: string) => ({
  type: 'training_status_change',
  job_id: jobId,
  seq,
  old_status: from,
  new_status: to,
  timestamp: 't',
});

/** Renders a component that calls the hook; `result` always holds its latest answer. */
function renderHook<T>(hook: () => T): { result: { current: T }; root: Root } {
  const result = { current: undefined as T };
  function Probe() {
    const value = hook();
    useEffect(() => {
      result.current = value;
    });
    result.current = value;
    return null;
  }
  const root = createRoot(document.createElement('div'));
  flushSync(() => root.render(<Probe />));
  return { result, root };
}

let backend: FakeBackend;
let roots: Root[] = [];

beforeEach(async () => {
  backend = new FakeBackend();
  await backend.start();
  setConfig({ apiBaseUrl: `http://127.0.0.1:${backend.port}`, wsBaseUrl: `ws://127.0.0.1:${backend.port}`, apiToken: 'api-token' });
});

afterEach(async () => {
  for (const root of roots) root.unmount();
  roots = [];
  await backend.stop();
});

function monitor(options: UseTrainingMonitorOptions) {
  const seen: string[] = [];
  const calls = {
    onStatusChange: vi.fn((jobId: number, from: string, to: string) => seen.push(`${jobId}:status:${from}->${to}`)),
    onMetrics: vi.fn((jobId: number, m: MetricsUpdate) => seen.push(`${jobId}:metrics:${m.epoch}:${m.loss}`)),
    onLog: vi.fn((jobId: number, log: { message: string }) => seen.push(`${jobId}:log:${log.message}`)),
  };
  const rendered = renderHook(() => useTrainingMonitor({ ...calls, ...options }));
  roots.push(rendered.root);
  return { ...rendered, seen, calls };
}

describe('useTrainingMonitor', () => {
  it('connects to the job socket and calls the callbacks', async () => {
    const { result, seen, calls } = monitor({ jobId: 42 });
    await vi.waitFor(() => expect(result.current.isConnected).toBe(true));
    expect(backend.socketUrls).toEqual(['/api/v1/ws/training?job_id=42&token=sub-job-42']);
    expect(backend.tokenRequests).toEqual(['job-42']);
    expect(result.current.connectionState).toBe('live');

    backend.publish(status(42, 1, 'pending', 'running'));
    backend.publish(metrics(42, 2, 0.5));
    backend.publish(logEvent(42, 3));
    await vi.waitFor(() => expect(seen).toHaveLength(3));
    expect(seen).toEqual(['42:status:pending->running', '42:metrics:2:0.5', '42:log:line 3']);
    const update = calls.onMetrics.mock.calls[0][1] as unknown as { metrics: Record<string, number>; step: number };
    expect(update.step).toBe(20);
    expect(update.metrics.accuracy).toBeNaN();
    await vi.waitFor(() => expect(result.current.lastMessage?.type).toBe('training_log'));
  });

  it('drops a duplicate', async () => {
    const { result, seen } = monitor({ jobId: 1 });
    await vi.waitFor(() => expect(result.current.isConnected).toBe(true));
    backend.publish(metrics(1, 1, 0.9));
    backend.send(metrics(1, 1, 0.9));
    backend.publish(metrics(1, 2, 0.8));
    backend.send(metrics(1, 2, 0.8));
    backend.publish(metrics(1, 3, 0.7));
    await vi.waitFor(() => expect(seen).toContain('1:metrics:3:0.7'));
    expect(seen).toEqual(['1:metrics:1:0.9', '1:metrics:2:0.8', '1:metrics:3:0.7']);
    expect(backend.eventRequests).toEqual([]);
  });

  it('fills a gap from GET /events before going on, in order', async () => {
    const { result, seen } = monitor({ jobId: 7 });
    await vi.waitFor(() => expect(result.current.isConnected).toBe(true));
    backend.publish(metrics(7, 1, 1));
    backend.store(metrics(7, 2, 2)); // stored, never reached the socket
    backend.store(logEvent(7, 3));
    backend.publish(metrics(7, 4, 4));
    backend.publish(metrics(7, 5, 5));
    await vi.waitFor(() => expect(seen).toHaveLength(5));
    expect(seen).toEqual(['7:metrics:1:1', '7:metrics:2:2', '7:log:line 3', '7:metrics:4:4', '7:metrics:5:5']);
    expect(backend.eventRequests).toEqual(['7?since=1']);
  });

  it('reconnects after the server restarts and replays what it missed', async () => {
    const { result, seen } = monitor({ jobId: 3 });
    await vi.waitFor(() => expect(result.current.isConnected).toBe(true));
    backend.publish(status(3, 1, 'pending', 'running'));
    backend.publish(metrics(3, 2, 0.5));
    await vi.waitFor(() => expect(seen).toHaveLength(2));

    const { port, stored } = backend;
    await backend.stop();
    await vi.waitFor(() => expect(result.current.connectionState).toBe('reconnecting'));
    expect(result.current.isConnected).toBe(false);

    // While nobody listens, the job goes on.
    backend = new FakeBackend();
    backend.stored = stored;
    backend.store(metrics(3, 3, 0.4));
    backend.store(status(3, 4, 'running', 'completed'));
    await backend.start(port);

    await vi.waitFor(() => expect(seen).toHaveLength(4), { timeout: 8000 });
    expect(result.current.isConnected).toBe(true);
    expect(backend.eventRequests).toEqual(['3?since=2']);
    expect(backend.tokenRequests).toEqual(['job-3']); // a fresh token for the new connection
    expect(seen.slice(2)).toEqual(['3:metrics:3:0.4', '3:status:running->completed']);
    backend.publish(logEvent(3, 5));
    await vi.waitFor(() => expect(seen).toHaveLength(5));
  });

  it('starts after a known seq and fetches what came between the history and the socket', async () => {
    backend.store(metrics(5, 1, 1));
    backend.store(metrics(5, 2, 2));
    backend.store(metrics(5, 3, 3));
    const { seen } = monitor({ jobId: 5, since: 2 });
    await vi.waitFor(() => expect(seen).toEqual(['5:metrics:3:3']));
    expect(backend.eventRequests).toEqual(['5?since=2']);
  });

  it('follows a session: every job, each in its own order', async () => {
    const { result, seen } = monitor({ sessionId: 9 });
    await vi.waitFor(() => expect(result.current.isConnected).toBe(true));
    expect(backend.socketUrls).toEqual(['/api/v1/ws/training?session_id=9&token=sub-session-9']);
    backend.publish(metrics(1, 10, 1));
    backend.publish(metrics(2, 1, 2));
    backend.store(metrics(1, 11, 1.1));
    backend.publish(metrics(1, 12, 1.2));
    backend.publish(metrics(2, 2, 2.1));
    await vi.waitFor(() => expect(seen).toHaveLength(5));
    expect(seen.filter((s) => s.startsWith('1:'))).toEqual(['1:metrics:10:1', '1:metrics:11:1.1', '1:metrics:12:1.2']);
    expect(seen.filter((s) => s.startsWith('2:'))).toEqual(['2:metrics:1:2', '2:metrics:2:2.1']);
  });

  it('opens nothing while disabled', async () => {
    const { result } = monitor({ jobId: 1, enabled: false });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(backend.socketUrls).toEqual([]);
    expect(result.current.isConnected).toBe(false);
  });
});

describe('useTrainingJob', () => {
  it('loads a job, and reports a missing one', async () => {
    backend.jobs.set(42, { job_id: 42, model_name: 'yolo11n', status: 'running' });
    const found = renderHook(() => useTrainingJob(42));
    roots.push(found.root);
    expect(found.result.current.isLoading).toBe(true);
    await vi.waitFor(() => expect(found.result.current.job?.model_name).toBe('yolo11n'));
    expect(found.result.current.isLoading).toBe(false);
    expect(found.result.current.error).toBeNull();

    const missing = renderHook(() => useTrainingJob(404));
    roots.push(missing.root);
    await vi.waitFor(() => expect(missing.result.current.error?.message).toBe('no such job'));
    expect(missing.result.current.job).toBeNull();
  });
});
