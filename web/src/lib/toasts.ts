// Toasts for jobs that ended and alerts that fired, and a browser Notification when the user allowed them.
import { Store } from './store';
import { momentPath, secondsOf } from './timeline';
import type { AlertEvent, JobStatus } from './types';

export interface Toast {
  id: number;
  jobId: number;
  /** How the toast is coloured: the job's final status, or `alert`. */
  status: JobStatus | 'alert';
  text: string;
  /** The page it links to. */
  to: string;
}

export const toasts = new Store<Toast[]>([]);
let nextId = 1;
const announced = new Set<string>();

export function dismissToast(id: number): void {
  toasts.update((list) => list.filter((t) => t.id !== id));
}

/** Announces that a job completed or failed, once per job and status however many views see it. */
export function announceJobEnd(jobId: number, status: JobStatus, detail?: string): void {
  if (status !== 'completed' && status !== 'failed') return;
  announce(`${jobId}:${status}`, { jobId, status, text: `Job #${jobId} ${status}${detail ? `: ${detail}` : ''}`, to: `/training/${jobId}` });
}

/** An alert of a job (rule and metric) is announced again only after this long. */
const ALERT_QUIET_MS = 5 * 60_000;
const lastAlerted = new Map<string, number>();

/**
 * Announces an alert that fired (not one that resolved), once per alert event however many views see it, and
 * once per 5 minutes for the same rule and metric of a job: a metric that keeps crossing its rule is one toast.
 */
export function announceAlert(jobId: number, event: AlertEvent): void {
  if (event.alert.state !== 'firing') return;
  const which = `${jobId}:${event.alert.rule}:${event.alert.metric ?? ''}`;
  const now = Date.now();
  if (now - (lastAlerted.get(which) ?? -Infinity) < ALERT_QUIET_MS) return;
  lastAlerted.set(which, now);
  // The toast opens the job's timeline at the alert's moment.
  announce(`${jobId}:alert:${event.seq}`, { jobId, status: 'alert', text: `Job #${jobId}: ${event.alert.message}`, to: momentPath(jobId, { seq: event.seq, time: secondsOf(event.alert.timestamp) }) });
}

function announce(key: string, toast: Omit<Toast, 'id'>): void {
  if (announced.has(key)) return;
  announced.add(key);
  const id = nextId++;
  const text = toast.text;
  toasts.update((list) => [...list.slice(-4), { id, ...toast }]);
  setTimeout(() => dismissToast(id), 8000);
  if (typeof Notification !== 'undefined' && Notification.permission === 'granted') {
    try {
      new Notification('Trainwatch', { body: text, tag: key });
    } catch {
      /* some browsers only allow notifications from a service worker */
    }
  }
}
