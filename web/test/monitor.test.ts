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
