import type { JobStatus } from '../lib/types';

export function StatusBadge({ status }: { status: JobStatus }) {
  return (
    <span className={`badge badge-${status}`} data-testid="status-badge" data-status={status}>
      {status}
    </span>
  );
}
