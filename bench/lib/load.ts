/** Closed-loop load: N workers issue calls back to back until time or count runs out. */
import { nowMs } from './stats.js';

export interface LoadOptions {
  /** Calls in flight at once (one per worker). */
  readonly inFlight: number;
  /** Stop starting calls after this long. */
  readonly durationMs: number;
  /** Stop starting calls after this many in total. */
  readonly maxCalls?: number;
  /** Record each call's latency (ms). */
  readonly latencies?: boolean;
  /** Checked before each call; true stops starting new calls. */
  readonly stop?: () => boolean;
}

export interface LoadResult {
  /** Calls that completed. */
  readonly calls: number;
  /** From the first call's start to the last call's end. */
  readonly elapsedMs: number;
  readonly latenciesMs: number[];
}

/**
 * Runs `call(n, worker)` from `inFlight` workers; `n` counts calls started so
 * far, so callers can rotate through prebuilt bodies. The first error stops
 * every worker and is thrown.
 */
export async function closedLoop(o: LoadOptions, call: (n: number, worker: number) => Promise<void>): Promise<LoadResult> {
  const start = nowMs();
  const stopAt = start + o.durationMs;
  const max = o.maxCalls ?? Number.POSITIVE_INFINITY;
  const latencies: number[] = [];
  let started = 0;
  let done = 0;
  let failed: unknown;
  const worker = async (w: number): Promise<void> => {
    while (failed === undefined && started < max && nowMs() < stopAt && !o.stop?.()) {
      const n = started++;
      const t0 = nowMs();
      try {
        await call(n, w);
      } catch (e) {
        failed ??= e;
        return;
      }
      if (o.latencies) latencies.push(nowMs() - t0);
      done++;
    }
  };
  await Promise.all(Array.from({ length: o.inFlight }, (_, w) => worker(w)));
  if (failed !== undefined) throw failed;
  return { calls: done, elapsedMs: nowMs() - start, latenciesMs: latencies };
}
