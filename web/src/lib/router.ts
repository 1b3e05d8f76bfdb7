// A tiny client-side router on location.pathname and history.pushState (the relay answers index.html for deep links).
import { Store } from './store';

export interface Location {
  path: string;
  search: URLSearchParams;
}

const read = (): Location => ({ path: window.location.pathname, search: new URLSearchParams(window.location.search) });

export const currentLocation = new Store<Location>(typeof window === 'undefined' ? { path: '/', search: new URLSearchParams() } : read());

if (typeof window !== 'undefined') window.addEventListener('popstate', () => currentLocation.set(read()));

export function navigate(to: string, { replace = false } = {}): void {
  if (replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  currentLocation.set(read());
  if (!replace) window.scrollTo(0, 0);
}

export type Route =
  | { page: 'jobs' }
  | { page: 'job'; jobId: number }
  | { page: 'session'; sessionId: number }
  | { page: 'not-found' };

export function matchRoute(path: string): Route {
  if (path === '/' || path === '') return { page: 'jobs' };
  let m = /^\/training\/(\d+)\/?$/.exec(path);
  if (m) return { page: 'job', jobId: Number(m[1]) };
  m = /^\/sessions\/(\d+)\/?$/.exec(path);
  if (m) return { page: 'session', sessionId: Number(m[1]) };
  return { page: 'not-found' };
}

/** The page of a job's session: sessions are per project, so the address names the job's project. */
export function sessionPath(job: { session_id: number | null; project: string }): string {
  return `/sessions/${job.session_id}?project=${encodeURIComponent(job.project)}`;
}
