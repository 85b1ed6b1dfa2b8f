/** Sluice's Prometheus endpoint, GET /_sluice/metrics: CloudWatch's metrics as cumulative counters, as any scraper sees them. */
import { AwsApiError, send } from './http.js';

export const METRICS_PATH = '/_sluice/metrics';

export async function scrapeMetrics(): Promise<string> {
  const res = await send(METRICS_PATH, { method: 'GET', headers: { accept: 'text/plain' } });
  if (res.status !== 200) throw new AwsApiError(`HTTP ${res.status}`, `${METRICS_PATH} answered ${res.status}: ${res.text.slice(0, 200)}`, res.status);
  return res.text;
}
