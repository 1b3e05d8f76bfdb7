export function ProgressBar({ fraction, label, compact = false }: { fraction: number; label?: string; compact?: boolean }) {
  const percent = Math.round(fraction * 1000) / 10;
  return (
    <div className={compact ? 'progress compact' : 'progress'} role="progressbar" aria-valuenow={percent} aria-valuemin={0} aria-valuemax={100}>
      <div className="progress-fill" style={{ width: `${percent}%` }} />
      {label !== undefined && <span className="progress-label">{label}</span>}
    </div>
  );
}
