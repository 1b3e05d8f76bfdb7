// The API token the UI sends (Authorization: Bearer): the embedding app's (its token provider), else one the user
// handed this UI, else the operator's from /config.json.
// A user hands one over with a link ending in #token=... (./trainwatch token prints such links); the fragment never
// reaches a server or its logs, and is removed from the address bar at once.
import { getConfig } from './config';

const KEY = 'trainwatch.token';

export async function apiToken(): Promise<string | undefined> {
  const provider = getConfig().tokenProvider;
  if (provider) return provider();
  try {
    return localStorage.getItem(KEY) ?? getConfig().apiToken;
  } catch {
    return getConfig().apiToken; // storage disabled
  }
}

/** Keeps a token given as #token=... in the page's address, and takes it out of the address. */
export function adoptTokenFromAddress(): void {
  const match = /^#token=(.+)$/.exec(window.location.hash);
  if (!match) return;
  try {
    localStorage.setItem(KEY, decodeURIComponent(match[1]));
  } catch {
    /* storage disabled: the operator's token, if any, still applies */
  }
  history.replaceState(null, '', window.location.pathname + window.location.search);
}
