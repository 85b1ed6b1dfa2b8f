/**
 * Reusable buffers for large answers. A fresh multi-megabyte buffer per
 * answer (a 10,000-record GetRecords is ~2.5 MB) is external memory to V8,
 * and allocating it over and over makes V8 run full collections far more
 * often. Buffers come back once the transport has sent them (see
 * SluiceResponse.onSent); one never returned is simply collected.
 */
export const POOLED_MIN_BYTES = 64 * 1024;
/** The most the pool holds on to, so a burst of huge answers does not stay resident. */
const KEEP_BYTES = 32 * 1024 * 1024;

export class BufferPool {
  private readonly free: Buffer[] = [];
  private kept = 0;

  /** A buffer of at least `size` bytes (contents undefined): the smallest kept one that fits. */
  acquire(size: number): Buffer {
    let best = -1;
    for (let i = 0; i < this.free.length; i++) {
      const length = this.free[i]!.length;
      if (length >= size && (best === -1 || length < this.free[best]!.length)) best = i;
    }
    if (best === -1) return Buffer.allocUnsafeSlow(size);
    const [b] = this.free.splice(best, 1);
    this.kept -= b!.length;
    return b!;
  }

  release(buf: Buffer): void {
    if (buf.length < POOLED_MIN_BYTES || buf.length > KEEP_BYTES || this.free.includes(buf)) return;
    while (this.kept + buf.length > KEEP_BYTES) this.kept -= this.free.shift()!.length;
    this.free.push(buf);
    this.kept += buf.length;
  }
}

/** The pool JSON answers are written into. */
export const answerBuffers = new BufferPool();
