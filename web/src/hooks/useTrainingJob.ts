// useTrainingJob: one job from GET /jobs/{id}. `reload` fetches it again; `setJob` lets live events update it.
import { useCallback, useEffect, useState } from 'react';
import { getJob } from '../lib/api';
import type { TrainingJob } from '../lib/types';

export interface UseTrainingJobResult {
  job: TrainingJob | null;
  isLoading: boolean;
  error: Error | null;
  reload: () => Promise<TrainingJob | null>;
  setJob: (update: (job: TrainingJob) => TrainingJob) => void;
}

export function useTrainingJob(jobId: number): UseTrainingJobResult {
  const [job, setJobState] = useState<TrainingJob | null>(null);
  const [isLoading, setLoading] = useState(true);
  const [error, setError] = useState<Error | null>(null);

  const reload = useCallback(async () => {
    try {
      const fresh = await getJob(jobId);
      setJobState(fresh);
      setError(null);
      return fresh;
    } catch (e) {
      setError(e instanceof Error ? e : new Error(String(e)));
      return null;
    } finally {
      setLoading(false);
    }
  }, [jobId]);

  useEffect(() => {
    setJobState(null);
    setLoading(true);
    void reload();
  }, [reload]);

  const setJob = useCallback((update: (job: TrainingJob) => TrainingJob) => setJobState((j) => (j ? update(j) : j)), []);
  return { job, isLoading, error, reload, setJob };
}
