// Toasts for jobs that ended, and a browser Notification when the user allowed them.
import { Store } from './store';
import type { JobStatus } from './types';

export interface Toast {
  id: number;
  jobId: number;
  status: JobStatus;
  text: string;
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
  const key = `${jobId}:${status}`;
  if (announced.has(key)) return;
  announced.add(key);
  const text = `Job #${jobId} ${status}${detail ? `: ${detail}` : ''}`;
  const id = nextId++;
  toasts.update((list) => [...list.slice(-4), { id, jobId, status, text }]);
  setTimeout(() => dismissToast(id), 8000);
  if (typeof Notification !== 'undefined' && Notification.permission === 'granted') {
    try {
      new Notification('Trainwatch', { body: text, tag: key });
    } catch {
      /* some browsers only allow notifications from a service worker */
    }
  }
}
