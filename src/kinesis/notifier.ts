/** Wakes readers of a shard the moment new records are durable there. */
import type { ShardRef } from '../store/stream-store.js';

export class ShardNotifier {
  private readonly waiters = new Map<string, Set<() => void>>();

  signal(ref: ShardRef): void {
    const key = `${ref.stream}:${ref.shard}`;
    const set = this.waiters.get(key);
    if (!set) return;
    this.waiters.delete(key);
    for (const wake of set) wake();
  }

  /** Resolves on the next signal for the shard, after `timeoutMs`, or when `abort` fires. */
  wait(ref: ShardRef, timeoutMs: number, abort: AbortSignal): Promise<void> {
    const key = `${ref.stream}:${ref.shard}`;
    return new Promise((resolve) => {
      let set = this.waiters.get(key);
      if (!set) this.waiters.set(key, (set = new Set()));
      const done = (): void => {
        clearTimeout(timer);
        abort.removeEventListener('abort', done);
        set!.delete(done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      abort.addEventListener('abort', done);
      set.add(done);
    });
  }
}
