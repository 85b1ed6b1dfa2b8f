/**
 * Reusable buffers for large answers. A fresh multi-megabyte buffer per
 * answer (a 10,000-record GetRecords is ~2.5 MB) is external memory to V8,
 * and allocating it over and over makes V8 run full collections far more
 * often. Buffers come back once the transport has sent them (see
 * SluiceResponse.onSent); one never returned is simply collected.
 */
export const POOLED_MIN_BYTES = 64 * 1024;
const KEEP = 8;

export class BufferPool {
  private readonly free: Buffer[] = [];

  /** A buffer of at least `size` bytes (contents undefined). */
  acquire(size: number): Buffer {
    for (let i = this.free.length - 1; i >= 0; i--) {
      const b = this.free[i]!;
      if (b.length >= size) {
        this.free.splice(i, 1);
        return b;
      }
    }
    return Buffer.allocUnsafeSlow(size);
  }

  release(buf: Buffer): void {
    if (buf.length < POOLED_MIN_BYTES || this.free.includes(buf)) return;
    if (this.free.length >= KEEP) this.free.shift();
    this.free.push(buf);
  }
}

/** The pool JSON answers are written into. */
export const answerBuffers = new BufferPool();
