/**
 * Cluster mode (docs/cluster.md) beside the embedded store, in one run:
 * PutRecords and GetRecords through the embedded store, through 1 Sluice node
 * and through 3 Sluice nodes over a 3-server NATS JetStream cluster (R3), and
 * put→deliver latency with SubscribeToShard across nodes. CPU seconds per
 * record are read from /proc for every Sluice and NATS process, so the paper
 * model in docs/cluster.md can be fed with per-record costs. One 2-core
 * machine runs everything here: it cannot show scale-out, only per-record cost.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as K from '@aws-sdk/client-kinesis';
import { NatsCluster } from '../test/helpers/nats-cluster.js';
import { Bodies, checkOk, checkPutRecords, KinesisClient } from './lib/client.js';
import { closedLoop } from './lib/load.js';
import { repoRoot } from './lib/paths.js';
import { SLUICE, startServer, type RunningServer, type ServerSpec } from './lib/servers.js';
import { fmtNumber, percentile, perSecond } from './lib/stats.js';

const SHARDS = 3;
const BATCH = 500;
const RECORD_BYTES = 100;
const WINDOW_MS = 5000;
const WARM_MS = 1000;
const IN_FLIGHT_PER_NODE = 4;
const READ_RECORDS = 30_000;
const LATENCY_RECORDS = 200;

const log = (line: string): void => void process.stderr.write(`[cluster] ${line}\n`);

/** utime + stime of a process, in seconds (0 once it has gone). */
function cpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

const clusterNode = (store: string): ServerSpec => ({
  name: 'Sluice (NATS)',
  storage: 'NATS JetStream, 3 servers, R3',
  command: (port) => ({
    args: [join(repoRoot(), 'dist/src/cli/main.js'), 'start', '--host', '127.0.0.1', '--port', String(port), '--store', store, '--create-stream-ms', '0', '--delete-stream-ms', '0'],
    env: {},
  }),
});

interface Row {
  readonly setup: string;
  putRecordsPerS?: number;
  getRecordsPerS?: number;
  sluiceCpuMsPer1k?: number;
  natsCpuMsPer1k?: number;
}

async function putRecords(nodes: RunningServer[], stream: string, natsPids: number[], row: Row): Promise<void> {
  const clients = nodes.map((n) => new KinesisClient(n.url, IN_FLIGHT_PER_NODE));
  const bodies = new Bodies(stream, RECORD_BYTES).putRecords(BATCH);
  try {
    const call = async (n: number, w: number): Promise<void> => checkPutRecords(await clients[w % clients.length]!.send('PutRecords', bodies[n % bodies.length]!));
    await closedLoop({ inFlight: IN_FLIGHT_PER_NODE * clients.length, durationMs: WARM_MS }, call);
    const sluice0 = nodes.reduce((a, n) => a + cpuSeconds(n.pid), 0);
    const nats0 = natsPids.reduce((a, p) => a + cpuSeconds(p), 0);
    const r = await closedLoop({ inFlight: IN_FLIGHT_PER_NODE * clients.length, durationMs: WINDOW_MS }, call);
    const records = r.calls * BATCH;
    row.putRecordsPerS = perSecond(records, r.elapsedMs);
    row.sluiceCpuMsPer1k = ((nodes.reduce((a, n) => a + cpuSeconds(n.pid), 0) - sluice0) * 1e6) / records;
    if (natsPids.length > 0) row.natsCpuMsPer1k = ((natsPids.reduce((a, p) => a + cpuSeconds(p), 0) - nats0) * 1e6) / records;
    log(`${row.setup}: PutRecords ${fmtNumber(row.putRecordsPerS)} records/s`);
  } finally {
    await Promise.all(clients.map((c) => c.close()));
  }
}

const NEXT_ITERATOR = /"NextShardIterator"\s*:\s*"([^"]+)"/;
const countRecords = (text: string): number => text.split('"SequenceNumber"').length - 1;

/** GetRecords (Limit 10000) from the start of a pre-filled shard, one reader per node, each following its iterator. */
async function getRecords(nodes: RunningServer[], row: Row): Promise<void> {
  const setup = new KinesisClient(nodes[0]!.url, 4);
  await setup.createStream('read', 1);
  const bodies = new Bodies('read', RECORD_BYTES).putRecords(BATCH);
  for (let i = 0; i < READ_RECORDS / BATCH; i += 4) {
    await Promise.all(Array.from({ length: 4 }, (_x, k) => setup.send('PutRecords', bodies[(i + k) % bodies.length]!).then(checkPutRecords)));
  }
  const [shardId] = await setup.shardIds('read');
  await setup.close();
  const clients = nodes.map((n) => new KinesisClient(n.url, 1));
  try {
    let total = 0;
    const started = performance.now();
    await Promise.all(clients.map(async (c) => {
      while (performance.now() - started < WINDOW_MS) {
        let it: string | undefined = (await c.call<{ ShardIterator: string }>('GetShardIterator', { StreamName: 'read', ShardId: shardId, ShardIteratorType: 'TRIM_HORIZON' })).ShardIterator;
        while (it && performance.now() - started < WINDOW_MS) {
          const r = await c.send('GetRecords', JSON.stringify({ ShardIterator: it, Limit: 10_000 }));
          checkOk('GetRecords', r);
          const n = countRecords(r.text);
          total += n;
          if (n === 0) break;
          it = NEXT_ITERATOR.exec(r.text)?.[1];
        }
      }
    }));
    row.getRecordsPerS = perSecond(total, performance.now() - started);
    log(`${row.setup}: GetRecords ${fmtNumber(row.getRecordsPerS)} records/s`);
  } finally {
    await Promise.all(clients.map((c) => c.close()));
  }
}

