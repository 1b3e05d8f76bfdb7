import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { isFinalStatus, isTrainingEvent, laterStatus, metricValue, parseEvent, parseMessage } from '../src/lib/protocol';

describe('parseMessage', () => {
  it('reads the control messages', () => {
    expect(parseMessage('{"type":"connected","message":"Connected to training monitoring","timestamp":"t"}')).toEqual({
      type: 'connected',
      message: 'Connected to training monitoring',
      timestamp: 't',
    });
    expect(parseMessage('{"type":"pong"}')).toEqual({ type: 'pong' });
    expect(parseMessage('{"type":"error","message":"bad frame"}')).toEqual({ type: 'error', message: 'bad frame' });
  });

  it('reads a metrics event, turning the non-finite strings into numbers', () => {
    const message = parseMessage(
      JSON.stringify({
        type: 'training_metrics',
        job_id: 42,
        seq: 7,
        metrics: { epoch: 3, step: 1200, metrics: { loss: 'NaN', accuracy: 0.87, grad: 'Infinity', low: '-Infinity' }, timestamp: 'ts' },
      }),
    );
    expect(message?.type).toBe('training_metrics');
    if (message?.type !== 'training_metrics') return;
    expect(message.job_id).toBe(42);
    expect(message.seq).toBe(7);
    expect(message.metrics.epoch).toBe(3);
    expect(message.metrics.step).toBe(1200);
    expect(message.metrics.metrics.loss).toBeNaN();
    expect(message.metrics.metrics.grad).toBe(Infinity);
    expect(message.metrics.metrics.low).toBe(-Infinity);
    // The top-level `metrics.loss` works too.
    expect(message.metrics.accuracy).toBe(0.87);
  });

  it('leaves step out when the trainer gave none', () => {
    const message = parseMessage('{"type":"training_metrics","job_id":1,"seq":1,"metrics":{"epoch":0,"metrics":{"loss":1},"timestamp":"t"}}');
    expect(message?.type === 'training_metrics' && 'step' in message.metrics).toBe(false);
  });

  it('reads status changes with and without reason and message', () => {
    const plain = parseMessage('{"type":"training_status_change","job_id":2,"seq":1,"old_status":"pending","new_status":"running","timestamp":"t"}');
    expect(plain).toEqual({ type: 'training_status_change', job_id: 2, seq: 1, old_status: 'pending', new_status: 'running', timestamp: 't' });
    const failed = parseMessage(
      '{"type":"training_status_change","job_id":2,"seq":9,"old_status":"running","new_status":"failed","timestamp":"t","reason":"OOMKilled","message":"give the job more memory"}',
    );
    expect(failed).toMatchObject({ reason: 'OOMKilled', message: 'give the job more memory', new_status: 'failed' });
  });

  it('reads a log event', () => {
    expect(parseMessage('{"type":"training_log","job_id":2,"seq":3,"log":{"message":"Epoch 1/3","level":"INFO","timestamp":"t"}}')).toEqual({
      type: 'training_log',
      job_id: 2,
      seq: 3,
      log: { message: 'Epoch 1/3', level: 'INFO', timestamp: 't' },
    });
  });

  it('reads a job deletion, from the socket and from GET /events', () => {
    const text = '{"type":"training_job_deleted","job_id":42,"seq":10,"timestamp":"2026-11-28T10:00:00Z"}';
    const expected = { type: 'training_job_deleted', job_id: 42, seq: 10, timestamp: '2026-11-28T10:00:00Z' };
    expect(parseMessage(text)).toEqual(expected);
    expect(parseEvent(JSON.parse(text))).toEqual(expected);
    expect(isTrainingEvent(parseMessage(text)!)).toBe(true);
    expect(isTrainingEvent({ type: 'pong' })).toBe(false);
    // It carries a seq like every event: without one it cannot be ordered, so it is refused.
    expect(parseMessage('{"type":"training_job_deleted","job_id":42,"timestamp":"t"}')).toBeNull();
  });

  it('refuses what it cannot trust', () => {
    expect(parseMessage('not json')).toBeNull();
    expect(parseMessage('[1,2]')).toBeNull();
    expect(parseMessage('{"type":"something_new"}')).toBeNull();
    expect(parseMessage('{"type":"training_log","job_id":2,"log":{"message":"no seq"}}')).toBeNull();
    expect(parseMessage('{"type":"training_log","job_id":2,"seq":-1,"log":{}}')).toBeNull();
    expect(parseMessage('{"type":"training_metrics","job_id":2,"seq":1}')).toBeNull();
    expect(parseEvent({ type: 'training_status_change', job_id: 1, seq: 1, new_status: 'exploded' })).toBeNull();
  });
});

describe('status helpers', () => {
  it('knows final states and keeps the later of two views', () => {
    expect(isFinalStatus('completed')).toBe(true);
    expect(isFinalStatus('running')).toBe(false);
    expect(laterStatus('running', 'pending')).toBe('running');
    expect(laterStatus('running', 'failed')).toBe('failed');
    expect(laterStatus('completed', 'running')).toBe('completed');
  });

  it('reads metric values either way', () => {
    expect(metricValue(0.5)).toBe(0.5);
    expect(metricValue('NaN')).toBeNaN();
    expect(metricValue('-Infinity')).toBe(-Infinity);
  });
});

describe('the golden examples (docs/examples)', () => {
  const dir = new URL('../../docs/examples/', import.meta.url);
  const read = (name: string) => readFileSync(new URL(name, dir), 'utf8');
  const names = readdirSync(dir);

  it('parses every event example as its own type, with its job and seq', () => {
    const events = names.filter((n) => n.startsWith('event-'));
    expect(events.length).toBeGreaterThan(3);
    for (const name of events) {
      const raw = JSON.parse(read(name));
      const event = parseMessage(read(name));
      expect(event, name).not.toBeNull();
      expect(event && isTrainingEvent(event) ? [event.type, event.job_id, event.seq] : null, name).toEqual([
        raw.type,
        raw.job_id,
        raw.seq,
      ]);
    }
  });

  it('parses the relay frames it acts on', () => {
    expect(parseMessage(read('relay-connected.json'))?.type).toBe('connected');
    expect(parseMessage(read('relay-pong.json'))).toEqual({ type: 'pong' });
    expect(parseMessage(read('relay-error.json'))?.type).toBe('error');
  });
});
