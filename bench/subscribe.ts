/**
 * Put-to-delivery latency through enhanced fan-out: a consumer subscribed with
 * the AWS SDK (HTTP/2 event stream) receives records written one at a time;
 * latency is from sending the PutRecord to the event arriving. Only Sluice
 * (kinesalite has no SubscribeToShard; kinesis-local's is not compared here).
 */
import * as K from '@aws-sdk/client-kinesis';
import { KinesisClient } from './lib/client.js';
import { SLUICE, startServer } from './lib/servers.js';
import { percentile } from './lib/stats.js';

const RECORDS = 1000;

export async function run(): Promise<string> {
  const server = await startServer(SLUICE);
  const raw = new KinesisClient(server.url, 1);
  const sdk = new K.KinesisClient({ endpoint: server.url, region: 'us-east-1', credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' } });
  try {
    await raw.createStream('efo', 1);
    const streamArn = (await raw.call<{ StreamDescriptionSummary: { StreamARN: string } }>('DescribeStreamSummary', { StreamName: 'efo' })).StreamDescriptionSummary.StreamARN;
    const { Consumer } = await sdk.send(new K.RegisterStreamConsumerCommand({ StreamARN: streamArn, ConsumerName: 'bench' }));
    const sub = await sdk.send(new K.SubscribeToShardCommand({ ConsumerARN: Consumer!.ConsumerARN, ShardId: 'shardId-000000000000', StartingPosition: { Type: 'LATEST' } }));
    const sentAt = new Map<string, number>();
    const latencies: number[] = [];
    let resolveAll!: () => void;
    const allSeen = new Promise<void>((r) => (resolveAll = r));
    void (async () => {
      for await (const event of sub.EventStream!) {
        const now = performance.now();
        for (const r of event.SubscribeToShardEvent?.Records ?? []) {
          const key = r.PartitionKey!;
          const t = sentAt.get(key);
          if (t !== undefined) latencies.push(now - t);
          if (latencies.length >= RECORDS) {
            resolveAll();
            return;
          }
        }
      }
    })();
    const data = Buffer.alloc(100, 1).toString('base64');
    for (let i = 0; i < RECORDS; i++) {
      const key = `k${i}`;
      sentAt.set(key, performance.now());
      await raw.call('PutRecord', { StreamName: 'efo', PartitionKey: key, Data: data });
      // Let each delivery finish before the next write, so we measure latency, not queueing.
      while (latencies.length <= i && latencies.length < RECORDS) await new Promise((r) => setImmediate(r));
    }
    await allSeen;
    const p50 = percentile(latencies, 50);
    const p99 = percentile(latencies, 99);
    return [
      '## SubscribeToShard put-to-delivery latency',
      '',
      `${RECORDS} records of 100 B written one at a time with PutRecord (HTTP/1.1); a consumer subscribed with @aws-sdk/client-kinesis (HTTP/2 event stream) receives each. Latency is from sending the PutRecord to the event arriving; it includes the durable commit.`,
      '',
      '| workload | p50 (ms) | p99 (ms) | target |',
      '| --- | ---: | ---: | --- |',
      `| put → SubscribeToShard delivery | ${p50.toFixed(2)} | ${p99.toFixed(2)} | p99 < 10 ms: ${p99 < 10 ? 'pass' : 'FAIL'} |`,
      '',
    ].join('\n');
  } finally {
    sdk.destroy();
    await raw.close();
    await server.stop();
  }
}
