/**
 * Nothing acknowledged is lost: a server is SIGKILLed in the middle of a
 * write load, restarted on the same data dir, and every record it answered
 * 200 for must be there, byte for byte, with sequence numbers still rising.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { Agent, request } from 'undici';
import { spawnSluice, tempDir } from './helpers/sluice.js';

const dirs: Array<{ remove(): void }> = [];
after(() => dirs.forEach((d) => d.remove()));

async function call(url: string, agent: Agent, action: string, body: object): Promise<any> {
  const res = await request(url + '/', {
    method: 'POST',
    dispatcher: agent,
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `Kinesis_20131202.${action}` },
    body: JSON.stringify(body),
  });
  const text = await res.body.text();
  if (res.statusCode !== 200) throw new Error(`${action}: ${res.statusCode} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

/**
 * `padding` bytes are added to each record: large records take the store past
 * the point where write-ahead-log checkpoints move to a worker thread, so the
 * kill lands while that thread is copying the log.
 */
async function killedUnderLoad(padding: number): Promise<void> {
  const dir = tempDir();
  dirs.push(dir);
  const args = ['--port', '0', '--data-dir', dir.path, '--create-stream-ms', '0'];
  const first = await spawnSluice(args);
  const agent = new Agent({ connections: 16 });
  await call(first.url, agent, 'CreateStream', { StreamName: 'durable', ShardCount: 2 });

  const acked = new Map<string, string>(); // sequence number -> data
  // 20 MB up front, so the background checkpoints have surely started before the load.
  for (let k = 0; padding > 0 && k < 10; k++) {
    const batch = Array.from({ length: 500 }, (_, j) => ({ PartitionKey: `pre-${k}-${j}`, Data: Buffer.alloc(4000, k * 500 + j).toString('base64') }));
    const out = await call(first.url, agent, 'PutRecords', { StreamName: 'durable', Records: batch });
    out.Records.forEach((r: any, j: number) => acked.set(r.SequenceNumber, batch[j]!.Data));
  }
  let stop = false;
  let n = 0;
  const writer = async (): Promise<void> => {
    while (!stop) {
      const i = n++;
      const batch = Array.from({ length: 5 }, (_, j) => ({ PartitionKey: `pk-${i}-${j}`, Data: Buffer.from(`record ${i}.${j}`.padEnd(padding, '.')).toString('base64') }));
      try {
        const out = await call(first.url, agent, 'PutRecords', { StreamName: 'durable', Records: batch });
        out.Records.forEach((r: any, j: number) => acked.set(r.SequenceNumber, batch[j]!.Data));
      } catch {
        return; // the server died under us: this batch was never acknowledged
      }
    }
  };
  const writers = Array.from({ length: 16 }, writer);
  await new Promise((r) => setTimeout(r, 1500));
  first.process.kill('SIGKILL');
  stop = true;
  await Promise.all(writers);
  await agent.close();
  assert.ok(acked.size > 100, `only ${acked.size} records were acknowledged before the kill`);

  const second = await spawnSluice(args);
  const agent2 = new Agent();
  try {
    const found = new Map<string, string>();
    let maxSeq = 0n;
    for (const shard of ['shardId-000000000000', 'shardId-000000000001']) {
      let it = (await call(second.url, agent2, 'GetShardIterator', { StreamName: 'durable', ShardId: shard, ShardIteratorType: 'TRIM_HORIZON' })).ShardIterator;
      for (;;) {
        const out = await call(second.url, agent2, 'GetRecords', { ShardIterator: it });
        for (const r of out.Records) found.set(r.SequenceNumber, r.Data);
        if (out.Records.length === 0) break;
        it = out.NextShardIterator;
      }
    }
    for (const [seq, data] of acked) {
      assert.equal(found.get(seq), data, `acknowledged record ${seq} is missing or changed`);
      if (BigInt(seq) > maxSeq) maxSeq = BigInt(seq);
    }
    // Numbers keep rising after the restart.
    const after = await call(second.url, agent2, 'PutRecords', {
      StreamName: 'durable',
      Records: ['a', 'b', 'c', 'd'].map((k) => ({ PartitionKey: k, Data: 'AAAA' })),
    });
    for (const r of after.Records) {
      const sameShard = [...found.keys()].filter((s) => s.slice(15, 21) === r.SequenceNumber.slice(15, 21));
      for (const s of sameShard) assert.ok(BigInt(r.SequenceNumber) > BigInt(s));
    }
  } finally {
    await agent2.close();
    await second.stop();
  }
}

describe('durability', () => {
  it('keeps every acknowledged record across kill -9', () => killedUnderLoad(0));
  it('keeps every acknowledged record across kill -9 while checkpoints run in the background', () => killedUnderLoad(2000));
});
