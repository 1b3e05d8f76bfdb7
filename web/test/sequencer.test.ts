import { describe, expect, it, vi } from 'vitest';
import { classify, EventOrderer } from '../src/lib/sequencer';
import type { TrainingEvent } from '../src/lib/types';

const log = (seq: number, jobId = 1): TrainingEvent => ({
  type: 'training_log',
  job_id: jobId,
  seq,
  log: { message: `line ${seq}`, level: 'INFO', timestamp: '' },
});

function setup(history: TrainingEvent[] = [], fetchSince?: (jobId: number, since: number) => Promise<TrainingEvent[]>) {
  const delivered: string[] = [];
  const fetch = vi.fn(fetchSince ?? (async (jobId: number, since: number) => history.filter((e) => e.job_id === jobId && e.seq > since)));
  const orderer = new EventOrderer({
    fetchSince: fetch,
    deliver: (e) => delivered.push(`${e.job_id}:${e.seq}`),
    retryDelaysMs: [1, 1],
  });
  return { orderer, delivered, fetch };
}

const deleted = (seq: number, jobId = 1): TrainingEvent => ({ type: 'training_job_deleted', job_id: jobId, seq, timestamp: 't' });

const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('classify', () => {
  it('tells next, duplicate and gap apart', () => {
    expect(classify(undefined, 17)).toBe('deliver');
    expect(classify(5, 6)).toBe('deliver');
    expect(classify(5, 5)).toBe('duplicate');
    expect(classify(5, 2)).toBe('duplicate');
    expect(classify(5, 7)).toBe('gap');
  });
});

describe('EventOrderer', () => {
  it('delivers in order and drops duplicates', () => {
    const { orderer, delivered, fetch } = setup();
    for (const seq of [1, 2, 2, 3, 1, 4]) orderer.receive(log(seq));
    expect(delivered).toEqual(['1:1', '1:2', '1:3', '1:4']);
    expect(fetch).not.toHaveBeenCalled();
  });

  it('fills a gap from the history, holding back live events meanwhile', async () => {
    const history = [1, 2, 3, 4, 5, 6].map((s) => log(s));
    const { orderer, delivered, fetch } = setup(history);
    orderer.receive(log(1));
    orderer.receive(log(4)); // 2 and 3 missed
    orderer.receive(log(5)); // arrives while the fill runs
    orderer.receive(log(4)); // a duplicate of a held event
    expect(delivered).toEqual(['1:1']);
    await settle();
    expect(fetch).toHaveBeenCalledWith(1, 1);
    expect(delivered).toEqual(['1:1', '1:2', '1:3', '1:4', '1:5', '1:6']);
    orderer.receive(log(6));
    orderer.receive(log(7));
    expect(delivered.slice(-1)).toEqual(['1:7']);
  });

  it('keeps jobs apart: a gap in one does not hold the other', async () => {
    let release!: (events: TrainingEvent[]) => void;
    const { orderer, delivered } = setup([], () => new Promise((resolve) => (release = resolve)));
    orderer.receive(log(1, 1));
    orderer.receive(log(3, 1));
    orderer.receive(log(10, 2));
    orderer.receive(log(11, 2));
    expect(delivered).toEqual(['1:1', '2:10', '2:11']);
    release([log(2, 1)]);
    await settle();
    expect(delivered).toEqual(['1:1', '2:10', '2:11', '1:2', '1:3']);
  });

  it('starts after a baseline and catches up from it', async () => {
    const history = [1, 2, 3, 4, 5].map((s) => log(s));
    const { orderer, delivered, fetch } = setup(history);
    orderer.setBaseline(1, 3);
    orderer.receive(log(2));
    expect(delivered).toEqual([]);
    await orderer.catchUp();
    expect(fetch).toHaveBeenCalledWith(1, 3);
    expect(delivered).toEqual(['1:4', '1:5']);
  });

  it('retries a failed fill, then gives up and delivers what it holds', async () => {
    const onFillError = vi.fn();
    const delivered: number[] = [];
    const orderer = new EventOrderer({
      fetchSince: async () => {
        throw new Error('down');
      },
      deliver: (e) => delivered.push(e.seq),
      onFillError,
      retryDelaysMs: [1, 1],
    });
    orderer.receive(log(1));
    orderer.receive(log(5));
    await settle();
    await settle();
    expect(onFillError).toHaveBeenCalled();
    expect(delivered).toEqual([1, 5]);
    expect(orderer.idle).toBe(true);
  });

  it('delivers nothing once closed', async () => {
    const { orderer, delivered } = setup([log(2)]);
    orderer.receive(log(1));
    orderer.receive(log(3));
    orderer.close();
    await settle();
    orderer.receive(log(4));
    expect(delivered).toEqual(['1:1']);
  });
});

