import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { inFrame } from '../src/lib/frames';

// A clock the tasks move: a task "takes" ms by moving it. Frames are the queue's 16 ms timers (no
// requestAnimationFrame here), stepped one at a time.
let now = 0;
const takes = (ms: number) => {
  now += ms;
};
const frame = () => vi.advanceTimersByTime(16);

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout'] });
  vi.spyOn(performance, 'now').mockImplementation(() => now);
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('the frame queue', () => {
  it('runs tasks in order, as many a frame as fit in its budget, the rest in later frames', () => {
    const ran: string[] = [];
    inFrame(() => (takes(12), ran.push('a')));
    inFrame(() => (takes(5), ran.push('b')));
    inFrame(() => (takes(5), ran.push('c')));
    inFrame(() => (takes(1), ran.push('d')));
    expect(ran).toEqual([]); // nothing runs at once
    frame();
    expect(ran).toEqual(['a']); // a took the whole budget (8 ms)
    frame();
    expect(ran).toEqual(['a', 'b', 'c']); // b, then c, which ends over the budget
    frame();
    expect(ran).toEqual(['a', 'b', 'c', 'd']);
  });

  it('takes back a task that has not run', () => {
    const ran: string[] = [];
    const cancel = inFrame(() => ran.push('never'));
    inFrame(() => ran.push('kept'));
    cancel();
    frame();
    expect(ran).toEqual(['kept']);
  });
});
