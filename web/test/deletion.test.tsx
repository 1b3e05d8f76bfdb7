// @vitest-environment jsdom
// Deleting a job, in the pages: the job page's Delete button (with its confirmation), the notice a deleted job
// gets however the page learns of it, and that nothing is fetched in a loop afterwards; the jobs list drops a
// deleted row. The REST API is a mocked fetch, the relay a scripted WebSocket.
import { flushSync } from 'react-dom';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setConfig } from '../src/lib/config';
import { JobPage } from '../src/pages/JobPage';
import { JobsPage } from '../src/pages/JobsPage';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = false;
// uPlot (the charts) reads the pixel ratio through matchMedia as it loads; jsdom has none. No chart is drawn here.
vi.hoisted(() => {
  window.matchMedia ??= ((query: string) => ({
    matches: false,
    media: query,
    onchange: null,
    addListener: () => {},
    removeListener: () => {},
    addEventListener: () => {},
    removeEventListener: () => {},
    dispatchEvent: () => false,
  })) as typeof window.matchMedia;
});

/** A relay socket: confirms its subscription at once; the test pushes events with `receive`. */
class FakeSocket {
  static all: FakeSocket[] = [];
  readonly CONNECTING = 0;
  readonly OPEN = 1;
  readyState = 0;
  onopen: (() => void) | null = null;
  onmessage: ((frame: { data: string }) => void) | null = null;
  onclose: ((close: { code: number }) => void) | null = null;
  onerror: (() => void) | null = null;

  constructor(readonly url: string) {
    FakeSocket.all.push(this);
    setTimeout(() => {
      this.readyState = 1;
      this.receive({ type: 'connected', message: 'Connected to training monitoring', timestamp: 't' });
    }, 0);
  }
  receive(message: object) {
    if (this.readyState === 1) this.onmessage?.({ data: JSON.stringify(message) });
  }
  send() {}
  /** The connection drops (not the client's doing). */
  drop() {
    this.readyState = 3;
    this.onclose?.({ code: 1006 });
  }
  close() {
    this.readyState = 3;
  }
}

const job = (id: number) => ({
  job_id: id,
  model_name: 'yolo11n',
  framework: 'ultralytics',
  dataset_path: 's3://bucket/data',
  num_epochs: 10,
  batch_size: 16,
  executor_type: 'local',
  session_id: null,
  project: 'default',
  image: null,
  command: null,
  args: null,
  resources: {},
  status: 'running',
  failure_reason: null,
  status_message: null,
  execution_id: '1234',
  created_at: '2026-11-28T10:00:00Z',
  updated_at: '2026-11-28T10:00:00Z',
  started_at: '2026-11-28T10:00:01Z',
  finished_at: null,
});

/** The functions' REST API for a few jobs; a deleted job answers 404 everywhere, as the real one does. */
class Api {
  jobs = new Map<number, ReturnType<typeof job>>();
  requests: string[] = [];
  /** What DELETE answers (status and body) instead of deleting; null: 204, and the job is gone. */
  deleteRefusal: { status: number; body: object } | null = null;
  /** Runs as a DELETE is served, before its answer (the server tells followers first). */
  onDelete: (() => void) | null = null;

