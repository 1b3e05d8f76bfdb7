import { useState, type FormEvent } from 'react';
import { submitJob } from '../lib/api';
import type { ExecutorType, NewJobRequest, TrainingJob } from '../lib/types';

/** Builds the POST /jobs body from the form's fields; throws with a message for a field that cannot be sent. */
export function jobRequestFromForm(fields: Record<string, string>): NewJobRequest {
  const positive = (name: string) => {
    const value = Number(fields[name]);
    if (!Number.isInteger(value) || value < 1) throw new Error(`${name.replace('_', ' ')} must be a whole number of at least 1`);
    return value;
  };
  const request: NewJobRequest = {
    model_name: fields.model_name.trim(),
    framework: fields.framework.trim(),
    dataset_path: fields.dataset_path.trim(),
    num_epochs: positive('num_epochs'),
    batch_size: positive('batch_size'),
    executor_type: fields.executor_type as ExecutorType,
  };
  if (fields.session_id.trim()) request.session_id = positive('session_id');
  const command = fields.command.trim().split(/\s+/).filter(Boolean);
  if (command.length > 0) request.command = command;
  return request;
}

const INITIAL = {
  model_name: 'demo',
  framework: 'python',
  dataset_path: 'generated',
  num_epochs: '3',
  batch_size: '32',
  executor_type: 'local',
  session_id: '',
  command: '',
};

export function SubmitJobForm({ onSubmitted }: { onSubmitted: (job: TrainingJob) => void }) {
  const [fields, setFields] = useState<Record<string, string>>(INITIAL);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const field = (name: keyof typeof INITIAL) => ({
    name,
    id: `job-${name}`,
    value: fields[name],
    onChange: (e: { target: { value: string } }) => setFields((f) => ({ ...f, [name]: e.target.value })),
  });

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    setBusy(true);
    try {
      onSubmitted(await submitJob(jobRequestFromForm(fields)));
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="card submit-form" onSubmit={submit} data-testid="submit-form">
      <h2>New job</h2>
      <label htmlFor="job-model_name">Model</label>
      <input {...field('model_name')} required />
      <label htmlFor="job-framework">Framework</label>
      <input {...field('framework')} required />
      <label htmlFor="job-dataset_path">Dataset path</label>
      <input {...field('dataset_path')} required />
      <div className="row">
        <div>
          <label htmlFor="job-num_epochs">Epochs</label>
          <input {...field('num_epochs')} type="number" min={1} required />
        </div>
        <div>
          <label htmlFor="job-batch_size">Batch size</label>
          <input {...field('batch_size')} type="number" min={1} required />
        </div>
      </div>
      <div className="row">
        <div>
          <label htmlFor="job-executor_type">Executor</label>
          <select {...field('executor_type')}>
            <option value="local">local</option>
            <option value="kubernetes">kubernetes</option>
          </select>
        </div>
        <div>
          <label htmlFor="job-session_id">Session (optional)</label>
          <input {...field('session_id')} type="number" min={1} />
        </div>
      </div>
      <label htmlFor="job-command">Command (optional, split on spaces)</label>
      <input {...field('command')} placeholder="python3 examples/demo_train.py --epochs 3" />
      {error && <p className="error">{error}</p>}
      <button type="submit" disabled={busy}>
        {busy ? 'Submitting…' : 'Submit job'}
      </button>
    </form>
  );
}