/** Put on `writer`, delivered by SubscribeToShard on `reader`: one record at a time. */
async function latency(writer: RunningServer, reader: RunningServer, stream: string): Promise<{ p50: number; p99: number }> {
  const raw = new KinesisClient(writer.url, 1);
  const sdk = new K.KinesisClient({ endpoint: reader.url, region: 'us-east-1', credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' } });
  try {
    await raw.createStream(stream, 1);
    const arn = (await raw.call<{ StreamDescriptionSummary: { StreamARN: string } }>('DescribeStreamSummary', { StreamName: stream })).StreamDescriptionSummary.StreamARN;
    let consumer: K.Consumer | undefined;
    for (let i = 0; !consumer; i++) {
      try {
        consumer = (await sdk.send(new K.RegisterStreamConsumerCommand({ StreamARN: arn, ConsumerName: 'bench' }))).Consumer;
      } catch (e) {
        if (i > 50) throw e;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    const sub = await sdk.send(new K.SubscribeToShardCommand({ ConsumerARN: consumer.ConsumerARN, ShardId: 'shardId-000000000000', StartingPosition: { Type: 'LATEST' } }));
    const sentAt = new Map<string, number>();
    const latencies: number[] = [];
    void (async () => {
      for await (const event of sub.EventStream!) {
        const now = performance.now();
        for (const r of event.SubscribeToShardEvent?.Records ?? []) {
          const t = sentAt.get(r.PartitionKey!);
          if (t !== undefined) latencies.push(now - t);
        }
        if (latencies.length >= LATENCY_RECORDS) return;
      }
    })();
    await new Promise((r) => setTimeout(r, 300));
    const data = Buffer.alloc(RECORD_BYTES, 1).toString('base64');
    for (let i = 0; i < LATENCY_RECORDS; i++) {
      sentAt.set(`k${i}`, performance.now());
      await raw.call('PutRecord', { StreamName: stream, PartitionKey: `k${i}`, Data: data });
      const deadline = performance.now() + 5000;
      while (latencies.length <= i && performance.now() < deadline) await new Promise((r) => setImmediate(r));
    }
    return { p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
  } finally {
    sdk.destroy();
    await raw.close();
  }
}

export async function run(): Promise<string> {
  const rows: Row[] = [];
  const latencies: Array<{ setup: string; p50: number; p99: number }> = [];

  // Embedded, same workloads, same run.
  {
    const s = await startServer(SLUICE);
    try {
      const row: Row = { setup: 'embedded (SQLite), 1 process' };
      const c = new KinesisClient(s.url, 1);
      await c.createStream('put', SHARDS);
      await c.close();
      await putRecords([s], 'put', [], row);
      await getRecords([s], row);
      rows.push(row);
      latencies.push({ setup: 'embedded: put and subscribe on the same process', ...(await latency(s, s, 'lat')) });
    } finally {
      await s.stop();
    }
  }

  const cluster = await NatsCluster.start({ size: 3 });
  const natsPids = cluster.servers.map((x) => x.process!.pid!);
  const nodes: RunningServer[] = [];
  try {
    for (let i = 0; i < 3; i++) nodes.push(await startServer(clusterNode(cluster.storeSpec)));
    const setup = new KinesisClient(nodes[0]!.url, 1);
    await setup.createStream('put1', SHARDS);
    await setup.createStream('put3', SHARDS);
    await setup.close();
    await new Promise((r) => setTimeout(r, 500));
    const one: Row = { setup: 'NATS cluster (3 servers, R3), through 1 Sluice node' };
    await putRecords([nodes[0]!], 'put1', natsPids, one);
    const three: Row = { setup: 'NATS cluster (3 servers, R3), through 3 Sluice nodes' };
    await putRecords(nodes, 'put3', natsPids, three);
    await getRecords([nodes[0]!], one);
    rows.push(one, three);
    latencies.push({ setup: 'cluster: put on node 1, SubscribeToShard on node 2', ...(await latency(nodes[0]!, nodes[1]!, 'lat')) });
  } finally {
    await Promise.all(nodes.map((n) => n.stop()));
    await cluster.destroy();
  }

  const f = (x: number | undefined, digits = 0): string => (x === undefined || !Number.isFinite(x) ? '—' : digits ? x.toFixed(digits) : fmtNumber(x));
  return [
    '## Cluster mode (NATS JetStream) beside the embedded store',
    '',
    `Streams of ${SHARDS} shards; PutRecords of ${BATCH} × ${RECORD_BYTES} B with ${IN_FLIGHT_PER_NODE} calls in flight per Sluice node (${WARM_MS / 1000} s warm-up, ${WINDOW_MS / 1000} s window); GetRecords (Limit 10000) following iterators over a ${READ_RECORDS.toLocaleString('en-US')}-record shard. CPU is utime+stime from /proc over the PutRecords window, per 1000 records, summed over the Sluice processes and (cluster rows) the three nats-server processes. Every process runs on this one 2-core machine, so the three-node rows show the per-record cost of more nodes, not scale-out.`,
    '',
    '| setup | PutRecords (records/s) | GetRecords (records/s) | Sluice CPU ms / 1000 records | NATS CPU ms / 1000 records |',
    '|:---|---:|---:|---:|---:|',
    ...rows.map((r) => `| ${r.setup} | ${f(r.putRecordsPerS)} | ${f(r.getRecordsPerS)} | ${f(r.sluiceCpuMsPer1k, 1)} | ${f(r.natsCpuMsPer1k, 1)} |`),
    '',
    '| put → SubscribeToShard delivery | p50 (ms) | p99 (ms) |',
    '|:---|---:|---:|',
    ...latencies.map((l) => `| ${l.setup} | ${l.p50.toFixed(2)} | ${l.p99.toFixed(2)} |`),
    '',
  ].join('\n');
}
