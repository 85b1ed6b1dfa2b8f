/**
 * Live SubscribeToShard connections, one per (consumer, shard). A new
 * subscription within 5 s of the previous one is refused; after that it takes
 * over and the older connection ends, as AWS specifies.
 */
import { AwsError } from '../protocol/errors.js';

const TAKEOVER_AFTER_MS = 5_000;

interface Live {
  readonly startedMs: number;
  readonly controller: AbortController;
}

export class Subscriptions {
  private readonly live = new Map<string, Live>();

  /** Registers a subscription; its signal fires when it must end, `close` ends it from our side. */
  open(consumerArn: string, shardId: string): { signal: AbortSignal; close(): void } {
    const key = `${consumerArn}|${shardId}`;
    const now = Date.now();
    const current = this.live.get(key);
    if (current && !current.controller.signal.aborted) {
      if (now - current.startedMs < TAKEOVER_AFTER_MS) {
        throw new AwsError('ResourceInUseException',
          `Another active subscription exists for consumer ${consumerArn} on shard ${shardId}; a new one may take over ${TAKEOVER_AFTER_MS / 1000} seconds after it started.`);
      }
      current.controller.abort();
    }
    const controller = new AbortController();
    this.live.set(key, { startedMs: now, controller });
    controller.signal.addEventListener('abort', () => {
      if (this.live.get(key)?.controller === controller) this.live.delete(key);
    });
    return { signal: controller.signal, close: () => controller.abort() };
  }

  /** Ends every subscription of a consumer (deregistration). */
  endFor(consumerArn: string): void {
    for (const [key, l] of this.live) if (key.startsWith(`${consumerArn}|`)) l.controller.abort();
  }

  closeAll(): void {
    for (const l of this.live.values()) l.controller.abort();
  }
}
