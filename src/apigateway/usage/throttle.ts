/**
 * Token buckets, as API Gateway throttles: a bucket holds at most `burst`
 * tokens, refills at `rate` tokens per second and starts full; a request
 * takes one token or is refused (429). With several nodes over one store
 * (cluster mode) each node shares the tokens it took (UsageExchange, every
 * 50 ms) and takes the others' from its own buckets too, so a key's rate is
 * spent once by the cluster, late by one sharing interval.
 */
import { ChargeBatch, localUsage, type Charges, type UsageExchange } from '../../store/usage-exchange.js';

interface Bucket {
  tokens: number;
  at: number;
}

/** How many idle buckets may accumulate before full ones are dropped (a full bucket is the same as none). */
const SWEEP_AT = 10_000;
/** Marks this module's charges among everything shared on the exchange (Kinesis' limits share there too). */
const PREFIX = 'g#';

export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();
  private readonly batch: ChargeBatch;
  /** Whether other nodes share the buckets (the key string is built only then). */
  private readonly sharing: boolean;
  private readonly stopListening: () => void;

  constructor(
    private readonly now: () => number = () => performance.now(),
    usage: UsageExchange = localUsage,
  ) {
    this.batch = new ChargeBatch(usage);
    this.sharing = usage.shared;
    this.stopListening = usage.shared ? usage.onShared((c) => this.applyShared(c)) : () => undefined;
  }

  /** Takes a token from the bucket `key` (created full); false when it has none. */
  take(key: string, rate: number, burst: number): boolean {
    // Settings are part of the bucket's identity: changing a limit starts a fresh bucket.
    const id = `${key}|${rate}|${burst}`;
    const b = this.current(id, rate, burst);
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    if (this.sharing) this.batch.add(PREFIX + id, 1);
    return true;
  }

  close(): void {
    this.stopListening();
    this.batch.close();
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
