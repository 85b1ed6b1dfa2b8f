/**
 * Token buckets, as API Gateway throttles: a bucket holds at most `burst`
 * tokens, refills at `rate` tokens per second and starts full; a request
 * takes one token or is refused (429). Buckets are per process by nature:
 * each process serving a data dir throttles what reaches it.
 */

interface Bucket {
  tokens: number;
  at: number;
}

/** How many idle buckets may accumulate before full ones are dropped (a full bucket is the same as none). */
const SWEEP_AT = 10_000;

export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** Takes a token from the bucket `key` (created full); false when it has none. */
  take(key: string, rate: number, burst: number): boolean {
    const now = this.now();
    // Settings are part of the bucket's identity: changing a limit starts a fresh bucket.
    const id = `${key}|${rate}|${burst}`;
    let b = this.buckets.get(id);
    if (!b) {
      if (this.buckets.size >= SWEEP_AT) this.sweep(now);
      b = { tokens: burst, at: now };
      this.buckets.set(id, b);
    } else {
      b.tokens = Math.min(burst, b.tokens + ((now - b.at) / 1000) * rate);
      b.at = now;
    }
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

  private sweep(now: number): void {
    for (const [id, b] of this.buckets) {
      const [rate, burst] = id.split('|').slice(-2);
      if (b.tokens + ((now - b.at) / 1000) * Number(rate) >= Number(burst)) this.buckets.delete(id);
    }
  }
}
