// The functions' REST API (docs/protocol.md), at ${apiBaseUrl}/api/v1/training/...
import { apiToken } from './auth';
import { getConfig, type MonitorTarget } from './config';
import { parseEvent, toMetricPoint } from './protocol';
import type { JobList, JobStatus, LogEntry, MetricPoint, NewJobRequest, OverviewBucket, TrainingEvent, TrainingJob } from './types';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** The API's answer to `path`, with the token; an ApiError for a status that is not 2xx. */
async function send(path: string, init?: RequestInit): Promise<Response> {
  const token = await apiToken();
  const response = await fetch(`${getConfig().apiBaseUrl}/api/v1/training${path}`, {
    ...init,
    headers: {
      ...(init?.body ? { 'Content-Type': 'application/json' } : {}),
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
      ...init?.headers,
    },
  });
  if (!response.ok) {
    let error: { error?: string; message?: string } = {};
    try {
      error = (await response.json()) ?? {};
    } catch {
      /* not JSON: the status says it */
    }
    throw new ApiError(response.status, error.error ?? 'http_error', error.message ?? `HTTP ${response.status}`);
  }
  return response;
}

async function request<T>(path: string, init?: RequestInit): Promise<T> {
  const text = await (await send(path, init)).text();
  try {
    return (text ? JSON.parse(text) : null) as T;
  } catch {
    throw new ApiError(502, 'not_json', `the API answered ${path} with something other than JSON`);
  }
}

/**
 * Saves every stored point of the job as `job-N-metrics.csv` (GET .../metrics?format=csv, with the token, which a
 * plain link could not send). Rejects with an ApiError as the API answered (404, or 400 for more than 1,000
 * metric columns).
 */
export async function downloadMetricsCsv(jobId: number): Promise<void> {
  const blob = await (await send(`/jobs/${jobId}/metrics?format=csv`)).blob();
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = `job-${jobId}-metrics.csv`;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

const query = (params: Record<string, string | number | undefined | null | (string | number)[]>) => {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === '') continue;
    for (const v of Array.isArray(value) ? value : [value]) search.append(key, String(v));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
};

export interface JobFilters {
  status?: JobStatus | '';
  sessionId?: number | null;
  /** Only this project's jobs (a session is one project's). */
  project?: string;
  page?: number;
  size?: number;
}

export function listJobs({ status, sessionId, project, page = 0, size = 50 }: JobFilters = {}): Promise<JobList> {
  return request(`/jobs${query({ status, session_id: sessionId, project, page, size })}`);
}

export const getJob = (jobId: number) => request<TrainingJob>(`/jobs/${jobId}`);

export const submitJob = (job: NewJobRequest) =>
  request<TrainingJob>('/jobs', { method: 'POST', body: JSON.stringify(job) });

/** A short-lived token for one relay connection that follows the job or session. */
export async function subscriptionToken(target: MonitorTarget): Promise<string> {
  const path =
    'jobId' in target
      ? `/jobs/${target.jobId}/subscription-token`
      : `/sessions/${target.sessionId}/subscription-token${query({ project: target.project })}`;
  const answer = await request<{ token: string }>(path, { method: 'POST' });
  return answer.token;
}

export const cancelJob = (jobId: number) => request<TrainingJob>(`/jobs/${jobId}/cancel`, { method: 'POST' });

/**
 * Deletes the job everywhere (docs/protocol.md, "Deleting a job"): stops it if it runs, removes its history, and
 * its followers get training_job_deleted. Resolves on 204, which a retry answers too; otherwise an ApiError with
 * the API's message (404: no such job, or another project's; 403: a token that may not delete).
 */
export async function deleteJob(jobId: number): Promise<void> {
  await request<null>(`/jobs/${jobId}`, { method: 'DELETE' });
}

/** The API answered 404: no such job (deleted, or in a project the token does not grant). */
export const isNotFound = (error: unknown): boolean => error instanceof ApiError && error.status === 404;

export interface MetricsPage {
  points: MetricPoint[];
  next_since: number;
}

