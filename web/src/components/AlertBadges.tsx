import type { Marker } from '../lib/timeline';

/** A badge per alert firing now (the markers of the events that fired them): its rule and metric, its message on hover. */
export function AlertBadges({ firing }: { firing: Marker[] }) {
  return (
    <>
      {firing.map((m) => (
        <span key={m.seq} className="alert-badge" data-testid="alert-badge" title={m.alert!.message}>
          {m.alert!.rule}
          {m.alert!.metric ? ` ${m.alert!.metric}` : ''}
        </span>
      ))}
    </>
  );
}
