// @trainwatch/react: the integration guide's hooks and components for other React apps (README.md, "In your own
// React app"). Call configureTrainwatch once, before the first render; the components' styles are in
// '@trainwatch/react/style.css' (built from components.css, the package's second entry in vite.lib.config.ts, so
// that its types import no stylesheet).
import { setConfig } from './lib/config';

export interface TrainwatchOptions {
  /** Where the functions' REST API answers, e.g. "https://trainwatch.example.org"; "" for the app's own origin. */
  apiUrl: string;
  /** Where the relay answers WebSockets (ws: or wss:); by default the app's own origin. */
  wsUrl?: string;
  /** Grafana's base URL, for EmbeddedGrafana; none by default. */
  grafanaUrl?: string;
  /**
   * The API token for each request and each socket's subscription: called every time, so a short-lived token can
   * be renewed; undefined for none (an API that needs none). Tokens are described in docs/protocol.md, "Tokens".
   */
  token: () => string | undefined | Promise<string | undefined>;
}

/** Points every hook and component at a Trainwatch: its API, its relay, its Grafana, and the app's token. */
export function configureTrainwatch({ apiUrl, wsUrl, grafanaUrl, token }: TrainwatchOptions): void {
  setConfig({ apiBaseUrl: apiUrl, wsBaseUrl: wsUrl, grafanaUrl: grafanaUrl ?? null, tokenProvider: token });
}

export { EmbeddedGrafana } from './components/EmbeddedGrafana';
export { TrainingMonitorPanel, type TrainingMonitorPanelProps } from './components/TrainingMonitorPanel';
export { useTrainingJob, type UseTrainingJobResult } from './hooks/useTrainingJob';
export { useTrainingMonitor, type UseTrainingMonitorOptions, type UseTrainingMonitorResult } from './hooks/useTrainingMonitor';
export type {
  AlertEvent,
  ConnectionState,
  JobDeletedEvent,
  JobStatus,
  LogEntry,
  LogEvent,
  MetricsEvent,
  MetricsUpdate,
  OtherEvent,
  PodEventEvent,
  ServerMessage,
  StatusChangeEvent,
  TrainingEvent,
  TrainingJob,
} from './lib/types';
