/**
 * Kinesis over the wire, byte for byte: raw JSON 1.1 and CBOR requests and
 * the errors AWS gives for every kind of bad input.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { encode, Tag } from 'cbor-x';
import { decodeCbor as decode } from './helpers/cbor.js';
import type { Sluice } from '../src/server/app.js';
import { kinesisRaw, startTestSluice } from './helpers/sluice.js';

let sluice: Sluice;
let url: string;
const call = (action: string, body: string | Buffer | object, type?: string) => kinesisRaw(url, action, body, type);

before(async () => {
  sluice = await startTestSluice();
  url = sluice.url;
  assert.equal((await call('CreateStream', { StreamName: 'wire', ShardCount: 2 })).status, 200);
});
after(() => sluice.close());

describe('responses', () => {
  it('carry x-amzn-RequestId and x-amz-id-2, in the request encoding', async () => {
    const r = await call('ListStreams', {});
    assert.equal(r.status, 200);
    assert.match(r.headers.get('x-amzn-requestid')!, /^[0-9a-f-]{36}$/);
    assert.ok(r.headers.get('x-amz-id-2'));
    assert.equal(r.headers.get('content-type'), 'application/x-amz-json-1.1');
    assert.deepEqual(r.json.StreamNames, ['wire']);
  });

  it('answer an operation without output with an empty body', async () => {
    const r = await call('IncreaseStreamRetentionPeriod', { StreamName: 'wire', RetentionPeriodHours: 48 });
    assert.equal(r.status, 200);
    assert.equal(r.text, '');
  });

  it('accept the action in ?Action= as the tutorial does', async () => {
    const res = await fetch(`${url}/?Action=ListStreams`, { method: 'POST', headers: { 'content-type': 'application/x-amz-json-1.1' }, body: '{}' });
    assert.equal(res.status, 200);
    assert.deepEqual(((await res.json()) as any).StreamNames, ['wire']);
  });
});

describe('protocol errors', () => {
  it('unknown operation', async () => {
    const r = await call('NoSuchAction', {});
    assert.equal(r.status, 400);
    assert.deepEqual(r.json, { __type: 'UnknownOperationException' });
  });

  it('malformed JSON', async () => {
    const r = await call('ListStreams', '{"Limit": ');
    assert.equal(r.status, 400);
    assert.deepEqual(r.json, { __type: 'SerializationException' });
  });

  it('a JSON body that is not an object', async () => {
    assert.deepEqual((await call('ListStreams', '[1]')).json, { __type: 'SerializationException' });
  });

  it('an empty body', async () => {
    assert.deepEqual((await call('ListStreams', '')).json, { __type: 'SerializationException' });
  });

  it('a string where an integer belongs', async () => {
    const r = await call('ListStreams', { Limit: 'ten' });
    assert.deepEqual(r.json, { __type: 'SerializationException', Message: 'class java.lang.String can not be converted to an Integer' });
  });

  it('a number where a string belongs', async () => {
    const r = await call('DescribeStream', { StreamName: 5 });
    assert.deepEqual(r.json, { __type: 'SerializationException', Message: 'class java.math.BigDecimal can not be converted to an String' });
  });

  it('an object where a string belongs', async () => {
    const r = await call('DescribeStream', { StreamName: { a: 1 } });
    assert.equal(r.json.Message, 'Start of structure or map found where not expected.');
  });

  it('a list where a string belongs', async () => {
    assert.equal((await call('DescribeStream', { StreamName: [] })).json.Message, 'Start of list found where not expected');
  });

  it('invalid base64 in a blob', async () => {
    const r = await call('PutRecord', { StreamName: 'wire', PartitionKey: 'k', Data: 'abc' });
    assert.equal(r.json.__type, 'SerializationException');
    assert.equal(r.json.Message, "'abc' can not be converted to a Blob: Base64 encoded length is expected a multiple of 4 bytes but found: 3");
    const r2 = await call('PutRecord', { StreamName: 'wire', PartitionKey: 'k', Data: 'ab!d' });
    assert.equal(r2.json.Message, "'ab!d' can not be converted to a Blob: Invalid Base64 character: '!'");
    // "QR==" carries bits its padding discards ("QQ==" is the canonical form of the same byte).
    const r3 = await call('PutRecord', { StreamName: 'wire', PartitionKey: 'k', Data: 'QR==' });
    assert.equal(r3.json.Message, "'QR==' can not be converted to a Blob: Invalid last non-pad Base64 character dectected");
    assert.equal((await call('PutRecord', { StreamName: 'wire', PartitionKey: 'k', Data: 'QQ==' })).status, 200);
    // Too much padding, and the URL-safe alphabet, are not base64 to AWS either.
    assert.equal((await call('PutRecord', { StreamName: 'wire', PartitionKey: 'k', Data: 'Q===' })).json.Message,
      "'Q===' can not be converted to a Blob: Invalid last non-pad Base64 character dectected");
    assert.equal((await call('PutRecord', { StreamName: 'wire', PartitionKey: 'k', Data: 'ab-_' })).json.Message,
      "'ab-_' can not be converted to a Blob: Invalid Base64 character: '-'");
  });

  it('an oversized body is refused, not crashed on', async () => {
    const r = await call('PutRecord', Buffer.alloc(17 * 1024 * 1024, 0x20));
    assert.equal(r.status, 413);
    // and the server still answers
    assert.equal((await call('ListStreams', {})).status, 200);
  });
});

describe('validation', () => {
  it('reports a missing required member', async () => {
    const r = await call('PutRecord', { StreamName: 'wire', Data: 'AAAA' });
    assert.equal(r.status, 400);
    assert.deepEqual(r.json, {
      __type: 'ValidationException',
      message: "1 validation error detected: Value null at 'partitionKey' failed to satisfy constraint: Member must not be null",
    });
  });

  it('reports every broken constraint, in member order', async () => {
    const r = await call('PutRecord', { StreamName: 'a b', PartitionKey: 'k'.repeat(257), Data: 'AAAA', ExplicitHashKey: 'x' });
    assert.equal(r.json.__type, 'ValidationException');
    assert.equal(r.json.message,
      "3 validation errors detected: " +
      "Value 'x' at 'explicitHashKey' failed to satisfy constraint: Member must satisfy regular expression pattern: 0|([1-9]\\d{0,38}); " +
      `Value '${'k'.repeat(257)}' at 'partitionKey' failed to satisfy constraint: Member must have length less than or equal to 256; ` +
      "Value 'a b' at 'streamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+");
  });

  it('names list members by position and shows blobs as Java buffers', async () => {
    const big = Buffer.alloc(1024 * 1024 + 1).toString('base64');
    const r = await call('PutRecords', { StreamName: 'wire', Records: [{ PartitionKey: 'k', Data: 'AAAA' }, { PartitionKey: '', Data: big }] });
    assert.equal(r.json.__type, 'ValidationException');
    assert.match(r.json.message, /Value '' at 'records\.2\.member\.partitionKey' failed to satisfy constraint: Member must have length greater than or equal to 1/);
  });

  it('rejects a record over 1 MiB', async () => {
    const big = Buffer.alloc(1024 * 1024 + 1).toString('base64');
    const r = await call('PutRecord', { StreamName: 'wire', PartitionKey: 'k', Data: big });
    assert.equal(r.json.message,
      "1 validation error detected: Value 'java.nio.HeapByteBuffer[pos=0 lim=1048577 cap=1048577]' at 'data' failed to satisfy constraint: Member must have length less than or equal to 1048576");
  });

  it('checks numeric ranges and enums', async () => {
    const r = await call('GetShardIterator', { StreamName: 'wire', ShardId: 'shardId-000000000000', ShardIteratorType: 'OLDEST' });
    assert.match(r.json.message, /Value 'OLDEST' at 'shardIteratorType' failed to satisfy constraint: Member must satisfy enum value set: \[AT_SEQUENCE_NUMBER, AFTER_SEQUENCE_NUMBER, TRIM_HORIZON, LATEST, AT_TIMESTAMP\]/);
    const r2 = await call('ListStreams', { Limit: 0 });
    assert.equal(r2.json.message, "1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1");
  });

  it('stops at ten messages', async () => {
    const Records = Array.from({ length: 12 }, () => ({ PartitionKey: '', Data: 'AAAA' }));
    const r = await call('PutRecords', { StreamName: 'wire', Records });
    assert.match(r.json.message, /^10 validation errors detected: /);
  });
});

describe('CBOR', () => {
  const cbor = 'application/x-amz-cbor-1.1';

  it('round-trips blobs as byte strings and timestamps as tag-1 milliseconds', async () => {
    const put = await call('PutRecord', encode({ StreamName: 'wire', PartitionKey: 'p', Data: Buffer.from('cbor!') }), cbor);
    assert.equal(put.status, 200);
    assert.equal(put.headers.get('content-type'), cbor);
    const { ShardId } = decode(put.buffer);
    const it1 = decode((await call('GetShardIterator', encode({ StreamName: 'wire', ShardId, ShardIteratorType: 'TRIM_HORIZON' }), cbor)).buffer);
    const got = await call('GetRecords', encode({ ShardIterator: it1.ShardIterator }), cbor);
    const raw = decode(got.buffer);
    const rec = raw.Records.at(-1);
    assert.ok(rec.Data instanceof Uint8Array);
    assert.equal(Buffer.from(rec.Data).toString(), 'cbor!');
    assert.ok(Math.abs(rec.ApproximateArrivalTimestamp.getTime() / 1000 - Date.now()) < 60_000, 'tag 1 carries milliseconds');

    const ms = Date.now() - 1000;
    const at = await call('GetShardIterator', encode({ StreamName: 'wire', ShardId, ShardIteratorType: 'AT_TIMESTAMP', Timestamp: new Tag(ms, 1) }), cbor);
    assert.equal(at.status, 200);
  });

  it('answers errors in CBOR', async () => {
    const r = await call('DescribeStream', encode({ StreamName: 'nope' }), cbor);
    assert.equal(r.status, 400);
    assert.deepEqual(decode(r.buffer), { __type: 'ResourceNotFoundException', message: 'Stream nope under account 000000000000 not found.' });
    const bad = await call('DescribeStream', Buffer.from([0xff, 0x00]), cbor);
    assert.deepEqual(decode(bad.buffer), { __type: 'SerializationException' });
  });
});
