// useTrainingMonitor: follow a job (or every job of a session) live. Callbacks see every event exactly once, in seq
// order per job: duplicates are dropped, gaps and reconnections are filled from GET /events (src/lib/sequencer.ts).
// A deleted job is followed no further: onJobDeleted, and a job socket closes for good.
import { useEffect, useRef, useState } from 'react';
import { fetchEventsSince, isNotFound, subscriptionToken } from '../lib/api';
import { socketUrl } from '../lib/config';
import { reportConnection } from '../lib/connections';
import { TrainingMonitorConnection } from '../lib/monitor';
import type {
  AlertEvent,
  ConnectionState,
  JobDeletedEvent,
  JobStatus,
  LogEntry,
  LogEvent,
  MetricsEvent,
  MetricsUpdate,
  PodEventEvent,
  ServerMessage,
  StatusChangeEvent,
  TrainingEvent,
} from '../lib/types';

export interface UseTrainingMonitorOptions {
  jobId?: number;
  sessionId?: number;
  /** The session's project (sessions are per project); without it, the token's one project or `default`. */
  project?: string;
  onStatusChange?: (jobId: number, oldStatus: JobStatus, newStatus: JobStatus, event: StatusChangeEvent) => void;
  onMetrics?: (jobId: number, metrics: MetricsUpdate, event: MetricsEvent) => void;
  onLog?: (jobId: number, log: LogEntry, event: LogEvent) => void;
  /**
   * The job was deleted: `event` is its training_job_deleted (its last event), or null when the API answered 404
   * for the job instead (deleted while the socket was away, or not visible to this token). Called once per job;
   * nothing more comes for it. A job socket then closes for good (`connectionState` becomes `closed`).
   */
  onJobDeleted?: (jobId: number, event: JobDeletedEvent | null) => void;
  /** A Kubernetes Event about one of the job's pods (why it is pending, pulled, backing off, killed). */
  onPodEvent?: (jobId: number, event: PodEventEvent) => void;
  /** A rule on the job's stream fired or resolved (NaN loss, divergence, silence, stuck pending). */
  onAlert?: (jobId: number, event: AlertEvent) => void;
  /**
   * Every event, of every type, after the callback of its type above (if any): exactly once, in seq order per
   * job. Types this client does not know arrive as `{type: 'other', name, data}` (see `OtherEvent`).
   */
  onEvent?: (event: TrainingEvent) => void;
  /** The relay confirmed the subscription; `reconnected` is true after a lost connection came back. */
  onConnected?: (reconnected: boolean) => void;
  /**
   * The caller already has every event up to this seq (of `jobId`; or per job id, for a session), from REST
   * history: only later events are delivered, and those that happened before the socket connected are fetched.
   * Read when the socket opens.
   */
  since?: number | Record<number, number>;
  /** false: no socket (yet). Default true. */
  enabled?: boolean;
}

export interface UseTrainingMonitorResult {
  isConnected: boolean;
  lastMessage: ServerMessage | null;
  connectionState: ConnectionState;
}

const LAST_MESSAGE_INTERVAL_MS = 50;

export function useTrainingMonitor(options: UseTrainingMonitorOptions): UseTrainingMonitorResult {
  const { jobId, sessionId, project, enabled = true } = options;
  const latest = useRef(options);
  latest.current = options;

  const [connectionState, setConnectionState] = useState<ConnectionState>('connecting');
  const [lastMessage, setLastMessage] = useState<ServerMessage | null>(null);

  useEffect(() => {
    const target = jobId !== undefined ? { jobId } : sessionId !== undefined ? { sessionId, project } : null;
    if (!enabled || !target) return;
    const id = Symbol('monitor');
    const since = latest.current.since;
    const baselines = typeof since === 'number' ? (jobId !== undefined ? { [jobId]: since } : {}) : since;

    // lastMessage changes at most every 50 ms, so a fast feed does not re-render its page on every event.
    let pending: ServerMessage | null = null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const noteMessage = (message: ServerMessage) => {
      pending = message;
      timer ??= setTimeout(() => {
        timer = undefined;
        setLastMessage(pending);
      }, LAST_MESSAGE_INTERVAL_MS);
    };

    const connection = new TrainingMonitorConnection({
      url: socketUrl(target),
      token: () => subscriptionToken(target),
      baselines,
      jobId,
      isGone: isNotFound,
      onJobGone: (job) => latest.current.onJobDeleted?.(job, null),
      fetchSince: (job, after) => fetchEventsSince(job, after),
      onMessage: (message) => {
        if (message.type !== 'pong') noteMessage(message);
      },
      onConnected: (reconnected) => latest.current.onConnected?.(reconnected),
      onState: (state) => {
        setConnectionState(state);
        reportConnection(id, state);
      },
      onEvent: (event) => {
        const callbacks = latest.current;
        switch (event.type) {
          case 'training_status_change':
            callbacks.onStatusChange?.(event.job_id, event.old_status, event.new_status, event);
            break;
          case 'training_metrics':
            callbacks.onMetrics?.(event.job_id, event.metrics, event);
            break;
          case 'training_log':
            callbacks.onLog?.(event.job_id, { seq: event.seq, ...event.log }, event);
            break;
          case 'training_job_deleted':
            callbacks.onJobDeleted?.(event.job_id, event);
            break;
          case 'training_pod_event':
            callbacks.onPodEvent?.(event.job_id, event);
            break;
          case 'training_alert':
            callbacks.onAlert?.(event.job_id, event);
            break;
        }
        callbacks.onEvent?.(event);
      },
    });
    setConnectionState('connecting');
    reportConnection(id, 'connecting');
    connection.start();
    return () => {
      connection.stop();
      clearTimeout(timer);
      reportConnection(id, null);
    };
  }, [jobId, sessionId, project, enabled]);

  return { isConnected: enabled && connectionState === 'live', lastMessage, connectionState };
}
