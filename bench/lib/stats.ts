/** Small number helpers: percentiles, rates and human formatting. */

/** Nearest-rank percentile (p in 0..100) of an unsorted sample; NaN when empty. */
export function percentile(sample: readonly number[], p: number): number {
  if (sample.length === 0) return Number.NaN;
  const sorted = Float64Array.from(sample).sort();
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export function mean(sample: readonly number[]): number {
  if (sample.length === 0) return Number.NaN;
  let s = 0;
  for (const x of sample) s += x;
  return s / sample.length;
}

/** Milliseconds since an arbitrary origin, sub-millisecond resolution. */
export const nowMs = (): number => performance.now();

/** Events per second. */
export const perSecond = (count: number, elapsedMs: number): number => (elapsedMs > 0 ? (count * 1000) / elapsedMs : Number.NaN);

/** 12345.6 -> "12,346"; 12.345 -> "12.3"; 0.4567 -> "0.457". */
export function fmtNumber(x: number): string {
  if (!Number.isFinite(x)) return '—';
  const abs = Math.abs(x);
  if (abs >= 100) return Math.round(x).toLocaleString('en-US');
  if (abs >= 10) return x.toFixed(1);
  if (abs >= 1) return x.toFixed(2);
  return x.toPrecision(3);
}

/** A ratio as "12.3×". */
export const fmtRatio = (x: number): string => (Number.isFinite(x) && x > 0 ? `${fmtNumber(x)}×` : '—');

export const mib = (bytes: number): number => bytes / (1024 * 1024);

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