  handle = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = new URL(String(input));
    const method = init?.method ?? 'GET';
    const path = url.pathname.replace('/api/v1/training', '');
    this.requests.push(`${method} ${path}${url.search}`);
    const answer = (status: number, body?: object) =>
      new Response(body === undefined ? null : JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
    const notFound = () => answer(404, { error: 'not_found', message: 'no such job' });

    if (path === '/jobs' && method === 'GET') {
      const jobs = [...this.jobs.values()];
      return answer(200, { jobs, page: 0, size: 50, total: jobs.length });
    }
    const m = /^\/jobs\/(\d+)(\/.*)?$/.exec(path);
    if (!m) return notFound();
    const id = Number(m[1]);
    const rest = m[2] ?? '';
    if (!this.jobs.has(id)) return notFound();
    if (method === 'DELETE' && rest === '') {
      if (this.deleteRefusal) return answer(this.deleteRefusal.status, this.deleteRefusal.body);
      this.jobs.delete(id);
      this.onDelete?.();
      return answer(204);
    }
    if (rest === '') return answer(200, this.jobs.get(id));
    if (rest === '/metrics') return answer(200, { job_id: id, points: [], next_since: Number(url.searchParams.get('since') ?? 0) });
    if (rest === '/logs') return answer(200, { job_id: id, logs: [], next_before: null });
    if (rest === '/events') return answer(200, { job_id: id, events: [], next_since: Number(url.searchParams.get('since') ?? 0) });
    if (rest === '/subscription-token' && method === 'POST') return answer(200, { token: `sub-${id}`, expires_at: 't' });
    return notFound();
  };

  count(prefix: string): number {
    return this.requests.filter((r) => r.startsWith(prefix)).length;
  }
}

let api: Api;
let roots: Root[] = [];
const confirm = vi.fn(() => true);

beforeEach(() => {
  api = new Api();
  api.jobs.set(42, job(42));
  FakeSocket.all = [];
  confirm.mockReset().mockReturnValue(true);
  vi.stubGlobal('fetch', vi.fn(api.handle));
  vi.stubGlobal('WebSocket', FakeSocket);
  vi.stubGlobal('confirm', confirm);
  setConfig({ apiBaseUrl: 'http://api.test', wsBaseUrl: 'ws://relay.test', apiToken: 'api-token' });
});

afterEach(() => {
  for (const root of roots) root.unmount();
  roots = [];
  document.body.innerHTML = '';
  vi.unstubAllGlobals();
});

function render(element: React.ReactNode): HTMLElement {
  const container = document.createElement('div');
  document.body.append(container);
  const root = createRoot(container);
  roots.push(root);
  flushSync(() => root.render(element));
  return container;
}

/** GET /events reads that fill the feed (the timeline's reads of some types only are not). */
const catchUps = () => api.requests.filter((r) => r.startsWith('GET /jobs/42/events') && !r.includes('type=')).length;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const find = (container: HTMLElement, testId: string) => container.querySelector<HTMLElement>(`[data-testid=${testId}]`);

/** The job page of job 42 with its history loaded and its socket live. */
async function openJobPage(): Promise<{ page: HTMLElement; socket: FakeSocket }> {
  const page = render(<JobPage jobId={42} />);
  await vi.waitFor(() => expect(find(page, 'job-page')?.dataset.historyLoaded).toBe('true'));
  await vi.waitFor(() => expect(FakeSocket.all[0]?.readyState).toBe(1));
  await vi.waitFor(() => expect(catchUps()).toBe(1)); // the catch-up after connecting
  return { page, socket: FakeSocket.all[0] };
}

