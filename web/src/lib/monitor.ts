// One followed WebSocket to the relay: connects, pings, reconnects with backoff, and hands each event to an
// EventOrderer so that what comes out is every event of each job exactly once, in seq order. No React here.
// A job socket ends for good when its job is deleted (training_job_deleted) or the API answers 404 for it (its
// subscription token or GET /events): state `closed`, no reconnection, no more fills.
import { backoffDelay, type BackoffOptions } from './backoff';
import { isTrainingEvent, parseMessage } from './protocol';
import { EventOrderer } from './sequencer';
import type { ConnectionState, ServerMessage, TrainingEvent } from './types';

export interface MonitorOptions {
  url: string;
  /**
   * A fresh relay subscription token for each connection (docs/protocol.md, "Tokens"), sent as `&token=`.
   * A rejected or failed fetch counts as a failed connection attempt.
   */
  token?: () => Promise<string>;
  fetchSince: (jobId: number, since: number) => Promise<TrainingEvent[]>;
  onEvent: (event: TrainingEvent) => void;
  onMessage?: (message: ServerMessage) => void;
  onState?: (state: ConnectionState) => void;
  /** The relay confirmed the subscription; `reconnected` is false the first time. */
  onConnected?: (reconnected: boolean) => void;
  onFillError?: (jobId: number, error: unknown) => void;
  /**
   * The job this socket follows, for a job socket (a session socket has none): when it is deleted or gone, the
   * connection stops for good.
   */
  jobId?: number;
  /**
   * Whether an error of `token` or `fetchSince` says the job (or session) is gone: the API answered 404. Such an
   * error is not retried.
   */
  isGone?: (error: unknown) => boolean;
  /**
   * A followed job is gone without its training_job_deleted having arrived: the API answered 404 for its events or
   * its subscription token (it was deleted while no socket was open, or this token never could see it).
   */
  onJobGone?: (jobId: number) => void;
  /** Jobs whose events up to a seq the caller already has (from REST history). */
  baselines?: Record<number, number>;
  pingIntervalMs?: number;
  /** How long a ping may go unanswered before the socket is taken for dead. */
  pongTimeoutMs?: number;
  backoff?: BackoffOptions;
  /** Consecutive failed connection attempts after which the state says offline rather than reconnecting. */
  offlineAfterFailures?: number;
  WebSocketImpl?: typeof WebSocket;
}

export class TrainingMonitorConnection {
  private socket: WebSocket | null = null;
  private readonly orderer: EventOrderer;
  private failures = 0;
  private everConnected = false;
  private stopped = false;
  /** The relay refused the address (close code 1008): retrying cannot help. */
  private refused = false;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private pingTimer: ReturnType<typeof setInterval> | undefined;
  private pongTimer: ReturnType<typeof setTimeout> | undefined;
  private currentState: ConnectionState = 'connecting';

  constructor(private readonly options: MonitorOptions) {
    this.orderer = new EventOrderer({
      fetchSince: options.fetchSince,
      deliver: (event) => {
        options.onEvent(event);
        if (event.type === 'training_job_deleted' && event.job_id === options.jobId) this.finish();
      },
      onFillError: options.onFillError,
      isGone: options.isGone,
      onGone: (jobId) => this.jobGone(jobId),
    });
    for (const [jobId, seq] of Object.entries(options.baselines ?? {})) this.orderer.setBaseline(Number(jobId), seq);
  }

  get state(): ConnectionState {
    return this.currentState;
  }

  start(): void {
    if (typeof window !== 'undefined') {
      window.addEventListener('online', this.handleOnline);
      window.addEventListener('offline', this.handleOffline);
    }
    this.connect();
  }

  /** Whether the job was deleted or is gone (so its events have ended). */
  jobEnded(jobId: number): boolean {
    return this.orderer.ended(jobId);
  }

  stop(): void {
    this.stopped = true;
    this.orderer.close();
    clearTimeout(this.reconnectTimer);
    this.clearPing();
    if (typeof window !== 'undefined') {
      window.removeEventListener('online', this.handleOnline);
      window.removeEventListener('offline', this.handleOffline);
    }
    const socket = this.socket;
    this.socket = null;
    if (socket) {
      socket.onopen = socket.onmessage = socket.onclose = socket.onerror = null;
      if (socket.readyState === socket.CONNECTING || socket.readyState === socket.OPEN) socket.close(1000);
    }
  }

