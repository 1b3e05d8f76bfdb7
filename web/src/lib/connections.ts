// The state of every open monitor socket on the page, summed up for the connection indicator.
import { Store } from './store';
import type { ConnectionState } from './types';

/** `closed` sockets (their job was deleted) are not counted: nothing is wrong with the connection. */
export type OverallState = Exclude<ConnectionState, 'closed'> | 'idle';

const sockets = new Map<symbol, ConnectionState>();
export const overallConnection = new Store<OverallState>('idle');

/** The worst state wins: one socket offline makes the page offline, one reconnecting makes it reconnecting. */
export function summarize(states: Iterable<ConnectionState>): OverallState {
  let result: OverallState = 'idle';
  const order: OverallState[] = ['idle', 'live', 'connecting', 'reconnecting', 'offline'];
  for (const state of states) if (state !== 'closed' && order.indexOf(state) > order.indexOf(result)) result = state;
  return result;
}

export function reportConnection(id: symbol, state: ConnectionState | null): void {
  if (state === null || state === 'closed') sockets.delete(id);
  else sockets.set(id, state);
  overallConnection.set(summarize(sockets.values()));
}