describe('the job page', () => {
  it('deletes only after the confirmation, then shows the notice and follows the job no more', async () => {
    const { page, socket } = await openJobPage();
    expect(find(page, 'job-deleted')).toBeNull();

    confirm.mockReturnValueOnce(false);
    find(page, 'delete-job')!.click();
    expect(confirm).toHaveBeenCalledTimes(1);
    await sleep(20);
    expect(api.count('DELETE')).toBe(0);

    find(page, 'delete-job')!.click();
    await vi.waitFor(() => expect(find(page, 'job-deleted')).not.toBeNull());
    expect(api.requests.filter((r) => r.startsWith('DELETE'))).toEqual(['DELETE /jobs/42']);
    expect(find(page, 'job-deleted')!.textContent).toContain('This job was deleted');
    expect(find(page, 'job-deleted')!.dataset.how).toBe('here');
    expect(find(page, 'delete-job')).toBeNull();
    expect(page.textContent).not.toContain('Cancel job');
    expect(socket.readyState).toBe(3); // unsubscribed: the page closed its socket

    const before = api.requests.length;
    socket.receive({ type: 'training_job_deleted', job_id: 42, seq: 1, timestamp: 't' }); // too late: ignored
    await sleep(1200); // longer than a reconnection's first delay
    expect(api.requests.slice(before)).toEqual([]);
    expect(FakeSocket.all).toHaveLength(1);
  });

  it('counts the deletion event that comes before its own 204 as its own', async () => {
    const { page, socket } = await openJobPage();
    api.onDelete = () => socket.receive({ type: 'training_job_deleted', job_id: 42, seq: 5, timestamp: 't' });
    find(page, 'delete-job')!.click();
    await vi.waitFor(() => expect(find(page, 'job-deleted')).not.toBeNull());
    expect(find(page, 'job-deleted')!.dataset.how).toBe('here');
    expect(socket.readyState).toBe(3);
  });

  it("shows the API's message when the delete is refused", async () => {
    const { page, socket } = await openJobPage();
    api.deleteRefusal = { status: 403, body: { error: 'forbidden', message: 'this token may not delete jobs' } };
    find(page, 'delete-job')!.click();
    await vi.waitFor(() => expect(find(page, 'delete-error')).not.toBeNull());
    expect(find(page, 'delete-error')!.textContent).toContain('this token may not delete jobs');
    expect(find(page, 'job-deleted')).toBeNull();
    expect(find(page, 'delete-job')).not.toBeNull();
    expect(socket.readyState).toBe(1);
  });

  it('shows the notice when training_job_deleted arrives, without GET /events for the gap before it', async () => {
    const { page, socket } = await openJobPage();
    api.jobs.delete(42); // deleted elsewhere
    socket.receive({ type: 'training_job_deleted', job_id: 42, seq: 9, timestamp: 't' });
    await vi.waitFor(() => expect(find(page, 'job-deleted')?.dataset.how).toBe('event'));
    expect(socket.readyState).toBe(3);
    await sleep(1200);
    expect(catchUps()).toBe(1);
    expect(api.count('POST /jobs/42/subscription-token')).toBe(1);
    expect(FakeSocket.all).toHaveLength(1);
  });

  it('stops at the 404s of a job deleted while the socket was away', async () => {
    const { page, socket } = await openJobPage();
    api.jobs.delete(42);
    socket.drop();
    await vi.waitFor(() => expect(find(page, 'job-deleted')?.dataset.how).toBe('not-found'), { timeout: 5000 });
    const tokens = api.count('POST /jobs/42/subscription-token');
    expect(tokens).toBe(2); // the reconnection's token request answered 404: no more attempts
    await sleep(1500);
    expect(api.count('POST /jobs/42/subscription-token')).toBe(tokens);
    expect(catchUps()).toBe(1);
    expect(FakeSocket.all).toHaveLength(1);
  });

  it('says a job the API does not know was not found, and opens no socket', async () => {
    const page = render(<JobPage jobId={7} />);
    await vi.waitFor(() => expect(find(page, 'job-not-found')).not.toBeNull());
    await sleep(200);
    expect(FakeSocket.all).toHaveLength(0);
    expect(api.count('POST')).toBe(0);
  });
});

describe('the jobs list', () => {
  it('drops the row of a followed job that is deleted', async () => {
    api.jobs.set(43, job(43));
    const page = render(<JobsPage />);
    await vi.waitFor(() => expect(page.querySelectorAll('[data-testid=job-row]')).toHaveLength(2));
    await vi.waitFor(() => expect(FakeSocket.all.filter((s) => s.readyState === 1)).toHaveLength(2));
    const socket = FakeSocket.all.find((s) => s.url.includes('job_id=42'))!;
    socket.receive({ type: 'training_job_deleted', job_id: 42, seq: 3, timestamp: 't' });
    await vi.waitFor(() => expect(page.querySelectorAll('[data-testid=job-row]')).toHaveLength(1));
    expect(page.querySelector('[data-testid=job-row]')!.getAttribute('data-job-id')).toBe('43');
    expect(socket.readyState).toBe(3);
  });
});