  /** The last seq delivered for a job (for tests and diagnostics). */
  lastSeq(jobId: number): number | undefined {
    return this.orderer.lastSeq(jobId);
  }

  /** The followed job was deleted or is gone: nothing more can come, so stop for good. */
  private finish(): void {
    if (this.stopped) return;
    this.stop();
    this.setState('closed');
  }

  private jobGone(jobId: number): void {
    if (this.stopped) return;
    this.options.onJobGone?.(jobId);
    if (jobId === this.options.jobId) this.finish();
  }

  private setState(state: ConnectionState): void {
    if (state === this.currentState) return;
    this.currentState = state;
    this.options.onState?.(state);
  }

  private connect(): void {
    if (this.stopped) return;
    if (!this.options.token) {
      this.open(this.options.url);
      return;
    }
    this.options.token().then(
      (token) => this.open(`${this.options.url}&token=${encodeURIComponent(token)}`),
      (error: unknown) => {
        if (this.stopped) return;
        if (!this.options.isGone?.(error)) {
          this.scheduleReconnect();
        } else if (this.options.jobId !== undefined) {
          this.jobGone(this.options.jobId); // no token for a job that is gone: deleted while no socket was open
        } else {
          this.refused = true; // a session no token can follow: retrying cannot help
          this.setState('offline');
        }
      },
    );
  }

  private open(url: string): void {
    if (this.stopped) return;
    const Impl = this.options.WebSocketImpl ?? WebSocket;
    let socket: WebSocket;
    try {
      socket = new Impl(url);
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.socket = socket;
    socket.onmessage = (frame) => this.handleFrame(String(frame.data));
    socket.onclose = (close) => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.clearPing();
      // 1008: the relay refused the address itself (no valid job_id / session_id); 4403: the token does not
      // cover it. Retrying cannot help either. (4401, a refused token, is retried with a fresh one.)
      if (close.code === 1008 || close.code === 4403) {
        this.refused = true;
        this.setState('offline');
        return;
      }
      this.scheduleReconnect();
    };
  }

  private handleFrame(text: string): void {
    clearTimeout(this.pongTimer);
    const message = parseMessage(text);
    if (!message) return;
    if (message.type === 'connected') {
      const reconnected = this.everConnected;
      this.everConnected = true;
      this.failures = 0;
      this.setState('live');
      this.startPing();
      // Whatever happened while no socket was subscribed (or before the baselines) comes from the history.
      void this.orderer.catchUp();
      this.options.onConnected?.(reconnected);
    }
    this.options.onMessage?.(message);
    if (isTrainingEvent(message)) this.orderer.receive(message);
  }

  private scheduleReconnect(): void {
    if (this.stopped) return;
    this.failures++;
    const offline =
      (typeof navigator !== 'undefined' && navigator.onLine === false) ||
      this.failures >= (this.options.offlineAfterFailures ?? 6);
    this.setState(offline ? 'offline' : 'reconnecting');
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = setTimeout(() => this.connect(), backoffDelay(this.failures - 1, this.options.backoff));
  }

  private startPing(): void {
    this.clearPing();
    const interval = this.options.pingIntervalMs ?? 25_000;
    this.pingTimer = setInterval(() => {
      const socket = this.socket;
      if (!socket || socket.readyState !== socket.OPEN) return;
      socket.send(JSON.stringify({ type: 'ping' }));
      clearTimeout(this.pongTimer);
      this.pongTimer = setTimeout(() => this.dropSocket(), this.options.pongTimeoutMs ?? 10_000);
    }, interval);
  }

  private clearPing(): void {
    clearInterval(this.pingTimer);
    clearTimeout(this.pongTimer);
  }

  /** Gives up on a socket that stopped answering (a half-open TCP connection) and reconnects at once. */
  private dropSocket(): void {
    const socket = this.socket;
    if (!socket) return;
    this.socket = null;
    socket.onopen = socket.onmessage = socket.onclose = socket.onerror = null;
    socket.close();
    this.clearPing();
    this.scheduleReconnect();
  }

  private readonly handleOnline = () => {
    if (this.stopped || this.refused || this.socket) return;
    this.failures = 0;
    clearTimeout(this.reconnectTimer);
    this.connect();
  };

  private readonly handleOffline = () => {
    if (!this.stopped) this.setState('offline');
  };
}
