/**
 * CBOR answers carry timestamps as AWS writes them: tag 1 around an integer
 * count of milliseconds (`c1 1b <8 bytes>`), never around a float (`c1 fb`),
 * which the AWS SDK for Java v2 refuses. Pinned byte by byte for every
 * timestamp a Kinesis answer has.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { encode } from 'cbor-x';
import { decodeCbor as decode } from './helpers/cbor.js';
import type { Sluice } from '../src/server/app.js';
import { startTestSluice } from './helpers/sluice.js';

let sluice: Sluice;

async function cbor(action: string, body: object): Promise<{ bytes: Buffer; doc: any }> {
  const res = await fetch(`${sluice.url}/`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-cbor-1.1', 'x-amz-target': `Kinesis_20131202.${action}` },
    body: encode(body),
  });
  const bytes = Buffer.from(await res.arrayBuffer());
  assert.equal(res.status, 200, bytes.toString());
  return { bytes, doc: bytes.length > 0 ? decode(bytes) : undefined };
}

/** The bytes that follow a text key in a CBOR answer. */
function after_(bytes: Buffer, key: string, n: number): Buffer {
  const k = Buffer.concat([Buffer.from([0x60 + key.length]), Buffer.from(key)]);
  const at = bytes.indexOf(k.length <= 24 ? k : Buffer.concat([Buffer.from([0x78, key.length]), Buffer.from(key)]));
  assert.ok(at >= 0, `no ${key}`);
  const start = at + (key.length < 24 ? 1 : 2) + key.length;
  return bytes.subarray(start, start + n);
}

function assertIntegerTime(bytes: Buffer, key: string, near: number): void {
  const v = after_(bytes, key, 10);
  assert.equal(v[0], 0xc1, `${key}: tag 1`);
  assert.equal(v[1], 0x1b, `${key}: an 8-byte unsigned integer follows, not a float (${v.toString('hex')})`);
  const ms = Number(v.readBigUInt64BE(2));
  assert.ok(Math.abs(ms - near) < 60_000, `${key}: ${ms} is milliseconds since 1970`);
}

before(async () => {
  sluice = await startTestSluice();
  await cbor('CreateStream', { StreamName: 'times', ShardCount: 1 });
});
after(() => sluice.close());

describe('CBOR timestamps are tag 1 around integer milliseconds', () => {
  it('StreamCreationTimestamp (DescribeStream, DescribeStreamSummary, ListStreams)', async () => {
    assertIntegerTime((await cbor('DescribeStreamSummary', { StreamName: 'times' })).bytes, 'StreamCreationTimestamp', Date.now());
    assertIntegerTime((await cbor('DescribeStream', { StreamName: 'times' })).bytes, 'StreamCreationTimestamp', Date.now());
    assertIntegerTime((await cbor('ListStreams', {})).bytes, 'StreamCreationTimestamp', Date.now());
  });

  it('ApproximateArrivalTimestamp (GetRecords)', async () => {
    const put = (await cbor('PutRecord', { StreamName: 'times', PartitionKey: 'k', Data: Buffer.from('x') })).doc;
    const it = (await cbor('GetShardIterator', { StreamName: 'times', ShardId: put.ShardId, ShardIteratorType: 'TRIM_HORIZON' })).doc;
    const got = await cbor('GetRecords', { ShardIterator: it.ShardIterator });
    assertIntegerTime(got.bytes, 'ApproximateArrivalTimestamp', Date.now());
    assert.ok(got.doc.Records[0].ApproximateArrivalTimestamp instanceof Date);
  });

  it('ConsumerCreationTimestamp (RegisterStreamConsumer, DescribeStreamConsumer)', async () => {
    const arn = 'arn:aws:kinesis:us-east-1:000000000000:stream/times';
    assertIntegerTime((await cbor('RegisterStreamConsumer', { StreamARN: arn, ConsumerName: 'c' })).bytes, 'ConsumerCreationTimestamp', Date.now());
    assertIntegerTime((await cbor('DescribeStreamConsumer', { StreamARN: arn, ConsumerName: 'c' })).bytes, 'ConsumerCreationTimestamp', Date.now());
  });
});
