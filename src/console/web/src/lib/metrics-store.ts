/**
 * The console's scrapes of /_sluice/metrics, shared by every Monitoring tab: it polls every
 * POLL_MS while at least one tab is open and keeps the last KEEP scrapes in memory (30 minutes),
 * so switching tabs or pages keeps the history. Only the CloudWatch families are kept, without
 * histogram buckets (the charts need only _sum and _count).
 */
import { useCallback, useEffect, useState } from 'preact/hooks';
import { errorMessage } from '../clients/http.js';
import { scrapeMetrics } from '../clients/metrics.js';
import { snapshotOf, type Snapshot } from './metric-series.js';
import { parsePrometheusText } from './prometheus.js';

export const POLL_MS = 5000;
const KEEP = 360;

let snapshots: readonly Snapshot[] = [];
let lastError: string | undefined;
let skippedLines = 0;
let timer: ReturnType<typeof setTimeout> | undefined;
let running: Promise<void> | undefined;
const listeners = new Set<() => void>();

const wanted = (name: string): boolean => (name.startsWith('kinesis_') || name.startsWith('apigateway_')) && !name.endsWith('_bucket');

function notify(): void {
  listeners.forEach((l) => l());
}

function scrape(): Promise<void> {
  running ??= (async () => {
    try {
      const parsed = parsePrometheusText(await scrapeMetrics());
      snapshots = [...snapshots, snapshotOf(Date.now(), parsed.samples.filter((s) => wanted(s.name)))].slice(-KEEP);
      skippedLines = parsed.skipped;
      lastError = undefined;
    } catch (e) {
      lastError = errorMessage(e);
    } finally {
      running = undefined;
      notify();
    }
  })();
  return running;
}

/** Scrapes now, then every POLL_MS while anyone listens. */
async function loop(): Promise<void> {
  await scrape();
  // Cleared here, after the await, so that a refresh during a scheduled poll leaves one timer, not two.
  clearTimeout(timer);
  if (listeners.size > 0) timer = setTimeout(() => void loop(), POLL_MS);
}

export interface MetricsHistory {
  readonly snapshots: readonly Snapshot[];
  readonly error: string | undefined;
  /** Lines of the last scrape the parser could not read. */
  readonly skippedLines: number;
  /** Scrapes now instead of waiting for the next poll. */
  refresh(): Promise<void>;
}

export function useMetricsHistory(): MetricsHistory {
  const [, setVersion] = useState(0);
  useEffect(() => {
    const listener = (): void => setVersion((v) => v + 1);
    listeners.add(listener);
    if (listeners.size === 1) void loop();
    return () => {
      listeners.delete(listener);
      if (listeners.size === 0) clearTimeout(timer);
    };
  }, []);
  // A scrape already under way may have started before what the user wants to see: wait for it, then scrape afresh.
  const refresh = useCallback(async () => {
    if (running) await running;
    await loop();
  }, []);
  return { snapshots, error: lastError, skippedLines, refresh };
}
