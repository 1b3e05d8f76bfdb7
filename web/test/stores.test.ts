import { describe, expect, it } from 'vitest';
import { jobRequestFromForm } from '../src/components/SubmitJobForm';
import { summarize } from '../src/lib/connections';
import { etaMs, formatValue, progressFraction } from '../src/lib/format';
import { filterLogs, LogBuffer } from '../src/lib/logs';
import { matchRoute } from '../src/lib/router';
import { JobSeries, metricDirection } from '../src/lib/series';

describe('JobSeries', () => {
  it('keeps one column pair per metric, ignores replays, tracks best and trend', () => {
    const series = new JobSeries();
    for (let seq = 1; seq <= 1000; seq++) series.add({ seq, epoch: 1, step: seq, metrics: { loss: 10 / seq, accuracy: seq / 1000 } });
    expect(series.add({ seq: 500, epoch: 1, step: 500, metrics: { loss: 99 } })).toBe(false);
    const loss = series.series.get('loss')!;
    expect(loss.length).toBe(1000);
    expect(loss.xs()[999]).toBe(1000);
    expect(loss.best).toBeCloseTo(0.01);
    expect(loss.trend()).toBe(-1);
    expect(series.series.get('accuracy')!.best).toBe(1);
    expect(series.usesStep).toBe(true);
  });

  it('uses the epoch as x when there is no step', () => {
    const series = new JobSeries();
    series.add({ seq: 1, epoch: 4, metrics: { loss: 1 } });
    expect(series.series.get('loss')!.xs()[0]).toBe(4);
    expect(series.usesStep).toBe(false);
  });

  it('gives per-epoch points of a per-step job their own line, at the step the epoch ended on', () => {
    const series = new JobSeries();
    for (let step = 1; step <= 20; step++) series.add({ seq: step, epoch: step <= 10 ? 1 : 2, step, metrics: { loss: 1 / step } });
    series.add({ seq: 21, epoch: 2, metrics: { loss: 0.07, val_loss: 0.09 } });
    expect(series.series.get('loss')!.length).toBe(20);
    const epochLine = series.series.get('loss (per epoch)')!;
    expect([epochLine.xs()[0], epochLine.ys[0], epochLine.direction]).toEqual([20, 0.07, 'min']);
    expect(series.series.get('val_loss (per epoch)')!.length).toBe(1);
  });

  it('guesses which way is better', () => {
    expect(metricDirection('val_loss')).toBe('min');
    expect(metricDirection('accuracy')).toBe('max');
    expect(metricDirection('lr')).toBeNull();
  });
});

describe('logs', () => {
  it('filters by level and text, and bounds the buffer', () => {
    const buffer = new LogBuffer(100);
    for (let seq = 1; seq <= 500; seq++) buffer.add({ seq, message: seq % 50 === 0 ? `Traceback ${seq}` : `step ${seq}`, level: seq % 50 === 0 ? 'ERROR' : 'INFO', timestamp: '' });
    expect(buffer.entries.length).toBeLessThanOrEqual(110);
    expect(buffer.entries.at(-1)!.seq).toBe(500);
    expect(filterLogs(buffer.entries, 'ERROR', '').every((e) => e.level === 'ERROR')).toBe(true);
    expect(filterLogs(buffer.entries, 'DEBUG', 'traceback 500').map((e) => e.seq)).toEqual([500]);
  });
});

describe('small helpers', () => {
  it('routes', () => {
    expect(matchRoute('/')).toEqual({ page: 'jobs' });
    expect(matchRoute('/training/42')).toEqual({ page: 'job', jobId: 42 });
    expect(matchRoute('/sessions/7/')).toEqual({ page: 'session', sessionId: 7 });
    expect(matchRoute('/nope')).toEqual({ page: 'not-found' });
  });

  it('builds the submit body from the form', () => {
    const body = jobRequestFromForm({
      model_name: ' demo ',
      framework: 'python',
      dataset_path: 'generated',
      num_epochs: '3',
      batch_size: '32',
      executor_type: 'local',
      session_id: '',
      command: 'python3  examples/demo_train.py --epochs 3',
    });
    expect(body).toEqual({
      model_name: 'demo',
      framework: 'python',
      dataset_path: 'generated',
      num_epochs: 3,
      batch_size: 32,
      executor_type: 'local',
      command: ['python3', 'examples/demo_train.py', '--epochs', '3'],
    });
    expect(() => jobRequestFromForm({ ...body, num_epochs: '0', batch_size: '1', session_id: '', command: '' } as never)).toThrow(/epochs/);
  });

  it('formats and estimates', () => {
    expect(formatValue(NaN)).toBe('NaN');
    expect(formatValue(0.123456)).toBe('0.12346');
    expect(progressFraction(2, 4, false)).toBe(0.5);
    expect(progressFraction(undefined, 4, true)).toBe(1);
    expect(etaMs(60_000, 0.25)).toBe(180_000);
    expect(etaMs(60_000, 0)).toBeNaN();
    expect(summarize(['live', 'reconnecting', 'live'])).toBe('reconnecting');
    expect(summarize([])).toBe('idle');
  });
});
