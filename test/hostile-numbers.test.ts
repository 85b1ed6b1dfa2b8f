/**
 * Numbers that are not numbers (issue 14, "Found" 1): NaN, ±Infinity, huge
 * and fractional values and bignums sent in CBOR (and what JSON can express of
 * them) are refused at the protocol layer with SerializationException, before
 * any state changes; a restart on the same data dir starts cleanly with every
 * record intact. And state that cannot be loaded (as NaN-bricked data dirs
 * had) is reported and set aside, and the rest of the server starts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { encode as cborEncode, Tag } from 'cbor-x';
import { decodeCbor as cborDecode } from './helpers/cbor.js';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import type { Sluice } from '../src/server/app.js';
import { startTestSluice, tempDir } from './helpers/sluice.js';

const dir = tempDir();
let sluice: Sluice;

async function call(action: string, body: unknown, format: 'json' | 'cbor'): Promise<{ status: number; body: any }> {
  const cbor = format === 'cbor';
  const res = await fetch(`${sluice.url}/`, {
    method: 'POST',
    headers: { 'content-type': cbor ? 'application/x-amz-cbor-1.1' : 'application/x-amz-json-1.1', 'x-amz-target': `Kinesis_20131202.${action}` },
    body: cbor ? cborEncode(body) : (body as string),
  });
  const buf = Buffer.from(await res.arrayBuffer());
  return { status: res.status, body: buf.length === 0 ? undefined : cbor ? cborDecode(buf) : JSON.parse(buf.toString()) };
}

async function summary(): Promise<any> {
  return (await call('DescribeStreamSummary', { StreamName: 'nums' }, 'cbor')).body.StreamDescriptionSummary;
}

/** Every record of the stream, from every shard (open or closed), sorted. */
async function records(): Promise<string[]> {
  const out: string[] = [];
  const shards = (await call('ListShards', { StreamName: 'nums' }, 'cbor')).body.Shards as Array<{ ShardId: string }>;
  for (const { ShardId } of shards) {
    const it = (await call('GetShardIterator', { StreamName: 'nums', ShardId, ShardIteratorType: 'TRIM_HORIZON' }, 'cbor')).body.ShardIterator;
    const got = (await call('GetRecords', { ShardIterator: it }, 'cbor')).body.Records as Array<{ Data: Uint8Array }>;
    out.push(...got.map((r) => Buffer.from(r.Data).toString()));
  }
  return out.sort();
}

before(async () => {
  sluice = await startTestSluice({ dataDir: dir.path });
  await call('CreateStream', { StreamName: 'nums', ShardCount: 2 }, 'cbor');
  for (const d of ['one', 'two', 'three']) await call('PutRecord', { StreamName: 'nums', PartitionKey: 'k', Data: Buffer.from(d) }, 'cbor');
});

after(async () => {
  await sluice.close();
  dir.remove();
});

const bignum = new Tag(Buffer.alloc(64, 0xff), 2);
const notNumbers: Array<[string, unknown]> = [['NaN', NaN], ['Infinity', Infinity], ['-Infinity', -Infinity], ['2^70', 2 ** 70], ['a 64-byte bignum', bignum]];

describe('integer members refuse what is not an integer (CBOR)', () => {
  const cases: Array<[string, (n: unknown) => Record<string, unknown>]> = [
    ['UpdateShardCount', (n) => ({ StreamName: 'nums', TargetShardCount: n, ScalingType: 'UNIFORM_SCALING' })],
    ['IncreaseStreamRetentionPeriod', (n) => ({ StreamName: 'nums', RetentionPeriodHours: n })],
    ['DecreaseStreamRetentionPeriod', (n) => ({ StreamName: 'nums', RetentionPeriodHours: n })],
    ['ListStreams', (n) => ({ Limit: n })],
    ['ListShards', (n) => ({ StreamName: 'nums', MaxResults: n })],
  ];
  for (const [action, input] of cases) {
    for (const [label, n] of notNumbers) {
      it(`${action} with ${label}: SerializationException, nothing changed`, async () => {
        const before = await summary();
        const r = await call(action, input(n), 'cbor');
        assert.equal(r.status, 400);
        assert.equal(r.body.__type, 'SerializationException');
        // A bignum too large to be any integer is refused before decoding, with no message (as a malformed body is).
        if (n !== bignum) assert.match(r.body.Message, /out of range/);
        assert.deepEqual(await summary(), before);
      });
    }
  }

  it('a fractional value is truncated toward zero, and -0 is 0, as Java reads them', async () => {
    const r = await call('ListShards', { StreamName: 'nums', MaxResults: 1.9 }, 'cbor');
    assert.equal(r.status, 200);
    assert.equal(r.body.Shards.length, 1);
    const zero = await call('ListShards', { StreamName: 'nums', MaxResults: -0 }, 'cbor');
    assert.equal(zero.body.__type, 'ValidationException');
    assert.match(zero.body.message, /Value '0' at 'maxResults'/);
  });

  it('GetRecords Limit of NaN does not switch the limit off', async () => {
    const it = (await call('GetShardIterator', { StreamName: 'nums', ShardId: 'shardId-000000000000', ShardIteratorType: 'TRIM_HORIZON' }, 'cbor')).body.ShardIterator;
    const r = await call('GetRecords', { ShardIterator: it, Limit: NaN }, 'cbor');
    assert.equal(r.body.__type, 'SerializationException');
  });

  it('a timestamp that is not an instant is refused', async () => {
    for (const t of [new Tag(NaN, 1), new Tag(Infinity, 1), new Tag(1e300, 1)]) {
      const r = await call('GetShardIterator', { StreamName: 'nums', ShardId: 'shardId-000000000000', ShardIteratorType: 'AT_TIMESTAMP', Timestamp: t }, 'cbor');
      assert.equal(r.body.__type, 'SerializationException', String(t.value));
    }
  });
});

