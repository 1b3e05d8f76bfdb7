// Parsing of the relay's messages and the API's metric points (docs/protocol.md).
import type { AlertEvent, JobStatus, MetricPoint, MetricsUpdate, ServerMessage, TrainingEvent } from './types';

const STATUSES: readonly JobStatus[] = ['pending', 'running', 'completed', 'failed', 'cancelled'];
const FINAL: ReadonlySet<JobStatus> = new Set(['completed', 'failed', 'cancelled']);

export function isFinalStatus(status: JobStatus): boolean {
  return FINAL.has(status);
}

/** Status only moves forward (pending, running, then a final one): of two views of a job, the later one wins. */
export function laterStatus(a: JobStatus, b: JobStatus): JobStatus {
  const rank = (s: JobStatus) => (s === 'pending' ? 0 : s === 'running' ? 1 : 2);
  return rank(b) > rank(a) ? b : a;
}

/** A metric value off the wire: a number, or one of the strings "NaN", "Infinity", "-Infinity". */
export function metricValue(value: unknown): number {
  return typeof value === 'number' ? value : Number(value);
}

export function metricValues(raw: unknown): Record<string, number> {
  const values: Record<string, number> = {};
  if (raw && typeof raw === 'object') {
    for (const [name, value] of Object.entries(raw)) values[name] = metricValue(value);
  }
  return values;
}

const RESERVED = new Set(['epoch', 'step', 'metrics', 'timestamp']);

export function toMetricsUpdate(raw: Record<string, unknown>): MetricsUpdate {
  const metrics = metricValues(raw.metrics);
  const update: MetricsUpdate = { epoch: Number(raw.epoch), metrics, timestamp: String(raw.timestamp ?? '') };
  if (raw.step !== undefined && raw.step !== null) update.step = Number(raw.step);
  for (const [name, value] of Object.entries(metrics)) if (!RESERVED.has(name)) update[name] = value;
  return update;
}

export function toMetricPoint(raw: Record<string, unknown>): MetricPoint {
  return {
    seq: Number(raw.seq),
    epoch: Number(raw.epoch),
    step: raw.step === undefined || raw.step === null ? null : Number(raw.step),
    metrics: metricValues(raw.metrics),
    timestamp: String(raw.timestamp ?? ''),
  };
}

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

/** One event object (from the socket or GET /events), or null when it is not a well-formed event. */
export function parseEvent(data: unknown): TrainingEvent | null {
  if (!isObject(data) || !isCount(data.job_id) || !isCount(data.seq)) return null;
  const base = { job_id: data.job_id, seq: data.seq };
  switch (data.type) {
    case 'training_metrics':
      if (!isObject(data.metrics)) return null;
      return { type: 'training_metrics', ...base, metrics: toMetricsUpdate(data.metrics) };
    case 'training_log': {
      if (!isObject(data.log)) return null;
      const { message, level, timestamp } = data.log;
      return {
        type: 'training_log',
        ...base,
        log: { message: String(message ?? ''), level: String(level ?? 'INFO'), timestamp: String(timestamp ?? '') },
      };
    }
    case 'training_status_change': {
      const oldStatus = data.old_status as JobStatus;
      const newStatus = data.new_status as JobStatus;
      if (!STATUSES.includes(newStatus)) return null;
      const event: TrainingEvent = {
        type: 'training_status_change',
        ...base,
        old_status: oldStatus,
        new_status: newStatus,
        timestamp: String(data.timestamp ?? ''),
      };
      if (typeof data.reason === 'string') event.reason = data.reason;
      if (typeof data.message === 'string') event.message = data.message;
      return event;
    }
    case 'training_job_deleted':
      return { type: 'training_job_deleted', ...base, timestamp: String(data.timestamp ?? '') };
    case 'training_alert': {
      if (!isObject(data.alert)) return null;
      const { rule, state, metric, value, message, timestamp } = data.alert;
      const alert: AlertEvent['alert'] = {
        rule: String(rule ?? ''),
        state: state === 'resolved' ? 'resolved' : 'firing',
        message: String(message ?? ''),
        timestamp: String(timestamp ?? ''),
      };
      if (typeof metric === 'string') alert.metric = metric;
      if (value !== undefined && value !== null) alert.value = metricValue(value);
      return { type: 'training_alert', ...base, alert };
    }
    case 'training_pod_event': {
      if (!isObject(data.pod_event)) return null;
      const { pod, event_type, reason, message, count, timestamp } = data.pod_event;
      return {
        type: 'training_pod_event',
        ...base,
        pod_event: {
          pod: String(pod ?? ''),
          event_type: String(event_type ?? 'Normal'),
          reason: String(reason ?? ''),
          message: String(message ?? ''),
          count: Number(count ?? 1),
          timestamp: String(timestamp ?? ''),
        },
      };
    }
    default:
      // A type added after this client was built: every event carries job_id and seq, so it is still one.
      return typeof data.type === 'string' && data.type !== ''
        ? { type: 'other', ...base, name: data.type, data }
        : null;
  }
}

/** Whether a message is a job's event (it carries the job's `seq`, so it goes through the sequencer). */
export function isTrainingEvent(message: ServerMessage): message is TrainingEvent {
  return 'seq' in message;
}

/** A frame from the relay, or null when it is not JSON or not a message this client knows. */
export function parseMessage(text: string): ServerMessage | null {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isObject(data)) return null;
  switch (data.type) {
    case 'connected':
      return { type: 'connected', message: String(data.message ?? ''), timestamp: String(data.timestamp ?? '') };
    case 'pong':
      return { type: 'pong' };
    case 'error':
      return { type: 'error', message: String(data.message ?? '') };
    default:
      return parseEvent(data);
  }
}
