// Runtime configuration: fetched from /config.json on the UI's own origin at start, never baked into the bundle.

export interface AppConfig {
  /** Where the functions answer; "" means this origin. */
  apiBaseUrl: string;
  /** Grafana's base URL, or null when there is none to link to. */
  grafanaUrl: string | null;
  /** Where the relay answers WebSockets (ws: or wss: URL); absent means this origin. */
  wsBaseUrl?: string;
  /** An API token the operator hands every visitor (./trainwatch up does, for development); usually absent. */
  apiToken?: string;
  /**
   * Where an app that embeds the components gets its API token for each request (its own login, say): answers the
   * token, or undefined for none. Set by `configureTrainwatch`; the product's own UI has none.
   */
  tokenProvider?: () => string | undefined | Promise<string | undefined>;
}

let config: AppConfig = { apiBaseUrl: '', grafanaUrl: null };

export function getConfig(): AppConfig {
  return config;
}

export function setConfig(next: Partial<AppConfig>): void {
  config = { ...config, ...next };
  config.apiBaseUrl = config.apiBaseUrl.replace(/\/+$/, '');
  if (config.grafanaUrl) config.grafanaUrl = config.grafanaUrl.replace(/\/+$/, '');
}

export async function loadConfig(url = '/config.json'): Promise<AppConfig> {
  const response = await fetch(url, { cache: 'no-store' });
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  const loaded = (await response.json()) as Partial<AppConfig>;
  setConfig({
    apiBaseUrl: typeof loaded.apiBaseUrl === 'string' ? loaded.apiBaseUrl : '',
    grafanaUrl: typeof loaded.grafanaUrl === 'string' && loaded.grafanaUrl ? loaded.grafanaUrl : null,
    ...(typeof loaded.wsBaseUrl === 'string' && loaded.wsBaseUrl ? { wsBaseUrl: loaded.wsBaseUrl } : {}),
    ...(typeof loaded.apiToken === 'string' && loaded.apiToken ? { apiToken: loaded.apiToken } : {}),
  });
  return config;
}

export function grafanaDashboardUrl(jobId: number): string | null {
  return config.grafanaUrl ? `${config.grafanaUrl}/d/training-dashboard?var-job_id=${jobId}&kiosk` : null;
}

/** What one socket follows: a job, or a session of a project (sessions are per project; none: the token's own). */
export type MonitorTarget = { jobId: number } | { sessionId: number; project?: string };

export function socketUrl(target: MonitorTarget): string {
  const base = config.wsBaseUrl ?? `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}`;
  const query = 'jobId' in target ? `job_id=${target.jobId}` : `session_id=${target.sessionId}`;
  return `${base.replace(/\/+$/, '')}/api/v1/ws/training?${query}`;
}