export async function fetchMetricsPage(jobId: number, since: number, limit: number, names?: string[]): Promise<MetricsPage> {
  const page = await request<{ points: Record<string, unknown>[]; next_since: number }>(
    `/jobs/${jobId}/metrics${query({ since, limit, name: names })}`,
  );
  return { points: page.points.map(toMetricPoint), next_since: page.next_since ?? since };
}

/**
 * Every stored point after `since`, page by page (no cap): `onPage` gets each page as it comes so a chart can
 * draw while the rest loads. The first page is small, so something shows at once; later ones grow to
 * `pageSize`. Resolves to the seq of the last point (or `since` when there was none).
 */
export async function fetchAllMetrics(
  jobId: number,
  { since = 0, names, pageSize = 50_000, onPage }: { since?: number; names?: string[]; pageSize?: number; onPage: (points: MetricPoint[]) => void },
): Promise<number> {
  for (let limit = Math.min(pageSize, 5_000); ; limit = Math.min(pageSize, limit * 4)) {
    const page = await fetchMetricsPage(jobId, since, limit, names);
    if (page.points.length > 0) onPage(page.points);
    since = Math.max(since, page.next_since, page.points.at(-1)?.seq ?? 0);
    if (page.points.length < limit) return since;
  }
}

/** Every metric name the job reported, sorted. */
export async function fetchMetricNames(jobId: number): Promise<string[]> {
  return (await request<{ names: string[] }>(`/jobs/${jobId}/metrics/names`)).names;
}

/**
 * Metric `name` in at most `buckets` buckets of equal seq width, each with its extremes: its points with
 * `since` < seq < `before` (by default all).
 */
export async function fetchOverview(
  jobId: number,
  name: string,
  { buckets, since, before }: { buckets: number; since?: number; before?: number },
): Promise<OverviewBucket[]> {
  return (await request<{ buckets: OverviewBucket[] }>(`/jobs/${jobId}/metrics/overview${query({ name, buckets, since, before })}`)).buckets;
}

export interface LogsPage {
  logs: LogEntry[];
  next_before: number | null;
}

/**
 * A page of the job's log. By seq: the newest lines below `before`, or with `since` the oldest after it (and below
 * `before` if given). By the time they were written (ISO-8601): with `from` the first written from it (up to `to`
 * if given), else the last written up to `to`. `level` keeps that level and above.
 */
export function fetchLogs(
  jobId: number,
  params: { before?: number; since?: number; from?: string; to?: string; limit?: number; level?: 'DEBUG' | 'INFO' | 'WARNING' | 'ERROR' } = {},
): Promise<LogsPage> {
  return request(`/jobs/${jobId}/logs${query(params)}`);
}

/**
 * Every stored event of the job after `since`, oldest first: what a client that saw up to `since` missed. With
 * `types`, only events of those types (a timeline's status changes, alerts and pod events).
 */
export async function fetchEventsSince(jobId: number, since: number, pageSize = 1000, types?: string[]): Promise<TrainingEvent[]> {
  const events: TrainingEvent[] = [];
  for (;;) {
    const page = await request<{ events: unknown[]; next_since?: number }>(`/jobs/${jobId}/events${query({ since, limit: pageSize, type: types })}`);
    for (const raw of page.events) {
      const event = parseEvent(raw);
      if (event) events.push(event);
    }
    since = Math.max(since, page.next_since ?? 0, events.at(-1)?.seq ?? 0);
    if (page.events.length < pageSize) return events;
  }
}

/**
 * The job's latest metric point, if two cheap requests can tell it for sure; else null. The API has no "latest
 * point" query and points come oldest first, so this looks at the points around the newest log line and trusts
 * the answer only when that window reaches the end of the history.
 */
export async function fetchLatestPoint(jobId: number, window = 500): Promise<MetricPoint | null> {
  const { logs } = await fetchLogs(jobId, { limit: 1 });
  const newestLog = logs.at(-1)?.seq ?? 0;
  const page = await fetchMetricsPage(jobId, Math.max(0, newestLog - window / 2), window);
  return page.points.length < window ? (page.points.at(-1) ?? null) : null;
}
