// The shapes of docs/protocol.md, as the UI sees them once parsed.

export type JobStatus = 'pending' | 'running' | 'completed' | 'failed' | 'cancelled';
export type ExecutorType = 'kubernetes' | 'local';

export interface TrainingJob {
  job_id: number;
  model_name: string;
  framework: string;
  dataset_path: string;
  num_epochs: number;
  batch_size: number;
  executor_type: ExecutorType;
  session_id: number | null;
  /** The project the job belongs to; it owns the job's session. */
  project: string;
  image: string | null;
  command: string[] | null;
  args: string[] | null;
  resources: Record<string, unknown>;
  status: JobStatus;
  failure_reason: string | null;
  status_message: string | null;
  execution_id: string | null;
  created_at: string;
  updated_at: string;
  started_at: string | null;
  finished_at: string | null;
  /** The seq of the job's newest event when it was read (0 before any). */
  last_seq: number;
}

export interface JobList {
  jobs: TrainingJob[];
  page: number;
  size: number;
  total: number;
}

export interface NewJobRequest {
  model_name: string;
  framework: string;
  dataset_path: string;
  num_epochs: number;
  batch_size: number;
  executor_type: ExecutorType;
  session_id?: number;
  command?: string[];
}

/**
 * The `metrics` object of a training_metrics event. Metric values are numbers (the wire's "NaN", "Infinity" and
 * "-Infinity" strings already converted). Each metric is also readable at the top level (`update.loss`) when its
 * name does not clash with a field, so `metrics.loss < 0.1` works as well as `metrics.metrics.loss < 0.1`.
 */
export interface MetricsUpdate {
  epoch: number;
  step?: number;
  metrics: Record<string, number>;
  timestamp: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  [metric: string]: any;
}

export interface LogEntry {
  seq: number;
  message: string;
  level: string;
  timestamp: string;
}

/**
 * One bucket of a metric's overview (GET /metrics/overview): its points' count and seq range, their finite
 * extremes (null when none is finite), how many are NaN or infinite, the last value (a number, or "NaN",
 * "Infinity" or "-Infinity"), the first point's epoch and step with the earliest time, and the last point's epoch,
 * step and time.
 */
export interface OverviewBucket {
  count: number;
  first_seq: number;
  last_seq: number;
  min: number | null;
  max: number | null;
  non_finite: number;
  last: number | string;
  epoch: number;
  step: number | null;
  timestamp: string;
  last_epoch: number;
  last_step: number | null;
  last_timestamp: string;
}

/** One stored metric point, as GET /metrics answers it. */
export interface MetricPoint {
  seq: number;
  epoch: number;
  step: number | null;
  metrics: Record<string, number>;
  timestamp: string;
}

export interface StatusChangeEvent {
  type: 'training_status_change';
  job_id: number;
  seq: number;
  old_status: JobStatus;
  new_status: JobStatus;
  timestamp: string;
  reason?: string;
  message?: string;
}

export interface MetricsEvent {
  type: 'training_metrics';
  job_id: number;
  seq: number;
  metrics: MetricsUpdate;
}

export interface LogEvent {
  type: 'training_log';
  job_id: number;
  seq: number;
  log: { message: string; level: string; timestamp: string };
}

/**
 * The job was deleted (docs/protocol.md, "Deleting a job"): its last event. After it the job's REST reads and
 * GET /events answer 404, so a client stops following the job.
 */
export interface JobDeletedEvent {
  type: 'training_job_deleted';
  job_id: number;
  seq: number;
  timestamp: string;
}

/**
 * A Kubernetes Event about one of the job's pods (FailedScheduling, Pulled, BackOff, OOMKilling, ...), sent once
 * per Event object (docs/schemas/training_pod_event.json).
 */
export interface PodEventEvent {
  type: 'training_pod_event';
  job_id: number;
  seq: number;
  pod_event: { pod: string; event_type: string; reason: string; message: string; count: number; timestamp: string };
}

/**
 * A rule on the job's stream fired or resolved (docs/schemas/training_alert.json): `nan` and `divergence` name the
 * metric and its value (a number, NaN and the infinities included), `silent` and `stuck_pending` do not.
 */
export interface AlertEvent {
  type: 'training_alert';
  job_id: number;
  seq: number;
  alert: {
    rule: string;
    state: 'firing' | 'resolved';
    metric?: string;
    value?: number;
    message: string;
    timestamp: string;
  };
}

/**
 * An event of a type this client does not know (one added to the protocol after it was built), as it came:
 * `name` is its `type`, `data` the whole message. It goes through the sequencer like any other event, so it is
 * delivered exactly once and in order and never looks like a gap, and reaches `onEvent`.
 */
export interface OtherEvent {
  type: 'other';
  job_id: number;
  seq: number;
  name: string;
  data: Record<string, unknown>;
}

export type TrainingEvent =
  | StatusChangeEvent
  | MetricsEvent
  | LogEvent
  | JobDeletedEvent
  | PodEventEvent
  | AlertEvent
  | OtherEvent;

export type ServerMessage =
  | { type: 'connected'; message: string; timestamp: string }
  | { type: 'pong' }
  | { type: 'error'; message: string }
  | TrainingEvent;

/**
 * A monitor socket's state. `closed`: the followed job was deleted (or the API answers 404 for it), so no socket
 * is open and none will be; it does not count as a problem in the page's connection indicator.
 */
export type ConnectionState = 'connecting' | 'live' | 'reconnecting' | 'offline' | 'closed';
