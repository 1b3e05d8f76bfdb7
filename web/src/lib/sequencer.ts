// Exactly-once, in-order delivery of a job's events, from a live feed that may repeat or skip (docs/protocol.md,
// "seq"): an event at or below the last delivered seq is a duplicate and dropped; one past last+1 reveals a gap,
// which is filled from the stored history (GET /events?since=last) before the held-back live events are delivered.
import type { TrainingEvent } from './types';

export type Verdict = 'deliver' | 'duplicate' | 'gap';

/** What to do with event `seq` of a job whose last delivered event is `last` (undefined: nothing seen yet). */
export function classify(last: number | undefined, seq: number): Verdict {
  if (last === undefined || seq === last + 1) return 'deliver';
  return seq <= last ? 'duplicate' : 'gap';
}

export interface OrdererOptions {
  /** Every stored event of the job after `since`, oldest first (all pages). */
  fetchSince: (jobId: number, since: number) => Promise<TrainingEvent[]>;
  deliver: (event: TrainingEvent) => void;
  /** A fill failed for good; the held-back events were delivered anyway, leaving a gap. */
  onFillError?: (jobId: number, error: unknown) => void;
  /** Delays between fill attempts (ms); after the last one the fill gives up. */
  retryDelaysMs?: number[];
  sleep?: (ms: number) => Promise<void>;
}

interface JobState {
  last: number;
  filling: boolean;
  /** Another fill was asked for while one ran (a reconnect during a fill). */
  again: boolean;
  held: TrainingEvent[];
}

export class EventOrderer {
  private readonly jobs = new Map<number, JobState>();
  private closed = false;
  private readonly retryDelaysMs: number[];
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: OrdererOptions) {
    this.retryDelaysMs = options.retryDelaysMs ?? [500, 1000, 2000, 4000];
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** The caller already has every event of the job up to `seq` (from REST history): deliver only later ones. */
  setBaseline(jobId: number, seq: number): void {
    const state = this.jobs.get(jobId);
    if (!state) this.jobs.set(jobId, { last: seq, filling: false, again: false, held: [] });
    else if (seq > state.last) state.last = seq;
  }

  lastSeq(jobId: number): number | undefined {
    return this.jobs.get(jobId)?.last;
  }

  /** A live event. */
  receive(event: TrainingEvent): void {
    if (this.closed) return;
    const state = this.jobs.get(event.job_id);
    if (!state) {
      // The first event of a job not followed before: it starts the sequence (earlier ones come from REST).
      this.jobs.set(event.job_id, { last: event.seq, filling: false, again: false, held: [] });
      this.options.deliver(event);
      return;
    }
    if (state.filling) {
      if (event.seq > state.last) state.held.push(event);
      return;
    }
    switch (classify(state.last, event.seq)) {
      case 'deliver':
        state.last = event.seq;
        this.options.deliver(event);
        return;
      case 'duplicate':
        return;
      case 'gap':
        state.held.push(event);
        void this.fill(event.job_id, state);
    }
  }

  /** After a (re)connection: fetch what every followed job missed meanwhile. */
  catchUp(): Promise<void> {
    const fills: Promise<void>[] = [];
    for (const [jobId, state] of this.jobs) {
      if (state.filling) state.again = true;
      else fills.push(this.fill(jobId, state));
    }
    return Promise.all(fills).then(() => undefined);
  }

  /** True when no fill is running. */
  get idle(): boolean {
    for (const state of this.jobs.values()) if (state.filling) return false;
    return true;
  }

  close(): void {
    this.closed = true;
  }

  private async fill(jobId: number, state: JobState): Promise<void> {
    state.filling = true;
    let fruitless = 0;
    for (;;) {
      state.again = false;
      const before = state.last;
      const missed = await this.fetchWithRetry(jobId, state.last);
      if (missed === null) return; // closed
      this.deliverInOrder(state, missed);
      // Then what arrived live meanwhile, as far as it continues the sequence.
      state.held.sort((a, b) => a.seq - b.seq);
      while (state.held.length > 0 && state.held[0].seq <= state.last + 1) {
        this.deliverInOrder(state, [state.held.shift()!]);
      }
      if (state.again) continue;
      if (state.held.length === 0) break;
      // Still a hole before the held events: ask again, but do not wait forever for what the history lacks.
      if (state.last === before && ++fruitless >= 2) {
        this.deliverInOrder(state, state.held.splice(0));
        break;
      }
    }
    state.filling = false;
  }

  /** The missed events, [] when every attempt failed, or null when the orderer was closed meanwhile. */
  private async fetchWithRetry(jobId: number, since: number): Promise<TrainingEvent[] | null> {
    for (let attempt = 0; ; attempt++) {
      try {
        const events = await this.options.fetchSince(jobId, since);
        return this.closed ? null : events;
      } catch (error) {
        if (this.closed) return null;
        if (attempt >= this.retryDelaysMs.length) {
          this.options.onFillError?.(jobId, error);
          return [];
        }
        await this.sleep(this.retryDelaysMs[attempt]);
      }
    }
  }

  private deliverInOrder(state: JobState, events: TrainingEvent[]): void {
    const sorted = [...events].sort((a, b) => a.seq - b.seq);
    for (const event of sorted) {
      if (event.seq <= state.last) continue;
      state.last = event.seq;
      this.options.deliver(event);
    }
  }
}
