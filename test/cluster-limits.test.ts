/**
 * --enforce-limits with two nodes over one NATS store: a shard's write budget
 * (1,000 records a second) is spent by the cluster, not once per node. Each
 * node shares what it charged every 50 ms; the other charges it too. Writers
 * that alternate between the nodes get about one budget, not two.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as K from '@aws-sdk/client-kinesis';
import { NatsCluster } from './helpers/nats-cluster.js';
import { spawnSluice, testCredentials, type ChildSluice } from './helpers/sluice.js';

let cluster: NatsCluster | undefined;
const nodes: ChildSluice[] = [];
process.on('exit', () => {
  for (const n of nodes) n.process.kill('SIGKILL');
  for (const s of cluster?.servers ?? []) s.process?.kill('SIGKILL');
});

before(async () => {
  cluster = await NatsCluster.start({ size: 1 });
  for (let i = 0; i < 2; i++) {
    nodes.push(await spawnSluice(['--port', '0', '--store', cluster.storeSpec, '--create-stream-ms', '0', '--enforce-limits'], process.env, 90_000));
  }
});

after(async () => {
  await Promise.all(nodes.map((n) => n.stop('SIGKILL')));
  await cluster?.destroy();
});

describe('--enforce-limits across nodes', () => {
  it('writers alternating between two nodes get one shard budget between them, not one each', async () => {
    const clients = nodes.map((n) => new K.KinesisClient({ endpoint: n.url, region: 'us-east-1', credentials: testCredentials, maxAttempts: 1 }));
    try {
      await clients[0]!.send(new K.CreateStreamCommand({ StreamName: 'limited', ShardCount: 1 }));
      for (const c of clients) {
        for (let i = 0; i < 200; i++) {
          const d = await c.send(new K.DescribeStreamSummaryCommand({ StreamName: 'limited' })).catch(() => undefined);
          if (d?.StreamDescriptionSummary?.StreamStatus === 'ACTIVE') break;
          await new Promise((r) => setTimeout(r, 20));
        }
      }
      // Let both nodes' buckets fill (a bucket holds one second's budget).
      await new Promise((r) => setTimeout(r, 1100));
      const started = Date.now();
      let admitted = 0;
      let refused = 0;
      // 40 calls of 100 records, two at a time (one per node): 4,000 records offered.
      for (let i = 0; i < 20; i++) {
        const answers = await Promise.all(clients.map((c) =>
          c.send(new K.PutRecordsCommand({ StreamName: 'limited', Records: Array.from({ length: 100 }, (_, j) => ({ PartitionKey: `k${j}`, Data: Buffer.from('0123456789') })) }))));
        for (const a of answers) {
          refused += a.FailedRecordCount!;
          admitted += 100 - a.FailedRecordCount!;
          for (const r of a.Records!) if (r.ErrorCode) assert.equal(r.ErrorCode, 'ProvisionedThroughputExceededException');
        }
      }
      const seconds = (Date.now() - started) / 1000;
      const oneBudget = 1000 * (1 + seconds);
      const slack = 300; // what the other node admits in one sharing interval before it hears
      console.log(`# offered 4000 in ${seconds.toFixed(2)} s: admitted ${admitted}, refused ${refused}; one budget would be ${oneBudget.toFixed(0)}, one per node ${(2 * oneBudget).toFixed(0)}`);
      assert.ok(refused > 0);
      assert.ok(admitted <= oneBudget + slack, `admitted ${admitted}, one shard budget over ${seconds} s is ${oneBudget}`);
    } finally {
      for (const c of clients) c.destroy();
    }
  });
});
