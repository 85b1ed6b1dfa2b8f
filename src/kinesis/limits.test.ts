/** --enforce-limits: AWS's per-shard budgets, spent once by a cluster of nodes rather than once per node. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Charges, UsageExchange } from '../store/usage-exchange.js';
import { Limiter } from './limits.js';

/** Nodes on one in-memory bus, delivering each share to every other node as NATS would. */
function bus(): (node: string) => UsageExchange & { flushed: Promise<void> } {
  const listeners = new Map<string, (c: Charges) => void>();
  return (node) => {
    let delivered: () => void = () => undefined;
    const exchange = {
      shared: true,
      flushed: new Promise<void>((r) => (delivered = r)),
      share(charges: Charges) {
        for (const [other, apply] of listeners) if (other !== node) apply(charges);
        delivered();
      },
      onShared(apply: (c: Charges) => void) {
        listeners.set(node, apply);
        return () => listeners.delete(node);
      },
    };
    return exchange;
  };
}

/** Waits for a share (the limiter's timer does not keep a process alive, so this wait does). */
async function shared(exchange: { flushed: Promise<void> }): Promise<void> {
  const keepAlive = setTimeout(() => undefined, 5000);
  try {
    await exchange.flushed;
  } finally {
    clearTimeout(keepAlive);
  }
}

const enforce = { enforce: true, faultRate: 0, latencyMs: 0 };

describe('per-shard write budget', () => {
  it('one node: 1,000 records a second per shard, then ProvisionedThroughputExceeded', () => {
    const l = new Limiter(enforce, '123456789012');
    let admitted = 0;
    for (let i = 0; i < 1500; i++) if (l.admitWrite(1, 's', 'shardId-000000000000', 10)) admitted++;
    // The budget refills continuously: the loop's own milliseconds add a record each.
    assert.ok(admitted >= 1000 && admitted < 1060, `admitted ${admitted}`);
    assert.equal(l.admitWrite(1, 's', 'shardId-000000000001', 10), true, 'another shard has its own budget');
    l.close();
  });

  it('two nodes: what one node admitted is spent from the other\'s budget once shared', async () => {
    const join = bus();
    const a = join('a');
    const b = join('b');
    const nodeA = new Limiter(enforce, '123456789012', a);
    const nodeB = new Limiter(enforce, '123456789012', b);
    try {
      let admitted = 0;
      for (let i = 0; i < 800; i++) if (nodeA.admitWrite(1, 's', 'shardId-000000000000', 10)) admitted++;
      assert.equal(admitted, 800);
      await shared(a);
      let onB = 0;
      for (let i = 0; i < 800; i++) if (nodeB.admitWrite(1, 's', 'shardId-000000000000', 10)) onB++;
      // Refill between the two loops may add a few records' worth; never a second full budget.
      assert.ok(onB >= 200 && onB < 300, `node B admitted ${onB} after node A's 800`);
    } finally {
      nodeA.close();
      nodeB.close();
    }
  });

  it('a 10 MiB read on one node pauses the shard\'s reads on the other', async () => {
    const join = bus();
    const a = join('a');
    const nodeA = new Limiter(enforce, '123456789012', a);
    const nodeB = new Limiter(enforce, '123456789012', join('b'));
    try {
      nodeA.admitRead(1, 's', 'shardId-000000000000');
      nodeA.chargeRead(1, 'shardId-000000000000', 10 * 1024 * 1024);
      await shared(a);
      assert.throws(() => nodeB.admitRead(1, 's', 'shardId-000000000000'), { name: 'ProvisionedThroughputExceededException' });
    } finally {
      nodeA.close();
      nodeB.close();
    }
  });

  it('without --enforce-limits nothing is shared or refused', () => {
    const join = bus();
    const shared: Charges[] = [];
    const ex = join('a');
    const l = new Limiter({ enforce: false, faultRate: 0, latencyMs: 0 }, '123456789012', { ...ex, share: (c) => void shared.push(c) });
    for (let i = 0; i < 2000; i++) assert.equal(l.admitWrite(1, 's', 'shardId-000000000000', 10), true);
    l.close();
    assert.equal(shared.length, 0);
  });
});
