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
