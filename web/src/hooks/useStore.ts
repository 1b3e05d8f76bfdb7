import { useEffect, useState, useSyncExternalStore } from 'react';
import type { Store } from '../lib/store';

export function useStore<T>(store: Store<T>): T {
  return useSyncExternalStore(store.subscribe, store.get, store.get);
}

/** The current time, refreshed every `intervalMs` (for elapsed times and ETAs). */
export function useNow(intervalMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}

/**
 * A re-render trigger for data kept in mutable stores: `bump()` may be called on every event, the component
 * re-renders at most once per animation frame.
 */
export function useFrameTick(): [number, () => void] {
  const [tick, setTick] = useState(0);
  const [bump] = useState(() => {
    let scheduled = false;
    return () => {
      if (scheduled) return;
      scheduled = true;
      const run = () => {
        scheduled = false;
        setTick((t) => t + 1);
      };
      if (typeof requestAnimationFrame === 'function' && !document.hidden) requestAnimationFrame(run);
      else setTimeout(run, 100);
    };
  });
  return [tick, bump];
}
