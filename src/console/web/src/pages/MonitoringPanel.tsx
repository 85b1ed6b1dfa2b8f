/**
 * The Monitoring tab of a stream or a stage: a chart per CloudWatch metric, computed in the
 * browser from scrapes of GET /_sluice/metrics (cumulative counters) — each point is the Sum,
 * Average or Maximum over a period, as CloudWatch would chart it.
 */
import { useState } from 'preact/hooks';
import { Notice } from '../components/Alert.js';
import { Field } from '../components/Field.js';
import { LineChart } from '../components/LineChart.js';
import { formatBytes } from '../lib/format.js';
import type { ChartSpec, MetricUnit } from '../lib/metric-catalog.js';
import { latestTotal, series } from '../lib/metric-series.js';
import { POLL_MS, useMetricsHistory } from '../lib/metrics-store.js';

const PERIODS = [
  { ms: 0, label: `${POLL_MS / 1000} seconds (each scrape)` },
  { ms: 60_000, label: '1 minute' },
  { ms: 300_000, label: '5 minutes' },
] as const;

/** The shortest time range the charts show. */
const WINDOW_MS = 5 * 60_000;

export function formatMetric(unit: MetricUnit): (n: number) => string {
  if (unit === 'Bytes') return (n) => formatBytes(Math.round(n));
  if (unit === 'Milliseconds') return (n) => `${n >= 100 ? n.toFixed(0) : n.toFixed(1)} ms`;
  return (n) => (Number.isInteger(n) ? String(n) : n.toFixed(2));
}

export function MonitoringPanel({ charts, labels, scope }: { charts: readonly ChartSpec[]; labels: Readonly<Record<string, string>>; scope: string }) {
  const history = useMetricsHistory();
  const [periodMs, setPeriodMs] = useState<number>(0);
  const [refreshing, setRefreshing] = useState(false);
  const { snapshots } = history;
  const first = snapshots[0];
  const last = snapshots.at(-1);
  const period = PERIODS.find((p) => p.ms === periodMs)!;
  const options = { periodMs, maxIntervalMs: 3 * POLL_MS };
  // The time axis shows at least the last WINDOW_MS, as CloudWatch shows a time range rather than
  // stretching a few seconds of data over the whole chart; grouped points sit at the start of
  // their period, which can be before the first scrape.
  const to = last ? last.t : Date.now();
  const oldest = first ? (periodMs > 0 ? Math.floor(first.t / periodMs) * periodMs : first.t) : to;
  const from = Math.min(to - WINDOW_MS, oldest);

  const refresh = async (): Promise<void> => {
    setRefreshing(true);
    await history.refresh();
    setRefreshing(false);
  };

  return (
    <section aria-label={`Monitoring of ${scope}`}>
      <div class="row wrap spread">
        <p class="small muted monitoring-intro">
          CloudWatch's metrics for {scope}, from <a href="/_sluice/metrics">/_sluice/metrics</a> scraped every {POLL_MS / 1000} seconds while this tab
          is open (the last 30 minutes are kept while the console is open).
          {last ? ` Last scrape ${new Date(last.t).toLocaleTimeString([], { hour12: false })}.` : ''}
        </p>
        <div class="row">
          <Field label="Period">
            {(id) => (
              <select id={id} value={periodMs} onChange={(e) => setPeriodMs(Number((e.currentTarget as HTMLSelectElement).value))}>
                {PERIODS.map((p) => (
                  <option value={p.ms}>{p.label}</option>
                ))}
              </select>
            )}
          </Field>
          <button type="button" class="secondary" onClick={() => void refresh()} disabled={refreshing}>
            Refresh
          </button>
        </div>
      </div>
      {history.error ? <Notice kind="warning">Could not scrape the metrics: {history.error}</Notice> : null}
      {history.skippedLines > 0 ? <p class="small muted">{history.skippedLines} lines of the last scrape could not be read and were skipped.</p> : null}
      {snapshots.length < 2 ? (
        <p class="muted" role="status">
          Collecting: the first data points appear after the second scrape.
        </p>
      ) : null}
      <div class="charts monitoring-charts">
        {charts.map((c) => {
          const points = series(snapshots, { metric: c.metric, stat: c.stat, labels }, options);
          const total = c.stat === 'Sum' ? latestTotal(snapshots, c.metric, labels) : undefined;
          const format = formatMetric(c.unit);
          return (
            <LineChart
              title={c.title}
              subtitle={`${c.stat} per ${periodMs === 0 ? `${POLL_MS / 1000} s` : period.label}`}
              points={points}
              from={from}
              to={to}
              format={format}
              note={total !== undefined ? `Since Sluice started: ${format(total)}` : undefined}
            />
          );
        })}
      </div>
    </section>
  );
}
