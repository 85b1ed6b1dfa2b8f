/** Wake-ups within one process: readers of a shard wake the moment new records are durable there. */
import type { ShardRef, ShardWakeups } from './stream-store.js';

export class LocalWakeups implements ShardWakeups {
  private readonly waiters = new Map<string, Set<() => void>>();
  /** Signals so far per shard, kept only while someone reads the shard (see mark). */
  private readonly counts = new Map<string, number>();

  signal(ref: ShardRef): void {
    const key = `${ref.stream}:${ref.shard}`;
    if (this.counts.has(key)) this.counts.set(key, this.counts.get(key)! + 1);
    const set = this.waiters.get(key);
    if (!set) return;
    this.waiters.delete(key);
    for (const wake of set) wake();
  }

  /** Whether anyone in this process waits on the shard. */
  waited(ref: ShardRef): boolean {
    return this.waiters.has(`${ref.stream}:${ref.shard}`);
  }

  mark(ref: ShardRef): number {
    const key = `${ref.stream}:${ref.shard}`;
    const n = this.counts.get(key);
    if (n !== undefined) return n;
    this.counts.set(key, 0);
    return 0;
  }

  wait(ref: ShardRef, timeoutMs: number, abort: AbortSignal, since?: number): Promise<void> {
    const key = `${ref.stream}:${ref.shard}`;
    if (since !== undefined && (this.counts.get(key) ?? 0) !== since) return Promise.resolve();
    return new Promise((resolve) => {
      let set = this.waiters.get(key);
      if (!set) this.waiters.set(key, (set = new Set()));
      const done = (): void => {
        clearTimeout(timer);
        abort.removeEventListener('abort', done);
        set!.delete(done);
        if (set!.size === 0 && this.waiters.get(key) === set) {
          this.waiters.delete(key);
          this.counts.delete(key);
        }
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      abort.addEventListener('abort', done);
      set.add(done);
    });
  }
}
