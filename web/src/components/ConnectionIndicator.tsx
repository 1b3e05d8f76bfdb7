import { useStore } from '../hooks/useStore';
import { overallConnection } from '../lib/connections';

const LABELS = { idle: 'idle', connecting: 'connecting', live: 'live', reconnecting: 'reconnecting', offline: 'offline' };
const TITLES = {
  idle: 'Nothing on this page is followed live',
  connecting: 'Connecting to the relay',
  live: 'Following live',
  reconnecting: 'The connection dropped; reconnecting (missed events are fetched on return)',
  offline: 'Offline: no connection to the relay',
};

export function ConnectionIndicator() {
  const state = useStore(overallConnection);
  return (
    <span className={`connection connection-${state}`} title={TITLES[state]} data-testid="connection" data-state={state}>
      <span className="dot" />
      {LABELS[state]}
    </span>
  );
}
