/**
 * How nodes tell each other what they charged against shared rate limits
 * (`--enforce-limits`' per-shard budgets). Each node keeps its own token
 * buckets, charges them for what it admits, and shares those charges; every
 * other node charges the same amounts to its copies of the buckets. So a
 * shard's budget is spent by the whole cluster, late by at most one sharing
 * interval, instead of once per node. Charges are hints, not records: a lost
 * message makes a limit briefly looser, never loses data.
 */

/** Charge amounts by bucket key (e.g. `w#<stream>:<shard>` → records written). */
export type Charges = ReadonlyMap<string, number>;

export interface UsageExchange {
  /** Whether other processes share the limits (false: nothing needs sharing). */
  readonly shared: boolean;
  /** Sends this node's charges since the last call to every other node. */
  share(charges: Charges): void;
  /** Calls `apply` with each other node's charges as they arrive; returns the way to stop. */
  onShared(apply: (charges: Charges) => void): () => void;
}

/** One process: every charge is already in its own buckets. */
export const localUsage: UsageExchange = {
  shared: false,
  share: () => undefined,
  onShared: () => () => undefined,
};

/** How often a node shares what it charged: the lag of a limit across nodes. */
export const SHARE_EVERY_MS = 50;

/**
 * Gathers a node's charges and shares them at most every SHARE_EVERY_MS, so
 * a busy node sends one message per interval, not one per request. Does
 * nothing when the exchange shares nothing (one process).
 */
export class ChargeBatch {
  private pending = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly usage: UsageExchange) {}

  add(key: string, n: number): void {
    if (!this.usage.shared) return;
    this.pending.set(key, (this.pending.get(key) ?? 0) + n);
    // Not keeping the process alive: a charge left unshared at exit concerns no one.
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      const charges = this.pending;
      this.pending = new Map();
      this.usage.share(charges);
    }, SHARE_EVERY_MS).unref();
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
