/**
 * Wake-ups across nodes: after records are durable on a shard, the writing
 * node publishes on the core NATS subject `sluice.w.<stream>.<shard>`; a node
 * subscribes to a shard's subject only while one of its readers waits there.
 * Nothing is persisted: a lost wake-up costs a reader at most one poll
 * interval (waits are capped), never a record.
 */
import type { Subscription } from '@nats-io/transport-node';
import { LocalWakeups } from '../wakeups.js';
import type { ShardRef, ShardWakeups } from '../stream-store.js';
import type { NatsClient } from './client.js';

/** The longest a reader waits without a wake-up before it looks again. */
const POLL_MS = 1000;
const UNSUBSCRIBE_AFTER_MS = 30_000;

const subjectOf = (ref: ShardRef): string => `sluice.w.${ref.stream}.${ref.shard}`;

export class NatsWakeups implements ShardWakeups {
  private readonly local = new LocalWakeups();
  private readonly subs = new Map<string, { sub: Subscription; idleTimer?: NodeJS.Timeout }>();

  constructor(private readonly client: NatsClient) {}

  signal(ref: ShardRef): void {
    this.local.signal(ref);
    if (this.client.connected) {
      try {
        this.client.nc.publish(subjectOf(ref));
      } catch {
        // Readers elsewhere will look again within POLL_MS.
      }
    }
  }

  mark(ref: ShardRef): number {
    this.listen(ref);
    return this.local.mark(ref);
  }

  /** Subscribes to the shard's wake-up subject if this node does not yet. */
  private listen(ref: ShardRef): { sub: Subscription; idleTimer?: NodeJS.Timeout } | undefined {
    const key = subjectOf(ref);
    let entry = this.subs.get(key);
    if (!entry && this.client.connected) {
      try {
        const sub = this.client.nc.subscribe(key, { callback: () => this.local.signal(ref) });
        this.subs.set(key, (entry = { sub }));
      } catch {
        // Not connected: the capped wait below polls.
      }
    }
    if (entry?.idleTimer) {
      clearTimeout(entry.idleTimer);
      delete entry.idleTimer;
    }
    return entry;
  }

  async wait(ref: ShardRef, timeoutMs: number, abort: AbortSignal, since?: number): Promise<void> {
    const key = subjectOf(ref);
    this.listen(ref);
    await this.local.wait(ref, Math.min(timeoutMs, POLL_MS), abort, since);
    const e = this.subs.get(key);
    if (e && !this.local.waited(ref) && !e.idleTimer) {
      e.idleTimer = setTimeout(() => {
        if (this.local.waited(ref)) return;
        this.subs.delete(key);
        e.sub.unsubscribe();
      }, UNSUBSCRIBE_AFTER_MS);
      e.idleTimer.unref();
    }
  }

  close(): void {
    for (const { sub, idleTimer } of this.subs.values()) {
      if (idleTimer) clearTimeout(idleTimer);
      sub.unsubscribe();
    }
    this.subs.clear();
  }
}
