/** Which action and resource a Kinesis request needs, read from JSON and CBOR bodies. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Encoder } from 'cbor-x';
import type { SluiceRequest } from '../server/types.js';
import { kinesisTarget } from './kinesis-hook.js';

const options = { region: 'us-east-1', accountId: '000000000000', streamOfIterator: (it: string) => (it === 'ITER' ? 'fromIterator' : undefined) };
const ARN = 'arn:aws:kinesis:us-east-1:000000000000:stream/';

function req(action: string, body: Buffer, contentType = 'application/x-amz-json-1.1', byQuery = false): SluiceRequest {
  const query = new URLSearchParams(byQuery ? { Action: action } : {});
  return {
    method: 'POST',
    path: '/',
    rawQuery: query.toString(),
    query,
    headers: { 'content-type': contentType, ...(byQuery ? {} : { 'x-amz-target': `Kinesis_20131202.${action}` }) },
    body,
    requestId: 'r',
    remoteAddress: '127.0.0.1',
    scheme: 'http',
  };
}
const json = (v: object): Buffer => Buffer.from(JSON.stringify(v));

describe('Kinesis authorization targets', () => {
  it('StreamName, StreamARN, ConsumerARN and the shard iterator name the resource', () => {
    assert.deepEqual(kinesisTarget(req('PutRecord', json({ StreamName: 's' })), options), { action: 'kinesis:PutRecord', resource: `${ARN}s` });
    assert.deepEqual(kinesisTarget(req('DescribeStream', json({ StreamARN: `${ARN}t` })), options), { action: 'kinesis:DescribeStream', resource: `${ARN}t` });
    assert.equal(kinesisTarget(req('DescribeStreamConsumer', json({ ConsumerARN: `${ARN}t/consumer/c:1` })), options)!.resource, `${ARN}t/consumer/c:1`);
    assert.equal(kinesisTarget(req('GetRecords', json({ ShardIterator: 'ITER' })), options)!.resource, `${ARN}fromIterator`);
    assert.equal(kinesisTarget(req('ListStreams', json({})), options)!.resource, '*');
  });

  it('reads CBOR bodies and ?Action= requests (as API Gateway sends them)', () => {
    const cbor = new Encoder({ useRecords: false } as any).encode({ StreamName: 'c', Data: new Uint8Array([1]) });
    assert.deepEqual(kinesisTarget(req('PutRecord', Buffer.from(cbor), 'application/x-amz-cbor-1.1'), options), { action: 'kinesis:PutRecord', resource: `${ARN}c` });
    assert.deepEqual(kinesisTarget(req('PutRecords', json({ StreamName: 'q', Records: [] }), 'application/x-amz-json-1.1', true), options), { action: 'kinesis:PutRecords', resource: `${ARN}q` });
  });

  it('names nothing for unknown operations (the service answers them)', () => {
    assert.equal(kinesisTarget(req('Explode', json({})), options), undefined);
  });
});