describe('EventOrderer and deleted jobs', () => {
  const notFound = Object.assign(new Error('no such job'), { status: 404 });
  const isGone = (error: unknown) => (error as { status?: number }).status === 404;

  it('delivers a deletion in order, then nothing more of the job and no fill', async () => {
    const { orderer, delivered, fetch } = setup();
    orderer.receive(log(1));
    orderer.receive(log(2));
    orderer.receive(deleted(3));
    orderer.receive(deleted(3)); // a retried delete sends it again
    orderer.receive(log(4));
    expect(delivered).toEqual(['1:1', '1:2', '1:3']);
    expect(orderer.ended(1)).toBe(true);
    await orderer.catchUp(); // a reconnection: the deleted job's GET /events would answer 404
    await settle();
    expect(fetch).not.toHaveBeenCalled();
  });

  it('delivers a deletion after a gap at once: the history that would fill it is gone', async () => {
    const { orderer, delivered, fetch } = setup();
    orderer.setBaseline(1, 4);
    orderer.receive(deleted(9));
    expect(delivered).toEqual(['1:9']);
    await settle();
    expect(fetch).not.toHaveBeenCalled();
  });

  it('a deletion that arrives during a fill is delivered when the fill answers 404', async () => {
    let reject!: (error: unknown) => void;
    const onGone = vi.fn();
    const delivered: number[] = [];
    const fetch = vi.fn(() => new Promise<TrainingEvent[]>((_resolve, no) => (reject = no)));
    const orderer = new EventOrderer({ fetchSince: fetch, deliver: (e) => delivered.push(e.seq), isGone, onGone, retryDelaysMs: [1, 1] });
    orderer.receive(log(1));
    orderer.receive(log(3)); // a gap: the fill starts
    orderer.receive(deleted(4)); // meanwhile the job is deleted
    reject(notFound);
    await settle();
    expect(delivered).toEqual([1, 3, 4]);
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(onGone).not.toHaveBeenCalled(); // the deletion itself told it
    expect(orderer.idle).toBe(true);
  });

  it('takes a 404 from GET /events as the job gone: no retry, no later fill', async () => {
    const onGone = vi.fn();
    const onFillError = vi.fn();
    const delivered: number[] = [];
    const fetch = vi.fn(async () => {
      throw notFound;
    });
    const orderer = new EventOrderer({ fetchSince: fetch, deliver: (e) => delivered.push(e.seq), isGone, onGone, onFillError, retryDelaysMs: [1, 1] });
    orderer.setBaseline(1, 2);
    await orderer.catchUp();
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(onGone).toHaveBeenCalledWith(1, notFound);
    expect(onFillError).not.toHaveBeenCalled();
    expect(orderer.ended(1)).toBe(true);
    orderer.receive(log(3));
    orderer.receive(log(5));
    await orderer.catchUp();
    await settle();
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(delivered).toEqual([]);
  });

  it('keeps following the other jobs of a session', async () => {
    const history = [log(1, 2), log(2, 2), log(3, 2)];
    const { orderer, delivered, fetch } = setup(history);
    orderer.receive(log(1, 1));
    orderer.receive(deleted(2, 1));
    orderer.receive(log(1, 2));
    await orderer.catchUp();
    expect(fetch.mock.calls).toEqual([[2, 1]]);
    expect(delivered).toEqual(['1:1', '1:2', '2:1', '2:2', '2:3']);
  });
});
