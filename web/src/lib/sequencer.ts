// Exactly-once, in-order delivery of a job's events, from a live feed that may repeat or skip (docs/protocol.md,
// "seq"): an event at or below the last delivered seq is a duplicate and dropped; one past last+1 reveals a gap,
// which is filled from the stored history (GET /events?since=last) before the held-back live events are delivered.
// A job's training_job_deleted is its last event and its history goes with it: it is delivered at once (never
// waiting for a fill that would answer 404), and the job is then ended: nothing more is delivered or fetched for it.
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
  /**
   * Whether a fill's error says the job is gone (GET /events answered 404: deleted, or never visible to this
   * token). Such an error is not retried: the job is ended and `onGone` called.
   */
  isGone?: (error: unknown) => boolean;
  /** A job ended because its history answered as gone (see `isGone`), without its training_job_deleted. */
  onGone?: (jobId: number, error: unknown) => void;
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
  /** Deleted or gone: nothing more is delivered or fetched for the job. */
  ended: boolean;
}

const newState = (last: number): JobState => ({ last, filling: false, again: false, held: [], ended: false });

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
    if (!state) this.jobs.set(jobId, newState(seq));
    else if (seq > state.last) state.last = seq;
  }

  lastSeq(jobId: number): number | undefined {
    return this.jobs.get(jobId)?.last;
  }

  /** Whether the job was deleted (its training_job_deleted delivered) or its history answered as gone. */
  ended(jobId: number): boolean {
    return this.jobs.get(jobId)?.ended ?? false;
  }

  /** A live event. */
  receive(event: TrainingEvent): void {
    if (this.closed) return;
    const state = this.jobs.get(event.job_id);
    if (!state) {
      // The first event of a job not followed before: it starts the sequence (earlier ones come from REST).
      const fresh = newState(event.seq - 1);
      this.jobs.set(event.job_id, fresh);
      this.deliverInOrder(fresh, [event]);
      return;
    }
    if (state.ended) return;
    if (event.type === 'training_job_deleted' && !state.filling) {
      // The last event, and the history is gone with the job: a gap before it can no longer be filled (GET /events
      // answers 404), so it is delivered at once. (During a fill it is held like any other: the fill, or its 404,
      // delivers it.)
      this.deliverInOrder(state, [event]);
      return;
    }
    if (state.filling) {
      if (event.seq > state.last) state.held.push(event);
      return;
    }
    switch (classify(state.last, event.seq)) {
      case 'deliver':
        this.deliverInOrder(state, [event]);
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
      if (state.ended) continue;
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
      const missed = await this.fetchWithRetry(jobId, state);
      if (missed === null) return; // closed
      if (state.ended) break; // deleted meanwhile, or gone
      this.deliverInOrder(state, missed);
      if (state.ended) break; // the history ended with the deletion
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

  /**
   * The missed events; [] when every attempt failed or the job ended (deleted meanwhile, or its history answered
   * as gone); null when the orderer was closed meanwhile.
   */
  private async fetchWithRetry(jobId: number, state: JobState): Promise<TrainingEvent[] | null> {
    const since = state.last;
    for (let attempt = 0; ; attempt++) {
      try {
        const events = await this.options.fetchSince(jobId, since);
        return this.closed ? null : events;
      } catch (error) {
        if (this.closed) return null;
        if (state.ended) return [];
        if (this.options.isGone?.(error)) {
          if (state.held.some((e) => e.type === 'training_job_deleted')) {
            this.deliverInOrder(state, state.held.splice(0)); // the history is gone because the job was deleted
          } else {
            state.ended = true;
            state.held = [];
            this.options.onGone?.(jobId, error);
          }
          return [];
        }
        if (attempt >= this.retryDelaysMs.length) {
          this.options.onFillError?.(jobId, error);
          return [];
        }
        await this.sleep(this.retryDelaysMs[attempt]);
        if (this.closed) return null;
        if (state.ended) return [];
      }
    }
  }

  private deliverInOrder(state: JobState, events: TrainingEvent[]): void {
    const sorted = [...events].sort((a, b) => a.seq - b.seq);
    for (const event of sorted) {
      if (state.ended || this.closed) return;
      if (event.seq <= state.last) continue;
      state.last = event.seq;
      if (event.type === 'training_job_deleted') {
        state.ended = true;
        state.held = [];
      }
      this.options.deliver(event);
    }
  }
}
