/**
 * Large GetRecords answers are written straight from storage into buffers
 * that are reused once sent. These pin down that no answer is ever damaged by
 * that reuse: many large reads at once over HTTP/1.1 and HTTP/2, and a client
 * that stops reading mid-answer while others keep the server busy.
 */
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import * as K from '@aws-sdk/client-kinesis';
import { encode } from 'cbor-x';
import { decodeCbor as decode } from './helpers/cbor.js';
import type { Sluice } from '../src/server/app.js';
import { kinesisRaw, startTestSluice, testCredentials } from './helpers/sluice.js';

const RECORDS = 4000;
const DATA_BYTES = 2000;
let sluice: Sluice;
let sdk: K.KinesisClient;

/** Record i's data: every byte derived from i, so a record from elsewhere never passes. */
const dataOf = (i: number): Buffer => Buffer.from(Array.from({ length: DATA_BYTES }, (_, j) => (i * 31 + j * 7) & 255));

before(async () => {
  sluice = await startTestSluice();
  sdk = new K.KinesisClient({ endpoint: sluice.url, region: 'us-east-1', credentials: testCredentials, maxAttempts: 1 });
  await sdk.send(new K.CreateStreamCommand({ StreamName: 'big', ShardCount: 1 }));
  await K.waitUntilStreamExists({ client: sdk, maxWaitTime: 30 }, { StreamName: 'big' });
  for (let first = 0; first < RECORDS; first += 500) {
    const Records = Array.from({ length: 500 }, (_, k) => ({ PartitionKey: `r${first + k}`, Data: dataOf(first + k) }));
    const out = await sdk.send(new K.PutRecordsCommand({ StreamName: 'big', Records }));
    assert.equal(out.FailedRecordCount, 0);
  }
});
after(async () => {
  sdk.destroy();
  await sluice.close();
});

const startIterator = async (): Promise<string> =>
  (await sdk.send(new K.GetShardIteratorCommand({ StreamName: 'big', ShardId: 'shardId-000000000000', ShardIteratorType: 'TRIM_HORIZON' }))).ShardIterator!;

function checkRecords(records: Array<{ PartitionKey?: string; Data?: Uint8Array | string }>, from: number): void {
  records.forEach((r, k) => {
    assert.equal(r.PartitionKey, `r${from + k}`);
    const data = typeof r.Data === 'string' ? Buffer.from(r.Data, 'base64') : Buffer.from(r.Data!);
    assert.ok(data.equals(dataOf(from + k)), `record ${from + k} came back damaged`);
  });
}

/** Reads the whole shard in 1000-record answers: through the SDK (HTTP/2), or raw HTTP/1.1 in JSON or CBOR. */
async function readAll(via: 'h2' | 'http1' | 'cbor'): Promise<void> {
  let iterator = await startIterator();
  let seen = 0;
  while (seen < RECORDS) {
    let records: Array<{ PartitionKey?: string; Data?: Uint8Array | string }>;
    let next: string | undefined;
    if (via === 'h2') {
      const out = await sdk.send(new K.GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
      records = out.Records!;
      next = out.NextShardIterator;
    } else if (via === 'cbor') {
      const out = await kinesisRaw(sluice.url, 'GetRecords', encode({ ShardIterator: iterator, Limit: 1000 }), 'application/x-amz-cbor-1.1');
      assert.equal(out.status, 200);
      const answer = decode(out.buffer) as { Records: Array<{ PartitionKey: string; Data: Uint8Array }>; NextShardIterator: string };
      records = answer.Records;
      next = answer.NextShardIterator;
    } else {
      const out = await kinesisRaw(sluice.url, 'GetRecords', { ShardIterator: iterator, Limit: 1000 });
      assert.equal(out.status, 200, out.text.slice(0, 200));
      records = out.json.Records;
      next = out.json.NextShardIterator;
    }
    checkRecords(records, seen);
    seen += records.length;
    iterator = next!;
  }
}

describe('large GetRecords answers', () => {
  it('stay intact with many in flight over HTTP/2 and HTTP/1.1, in JSON and CBOR, at once', async () => {
    const readers = [...Array(3).fill('h2'), ...Array(3).fill('http1'), ...Array(3).fill('cbor')] as Array<'h2' | 'http1' | 'cbor'>;
    for (let pass = 0; pass < 2; pass++) await Promise.all(readers.map(readAll));
  });

  it('stay intact for a client that stops reading while others are answered', async () => {
    const iterator = await startIterator();
    const body = JSON.stringify({ ShardIterator: iterator, Limit: 4000 });
    const port = new URL(sluice.url).port;
    const socket = connect(Number(port), '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.pause();
    socket.write(`POST / HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/x-amz-json-1.1\r\n` +
      `x-amz-target: Kinesis_20131202.GetRecords\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
    // While this ~11 MB answer sits half-sent, other large answers come and go.
    await new Promise((r) => setTimeout(r, 200));
    await Promise.all([readAll('http1'), readAll('cbor'), readAll('h2')]);
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.resume();
    await new Promise((resolve) => socket.once('end', resolve));
    const raw = Buffer.concat(chunks).toString('utf8');
    const head = raw.indexOf('\r\n\r\n');
    assert.match(raw.slice(0, head), /^HTTP\/1\.1 200/);
    const out = JSON.parse(raw.slice(head + 4)) as { Records: Array<{ PartitionKey: string; Data: string }> };
    assert.equal(out.Records.length, RECORDS);
    checkRecords(out.Records, 0);
  });
});
