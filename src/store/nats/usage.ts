/**
 * Rate-limit charges shared between nodes on the core NATS subject
 * `sluice.usage` (no persistence: a charge is a hint, see usage-exchange.ts).
 * Each message is `{ "n": <node>, "c": [[key, amount], ...] }`; a node ignores
 * its own.
 */
import type { Subscription } from '@nats-io/transport-node';
import type { Charges, UsageExchange } from '../usage-exchange.js';
import type { NatsClient } from './client.js';

const SUBJECT = 'sluice.usage';

interface UsageMessage {
  readonly n: string;
  readonly c: [string, number][];
}

export class NatsUsage implements UsageExchange {
  readonly shared = true;

  constructor(private readonly client: NatsClient, private readonly node: string) {}

  share(charges: Charges): void {
    if (charges.size === 0 || !this.client.connected) return;
    const message: UsageMessage = { n: this.node, c: [...charges] };
    try {
      this.client.nc.publish(SUBJECT, JSON.stringify(message));
    } catch {
      // Disconnected: the other nodes' limits are looser until the connection is back.
    }
  }

  onShared(apply: (charges: Charges) => void): () => void {
    let sub: Subscription | undefined;
    try {
      sub = this.client.nc.subscribe(SUBJECT, {
        callback: (err, msg) => {
          if (err) return;
          const m = parse(msg.string());
          if (m && m.n !== this.node) apply(new Map(m.c));
        },
      });
    } catch {
      // Not connected at start: limits stay per node until a restart.
    }
    return () => sub?.unsubscribe();
  }
}

/** A well-formed message from another node, or undefined (anything else on the subject is ignored). */
function parse(text: string): UsageMessage | undefined {
  try {
    const m = JSON.parse(text) as Partial<UsageMessage>;
    if (typeof m.n !== 'string' || !Array.isArray(m.c)) return undefined;
    const c = m.c.filter((e): e is [string, number] => Array.isArray(e) && typeof e[0] === 'string' && typeof e[1] === 'number' && Number.isFinite(e[1]) && e[1] >= 0);
    return { n: m.n, c };
  } catch {
    return undefined;
  }
}
