// @vitest-environment jsdom
// The connection's own behaviour (states, backoff, pings), with a scripted socket and fake timers.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TrainingMonitorConnection, type MonitorOptions } from '../src/lib/monitor';
import type { ConnectionState } from '../src/lib/types';

class ScriptedSocket {
  static all: ScriptedSocket[] = [];
  readonly CONNECTING = 0;
  readonly OPEN = 1;
  readyState = 0;
  sent: string[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((frame: { data: string }) => void) | null = null;
  onclose: ((close: { code: number }) => void) | null = null;
  onerror: (() => void) | null = null;

  constructor(readonly url: string) {
    ScriptedSocket.all.push(this);
  }
  accept() {
    this.readyState = 1;
    this.onmessage?.({ data: '{"type":"connected","message":"","timestamp":""}' });
  }
  receive(message: object) {
    this.onmessage?.({ data: JSON.stringify(message) });
  }
  fail(code = 1006) {
    this.readyState = 3;
    this.onclose?.({ code });
  }
  send(text: string) {
    this.sent.push(text);
  }
  close() {
    this.readyState = 3;
  }
}

function connect(extra: Partial<MonitorOptions> = {}) {
  const states: ConnectionState[] = [];
  const connection = new TrainingMonitorConnection({
    url: 'ws://relay/api/v1/ws/training?job_id=1',
    fetchSince: async () => [],
    onEvent: () => {},
    onState: (s) => states.push(s),
    WebSocketImpl: ScriptedSocket as unknown as typeof WebSocket,
    backoff: { random: () => 1 },
    ...extra,
  });
  connection.start();
  return { connection, states, socket: () => ScriptedSocket.all.at(-1)! };
}

beforeEach(() => {
  ScriptedSocket.all = [];
  vi.useFakeTimers();
});
afterEach(() => vi.useRealTimers());

describe('TrainingMonitorConnection', () => {
  it('is live once the relay confirms, and reconnects with growing delays, then says offline', () => {
    const { connection, states, socket } = connect({ offlineAfterFailures: 3 });
    socket().accept();
    expect(connection.state).toBe('live');
    socket().fail();
    expect(connection.state).toBe('reconnecting');
    expect(ScriptedSocket.all).toHaveLength(1);
    vi.advanceTimersByTime(499);
    expect(ScriptedSocket.all).toHaveLength(1);
    vi.advanceTimersByTime(1); // 0.5 s
    expect(ScriptedSocket.all).toHaveLength(2);
    socket().fail();
    vi.advanceTimersByTime(1000); // 1 s
    expect(ScriptedSocket.all).toHaveLength(3);
    socket().fail();
    expect(connection.state).toBe('offline'); // third failure in a row
    vi.advanceTimersByTime(2000); // still trying, every 2 s, 4 s, ... up to 10 s
    expect(ScriptedSocket.all).toHaveLength(4);
    socket().accept();
    expect(states).toEqual(['live', 'reconnecting', 'offline', 'live']);
    connection.stop();
  });

  it('does not retry an address the relay refused (close code 1008)', () => {
    const { connection, socket } = connect();
    socket().fail(1008);
    vi.advanceTimersByTime(60_000);
    window.dispatchEvent(new Event('online'));
    expect(ScriptedSocket.all).toHaveLength(1);
    expect(connection.state).toBe('offline');
    connection.stop();
  });

  it('pings every 25 s and drops a socket that stops answering', () => {
    const { connection, socket } = connect();
    const first = socket();
    first.accept();
    vi.advanceTimersByTime(25_000);
    expect(first.sent).toEqual(['{"type":"ping"}']);
    first.receive({ type: 'pong' });
    vi.advanceTimersByTime(25_000);
    expect(first.sent).toHaveLength(2);
    vi.advanceTimersByTime(10_000); // no pong
    expect(connection.state).toBe('reconnecting');
    vi.advanceTimersByTime(500);
    expect(ScriptedSocket.all).toHaveLength(2);
    connection.stop();
  });

  it('reconnects at once when the browser comes back online', () => {
    const { connection, socket } = connect({ offlineAfterFailures: 1 });
    socket().fail();
    expect(connection.state).toBe('offline');
    window.dispatchEvent(new Event('online'));
    expect(ScriptedSocket.all).toHaveLength(2);
    connection.stop();
  });

  it('closes its socket and stops for good', () => {
    const { connection, socket } = connect();
    socket().accept();
    connection.stop();
    socket().fail();
    vi.advanceTimersByTime(60_000);
    expect(ScriptedSocket.all).toHaveLength(1);
  });
});

describe('TrainingMonitorConnection and deleted jobs', () => {
  const notFound = Object.assign(new Error('no such job'), { status: 404 });
  const isGone = (error: unknown) => (error as { status?: number }).status === 404;

  it('delivers an event of a type it does not know, in order, and never takes it for a gap', () => {
    const events: string[] = [];
    const fetchSince = vi.fn(async () => []);
    const { socket } = connect({ jobId: 1, fetchSince, onEvent: (e) => events.push(e.type === 'other' ? `other(${e.name}):${e.seq}` : `${e.type}:${e.seq}`) });
    socket().accept();
    socket().receive({ type: 'training_log', job_id: 1, seq: 1, log: { message: 'm', level: 'INFO', timestamp: 't' } });
    socket().receive({ type: 'pod_event', job_id: 1, seq: 2, reason: 'Pulled' });
    socket().receive({ type: 'training_log', job_id: 1, seq: 3, log: { message: 'n', level: 'INFO', timestamp: 't' } });
    socket().receive({ type: 'pod_event', job_id: 1, seq: 2, reason: 'Pulled' }); // a repeat: dropped
    expect(events).toEqual(['training_log:1', 'other(pod_event):2', 'training_log:3']);
    expect(fetchSince).not.toHaveBeenCalled();
  });

  it("closes for good at its job's training_job_deleted, without GET /events", () => {
    const events: string[] = [];
    const fetchSince = vi.fn(async () => []);
    const { connection, states, socket } = connect({ jobId: 1, isGone, fetchSince, onEvent: (e) => events.push(`${e.type}:${e.seq}`) });
    socket().accept();
    socket().receive({ type: 'training_log', job_id: 1, seq: 1, log: { message: 'm', level: 'INFO', timestamp: 't' } });
    socket().receive({ type: 'training_job_deleted', job_id: 1, seq: 3, timestamp: 't' }); // seq 2 missed: no fill
    expect(events).toEqual(['training_log:1', 'training_job_deleted:3']);
    expect(connection.state).toBe('closed');
    expect(connection.jobEnded(1)).toBe(true);
    expect(socket().readyState).toBe(3); // closed by the client
    vi.advanceTimersByTime(60_000);
    window.dispatchEvent(new Event('online'));
    expect(ScriptedSocket.all).toHaveLength(1);
    expect(fetchSince).not.toHaveBeenCalled();
    expect(states).toEqual(['live', 'closed']);
  });

  it("a session socket drops one deleted job and follows the others", async () => {
    const events: string[] = [];
    const fetchSince = vi.fn(async () => []);
    const { connection, socket } = connect({
      url: 'ws://relay/api/v1/ws/training?session_id=7',
      isGone,
      fetchSince,
      onEvent: (e) => events.push(`${e.job_id}:${e.type}`),
    });
    socket().accept();
    socket().receive({ type: 'training_job_deleted', job_id: 1, seq: 4, timestamp: 't' });
    socket().receive({ type: 'training_status_change', job_id: 2, seq: 1, old_status: 'pending', new_status: 'running', timestamp: 't' });
    expect(events).toEqual(['1:training_job_deleted', '2:training_status_change']);
    expect(connection.state).toBe('live');
    socket().fail(1012); // the relay restarts: the catch-up skips the deleted job
    await vi.advanceTimersByTimeAsync(500);
    socket().accept();
    await vi.advanceTimersByTimeAsync(0);
    expect(fetchSince.mock.calls).toEqual([[2, 1]]);
    connection.stop();
  });

  it('stops when GET /events answers 404 after a reconnection (deleted while away)', async () => {
    const onJobGone = vi.fn();
    const fetchSince = vi.fn(async () => {
      throw notFound;
    });
    const { connection, socket } = connect({ jobId: 1, isGone, onJobGone, fetchSince, baselines: { 1: 5 } });
    socket().accept();
    await vi.advanceTimersByTimeAsync(0);
    expect(fetchSince).toHaveBeenCalledTimes(1);
    expect(onJobGone).toHaveBeenCalledWith(1);
    expect(connection.state).toBe('closed');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(ScriptedSocket.all).toHaveLength(1);
    expect(fetchSince).toHaveBeenCalledTimes(1);
  });

  it('stops when the subscription token answers 404, instead of retrying', async () => {
    const onJobGone = vi.fn();
    const token = vi.fn().mockResolvedValueOnce('t1').mockRejectedValue(notFound);
    const { connection, socket } = connect({ jobId: 1, isGone, onJobGone, token });
    await vi.advanceTimersByTimeAsync(0);
    socket().accept();
    socket().fail(); // the job is deleted while the socket is away
    await vi.advanceTimersByTimeAsync(500);
    expect(token).toHaveBeenCalledTimes(2);
    expect(onJobGone).toHaveBeenCalledWith(1);
    expect(connection.state).toBe('closed');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(token).toHaveBeenCalledTimes(2);
    expect(ScriptedSocket.all).toHaveLength(1);
  });

  it('still retries a token request that failed otherwise', async () => {
    const token = vi.fn().mockRejectedValueOnce(new Error('network')).mockResolvedValue('t');
    const { connection } = connect({ jobId: 1, isGone, token });
    await vi.advanceTimersByTimeAsync(0);
    expect(connection.state).toBe('reconnecting');
    await vi.advanceTimersByTimeAsync(500);
    expect(token).toHaveBeenCalledTimes(2);
    expect(ScriptedSocket.all).toHaveLength(1);
    connection.stop();
  });
});
