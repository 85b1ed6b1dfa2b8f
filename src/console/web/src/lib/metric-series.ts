/**
 * Turns scrapes of cumulative Prometheus metrics into CloudWatch-style data points: the Sum of a
 * counter per period, the Average of a latency histogram per period (the change of its _sum over
 * the change of its _count), the Maximum of a gauge. Pure functions over a list of snapshots, so
 * they can be tested without a browser.
 */
import type { Sample } from './prometheus.js';

/** One scrape: when it answered and its samples, grouped by metric name. */
export interface Snapshot {
  readonly t: number;
  readonly byName: ReadonlyMap<string, readonly Sample[]>;
}

export type Statistic = 'Sum' | 'Average' | 'Maximum';

export interface MetricQuery {
  /** The Prometheus family (`kinesis_IncomingRecords`); for Average, the histogram whose _sum and _count are used. */
  readonly metric: string;
  readonly stat: Statistic;
  /** Labels a series must have (its CloudWatch dimensions); series differing in other labels are added up. */
  readonly labels: Readonly<Record<string, string>>;
}

export interface DataPoint {
  /** Epoch ms: the end of the scrape interval, or the start of the period when points are grouped. */
  readonly t: number;
  /** null: no data in that period (no request to average, or a gap in the scrapes). */
  readonly value: number | null;
}

export function snapshotOf(t: number, samples: readonly Sample[]): Snapshot {
  const byName = new Map<string, Sample[]>();
  for (const s of samples) {
    const list = byName.get(s.name);
    if (list) list.push(s);
    else byName.set(s.name, [s]);
  }
  return { t, byName };
}

function matches(sample: Sample, labels: Readonly<Record<string, string>>): boolean {
  for (const [k, v] of Object.entries(labels)) if (sample.labels[k] !== v) return false;
  return true;
}

/** The total of the matching series of `name` (0 when none exists yet: counters appear on first use). */
function total(s: Snapshot, name: string, labels: Readonly<Record<string, string>>): number {
  let sum = 0;
  for (const sample of s.byName.get(name) ?? []) if (matches(sample, labels) && Number.isFinite(sample.value)) sum += sample.value;
  return sum;
}

/** How much a counter grew between two scrapes; a drop means Sluice restarted and counted afresh. */
function increase(before: number, after: number): number {
  return after >= before ? after - before : after;
}

/** What one scrape interval contributes to a period: enough to add intervals up for each statistic. */
interface Interval {
  readonly t: number;
  readonly sum: number;
  readonly count: number;
  readonly max: number | null;
}

function interval(q: MetricQuery, a: Snapshot, b: Snapshot): Interval {
  switch (q.stat) {
    case 'Sum':
      return { t: b.t, sum: increase(total(a, q.metric, q.labels), total(b, q.metric, q.labels)), count: 1, max: null };
    case 'Average':
      return {
        t: b.t,
        sum: increase(total(a, `${q.metric}_sum`, q.labels), total(b, `${q.metric}_sum`, q.labels)),
        count: increase(total(a, `${q.metric}_count`, q.labels), total(b, `${q.metric}_count`, q.labels)),
        max: null,
      };
    case 'Maximum': {
      const values = (b.byName.get(q.metric) ?? []).filter((s) => matches(s, q.labels) && Number.isFinite(s.value)).map((s) => s.value);
      return { t: b.t, sum: 0, count: values.length, max: values.length ? Math.max(...values) : null };
    }
  }
}

function valueOf(stat: Statistic, xs: readonly Interval[]): number | null {
  if (xs.length === 0) return null;
  const sum = xs.reduce((a, x) => a + x.sum, 0);
  const count = xs.reduce((a, x) => a + x.count, 0);
  if (stat === 'Sum') return sum;
  if (stat === 'Average') return count > 0 ? sum / count : null;
  const maxes = xs.map((x) => x.max).filter((m): m is number => m !== null);
  return maxes.length ? Math.max(...maxes) : null;
}

export interface SeriesOptions {
  /** Group scrape intervals into periods of this many ms (CloudWatch's "period"); 0: one point per scrape interval. */
  readonly periodMs: number;
  /** Intervals longer than this are gaps (polling was paused): no point is drawn across them. */
  readonly maxIntervalMs: number;
}

/** The data points of one metric over the snapshots, oldest first. */
export function series(snapshots: readonly Snapshot[], q: MetricQuery, { periodMs, maxIntervalMs }: SeriesOptions): DataPoint[] {
  const intervals: Interval[] = [];
  const out: DataPoint[] = [];
  for (let i = 1; i < snapshots.length; i++) {
    const a = snapshots[i - 1]!;
    const b = snapshots[i]!;
    if (b.t - a.t > maxIntervalMs) {
      if (periodMs <= 0) out.push({ t: b.t, value: null });
      continue;
    }
    const x = interval(q, a, b);
    if (periodMs <= 0) out.push({ t: x.t, value: valueOf(q.stat, [x]) });
    else intervals.push(x);
  }
  if (periodMs <= 0) return out;
  // An interval belongs to the period its end falls in; periods are aligned to the clock, as CloudWatch's are.
  const periods = new Map<number, Interval[]>();
  for (const x of intervals) {
    const start = Math.floor((x.t - 1) / periodMs) * periodMs;
    const list = periods.get(start);
    if (list) list.push(x);
    else periods.set(start, [x]);
  }
  return [...periods.entries()].sort(([a], [b]) => a - b).map(([t, xs]) => ({ t, value: valueOf(q.stat, xs) }));
}

/** The cumulative value of a counter now (what it has counted since Sluice started). */
export function latestTotal(snapshots: readonly Snapshot[], metric: string, labels: Readonly<Record<string, string>>): number | undefined {
  const last = snapshots.at(-1);
  return last ? total(last, metric, labels) : undefined;
}
