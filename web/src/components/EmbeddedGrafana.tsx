import { grafanaDashboardUrl } from '../lib/config';

/**
 * The integration guide's EmbeddedGrafana: the job's Grafana dashboard (uid training-dashboard) in kiosk mode in an
 * iframe, from the Grafana URL the app configured (configureTrainwatch's `grafanaUrl`); nothing without one. Grafana
 * must allow embedding (GF_SECURITY_ALLOW_EMBEDDING=true) and the viewer must be able to see the dashboard.
 */
export function EmbeddedGrafana({ jobId, height = 600 }: { jobId: number; height?: number }) {
  const url = grafanaDashboardUrl(jobId);
  if (!url) return null;
  return <iframe title={`Grafana dashboard of job #${jobId}`} src={url} width="100%" height={height} style={{ border: 0 }} data-testid="embedded-grafana" />;
}
