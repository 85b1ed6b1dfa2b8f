/**
 * Token buckets, as API Gateway throttles: a bucket holds at most `burst`
 * tokens, refills at `rate` tokens per second and starts full; a request
 * takes one token or is refused (429). With several nodes over one store
 * (cluster mode) each node shares the tokens it took (UsageExchange, every
 * 50 ms) and takes the others' from its own buckets too, so a key's rate is
 * spent once by the cluster, late by one sharing interval.
 */
import { localUsage, type Charges, type UsageExchange } from '../../store/usage-exchange.js';

interface Bucket {
  tokens: number;
  at: number;
}

/** How many idle buckets may accumulate before full ones are dropped (a full bucket is the same as none). */
const SWEEP_AT = 10_000;
const SHARE_EVERY_MS = 50;
/** Marks this module's charges among everything shared on the exchange (Kinesis' limits share there too). */
const PREFIX = 'g#';

export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();
  private pending = new Map<string, number>();
  private shareTimer: NodeJS.Timeout | undefined;
  private readonly stopListening: () => void;

  constructor(
    private readonly now: () => number = () => performance.now(),
    private readonly usage: UsageExchange = localUsage,
  ) {
    this.stopListening = usage.shared ? usage.onShared((c) => this.applyShared(c)) : () => undefined;
  }

  /** Takes a token from the bucket `key` (created full); false when it has none. */
  take(key: string, rate: number, burst: number): boolean {
    // Settings are part of the bucket's identity: changing a limit starts a fresh bucket.
    const id = `${key}|${rate}|${burst}`;
    const b = this.current(id, rate, burst);
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    if (this.usage.shared) this.remember(id);
    return true;
  }

  close(): void {
    this.stopListening();
    if (this.shareTimer) clearTimeout(this.shareTimer);
  }

  /** The bucket `id`, refilled to now (created full). */
  private current(id: string, rate: number, burst: number): Bucket {
    const now = this.now();
    let b = this.buckets.get(id);
    if (!b) {
      if (this.buckets.size >= SWEEP_AT) this.sweep(now);
      b = { tokens: burst, at: now };
      this.buckets.set(id, b);
    } else {
      b.tokens = Math.min(burst, b.tokens + ((now - b.at) / 1000) * rate);
      b.at = now;
    }
    return b;
  }

  private remember(id: string): void {
    this.pending.set(PREFIX + id, (this.pending.get(PREFIX + id) ?? 0) + 1);
    this.shareTimer ??= setTimeout(() => {
      this.shareTimer = undefined;
      const charges = this.pending;
      this.pending = new Map();
      this.usage.share(charges);
    }, SHARE_EVERY_MS).unref();
  }

  /** Tokens other nodes took: taken here too (a bucket may go below zero, and then refills from there). */
  private applyShared(charges: Charges): void {
    for (const [wireId, n] of charges) {
      if (!wireId.startsWith(PREFIX)) continue;
      const id = wireId.slice(PREFIX.length);
      const [rate, burst] = id.split('|').slice(-2).map(Number) as [number, number];
      if (!(rate >= 0 && burst >= 0)) continue;
      const b = this.current(id, rate, burst);
      b.tokens = Math.max(-burst, b.tokens - n);
    }
  }

  private sweep(now: number): void {
    for (const [id, b] of this.buckets) {
      const [rate, burst] = id.split('|').slice(-2);
      if (b.tokens + ((now - b.at) / 1000) * Number(rate) >= Number(burst)) this.buckets.delete(id);
    }
  }
}
