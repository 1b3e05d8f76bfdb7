// The REST calls of src/lib/api.ts against a mocked fetch: what is sent, and how answers are read.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError, deleteJob, fetchEventsSince, isNotFound } from '../src/lib/api';
import { setConfig } from '../src/lib/config';

const fetchMock = vi.fn<typeof fetch>();

beforeEach(() => {
  fetchMock.mockReset();
  vi.stubGlobal('fetch', fetchMock);
  setConfig({ apiBaseUrl: 'http://api.test', apiToken: 'api-token' });
});
afterEach(() => vi.unstubAllGlobals());

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

describe('deleteJob', () => {
  it('sends DELETE with the API token and resolves on 204 (also a retry)', async () => {
    fetchMock.mockResolvedValue(new Response(null, { status: 204 }));
    await expect(deleteJob(42)).resolves.toBeUndefined();
    await expect(deleteJob(42)).resolves.toBeUndefined();
    expect(fetchMock).toHaveBeenCalledTimes(2);
    const [url, init] = fetchMock.mock.calls[0];
    expect(url).toBe('http://api.test/api/v1/training/jobs/42');
    expect(init?.method).toBe('DELETE');
    expect(init?.body).toBeUndefined();
    expect(init?.headers).toEqual({ Authorization: 'Bearer api-token' });
  });

  it("rejects with the API's error on 404 and 403", async () => {
    fetchMock.mockResolvedValueOnce(json(404, { error: 'not_found', message: 'no job 42' }));
    const missing = await deleteJob(42).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(ApiError);
    expect(missing).toMatchObject({ status: 404, code: 'not_found', message: 'no job 42' });
    expect(isNotFound(missing)).toBe(true);

    fetchMock.mockResolvedValueOnce(json(403, { error: 'forbidden', message: 'an ingest token may not delete jobs' }));
    const refused = await deleteJob(42).catch((e: unknown) => e);
    expect(refused).toMatchObject({ status: 403, code: 'forbidden', message: 'an ingest token may not delete jobs' });
    expect(isNotFound(refused)).toBe(false);
  });
});

describe('fetchEventsSince', () => {
  it('keeps a training_job_deleted from the history, as the socket would send it', async () => {
    fetchMock.mockResolvedValue(
      json(200, {
        job_id: 42,
        events: [
          { type: 'training_log', job_id: 42, seq: 4, log: { message: 'last words', level: 'INFO', timestamp: 't' } },
          { type: 'training_job_deleted', job_id: 42, seq: 5, timestamp: 't' },
        ],
        next_since: 5,
      }),
    );
    const events = await fetchEventsSince(42, 3);
    expect(events.map((e) => `${e.type}:${e.seq}`)).toEqual(['training_log:4', 'training_job_deleted:5']);
    expect(fetchMock.mock.calls[0][0]).toBe('http://api.test/api/v1/training/jobs/42/events?since=3&limit=1000');
  });

  it('rejects with a 404 for a deleted job', async () => {
    fetchMock.mockResolvedValue(json(404, { error: 'not_found', message: 'no job 42' }));
    expect(isNotFound(await fetchEventsSince(42, 3).catch((e: unknown) => e))).toBe(true);
  });
});