describe('JSON numbers beyond a double are refused too', () => {
  it('1e400 parses to Infinity and is refused', async () => {
    const r = await call('UpdateShardCount', '{"StreamName":"nums","TargetShardCount":1e400,"ScalingType":"UNIFORM_SCALING"}', 'json');
    assert.equal(r.body.__type, 'SerializationException');
    const big = await call('IncreaseStreamRetentionPeriod', '{"StreamName":"nums","RetentionPeriodHours":99999999999999999999}', 'json');
    assert.equal(big.body.__type, 'SerializationException');
  });
});

describe('restarting on the same data dir', () => {
  it('starts cleanly after every attack above, with the records intact', async () => {
    const before = await records();
    assert.deepEqual(before, ['one', 'three', 'two']);
    await sluice.close();
    sluice = await startTestSluice({ dataDir: dir.path });
    assert.deepEqual(await records(), before);
    assert.equal((await summary()).StreamStatus, 'ACTIVE');
  });

  it('a stream document that cannot be served is set aside; the rest of the server starts', async () => {
    await call('CreateStream', { StreamName: 'healthy', ShardCount: 1 }, 'cbor');
    await call('CreateStream', { StreamName: 'bricked', ShardCount: 1 }, 'cbor');
    await call('UpdateShardCount', { StreamName: 'nums', TargetShardCount: 4, ScalingType: 'UNIFORM_SCALING' }, 'cbor');
    await sluice.close();
    // What a NaN written by an older version looks like on disk: JSON turns NaN into null.
    const db = new Database(join(dir.path, 'sluice.db'));
    const row = db.prepare("SELECT doc FROM documents WHERE kind = 'kinesis-stream' AND id = 'bricked'").get() as { doc: string };
    db.prepare("UPDATE documents SET doc = ? WHERE kind = 'kinesis-stream' AND id = 'bricked'").run(JSON.stringify({ ...JSON.parse(row.doc), retentionHours: null }));
    const nums = JSON.parse((db.prepare("SELECT doc FROM documents WHERE kind = 'kinesis-stream' AND id = 'nums'").get() as { doc: string }).doc);
    db.prepare("UPDATE documents SET doc = ? WHERE kind = 'kinesis-stream' AND id = 'nums'").run(JSON.stringify({ ...nums, status: 'UPDATING', statusUntilMs: 0, pending: { kind: 'scale', target: null } }));
    db.prepare("INSERT INTO documents (kind, id, doc) VALUES ('kinesis-stream', 'garbage', '{not json')").run();
    db.close();

    const lines: string[] = [];
    const { startSluice } = await import('../src/server/app.js');
    const { defaultConfig } = await import('../src/server/config.js');
    sluice = await startSluice({ ...defaultConfig, port: 0, dataDir: dir.path, createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0 }, { log: (l) => lines.push(l) });
    assert.ok(lines.some((l) => /stream "bricked" could not be loaded: retention null hours/.test(l)), lines.join('\n'));
    assert.ok(lines.some((l) => /kinesis-stream "garbage" .* could not be loaded: not JSON/.test(l)), lines.join('\n'));
    assert.ok(lines.some((l) => /stream nums: the reshard it was waiting for was dropped/.test(l)), lines.join('\n'));
    const list = (await call('ListStreams', {}, 'cbor')).body.StreamNames;
    assert.deepEqual(list, ['healthy', 'nums']);
    await new Promise((r) => setTimeout(r, 20));
    assert.equal((await summary()).StreamStatus, 'ACTIVE');
    assert.deepEqual(await records(), ['one', 'three', 'two']);
    // The records of the set-aside stream are still on disk for a person to recover.
    const db2 = new Database(join(dir.path, 'sluice.db'), { readonly: true });
    assert.equal((db2.prepare("SELECT COUNT(*) AS n FROM documents WHERE kind = 'quarantine:kinesis-stream'").get() as { n: number }).n, 2);
    db2.close();
  });
});
