import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { resourceRows, serviceReference } from '../iam/reference.js';
import { IteratorCodec } from './iterators.js';
import { kinesisModel } from './model.js';
import { TargetResolver } from './targets.js';

const account = { region: 'us-east-1', accountId: '123456789012' };
const codec = new IteratorCodec(randomBytes(32));
const resolver = new TargetResolver(kinesisModel, account, codec);
const arn = (name: string): string => `arn:aws:kinesis:us-east-1:123456789012:stream/${name}`;

/** Actions the published reference lists with no resource type that Sluice authorizes on their stream (docs/security.md). */
const ON_STREAM_DESPITE_REFERENCE = new Set(['UpdateShardCount', 'UpdateStreamMode', 'EnableEnhancedMonitoring', 'DisableEnhancedMonitoring']);

describe('Kinesis call targets agree with the Service Authorization Reference', () => {
  const reference = serviceReference('kinesis');
  for (const operation of Object.keys(kinesisModel.operations)) {
    it(operation, () => {
      const action = reference.actions[operation];
      assert.ok(action, `kinesis:${operation} is in the reference`);
      const types = new Set(resourceRows(action).map((r) => r.type));
      const kind = resolver.kindOf(operation);
      switch (kind) {
        case 'account':
          assert.deepEqual([...types], []);
          break;
        case 'stream':
        case 'iterator':
        case 'list-shards':
          if (ON_STREAM_DESPITE_REFERENCE.has(operation)) assert.deepEqual([...types], []);
          else assert.ok(types.has('stream'), [...types].join());
          break;
        case 'consumer':
          assert.deepEqual([...types], ['consumer']);
          break;
        case 'resource':
          assert.ok(types.has('stream') && types.has('consumer'), [...types].join());
          break;
        default:
          assert.fail(`no target kind for ${operation}`);
      }
    });
  }
});

describe('resolving what a call acts on', () => {
  it('StreamName and StreamARN must name the same stream', () => {
    assert.deepEqual(resolver.resolve('PutRecord', { StreamName: 'a', StreamARN: arn('a') }), { kind: 'stream', stream: { name: 'a', arn: arn('a') } });
    assert.throws(() => resolver.resolve('PutRecord', { StreamName: 'a', StreamARN: arn('b') }), { name: 'InvalidArgumentException' });
  });

  it('an ARN of another account or region names no stream here', () => {
    assert.throws(() => resolver.resolve('DescribeStreamSummary', { StreamARN: 'arn:aws:kinesis:eu-west-1:123456789012:stream/a' }), { name: 'ResourceNotFoundException' });
    assert.throws(() => resolver.resolve('DescribeStreamSummary', { StreamARN: 'arn:aws:kinesis:us-east-1:999999999999:stream/a' }), { name: 'ResourceNotFoundException' });
  });

  it('ResourceARN names a stream or a consumer', () => {
    assert.equal(resolver.resolve('PutResourcePolicy', { ResourceARN: arn('a') }).kind, 'stream');
    const consumer = resolver.resolve('PutResourcePolicy', { ResourceARN: `${arn('a')}/consumer/c:1700000000` });
    assert.deepEqual(consumer, { kind: 'consumer', consumer: { stream: { name: 'a', arn: arn('a') }, name: 'c', arn: `${arn('a')}/consumer/c:1700000000` } });
  });

  it('a consumer by ARN must agree with the StreamARN and ConsumerName beside it', () => {
    const consumerArn = `${arn('a')}/consumer/c:1700000000`;
    assert.throws(() => resolver.resolve('DescribeStreamConsumer', { ConsumerARN: consumerArn, StreamARN: arn('b') }), { name: 'InvalidArgumentException' });
    assert.throws(() => resolver.resolve('DescribeStreamConsumer', { ConsumerARN: consumerArn, ConsumerName: 'd' }), { name: 'InvalidArgumentException' });
    assert.deepEqual(resolver.resolve('DescribeStreamConsumer', { StreamARN: arn('a'), ConsumerName: 'c' }), { kind: 'consumer', consumer: { stream: { name: 'a', arn: arn('a') }, name: 'c' } });
  });

  it("GetRecords acts on the iterator's stream; a StreamARN beside it must be that stream", () => {
    const iterator = codec.encode({ streamName: 'a', streamId: 1, shard: 0, position: 0, issuedMs: Date.now() });
    const t = resolver.resolve('GetRecords', { ShardIterator: iterator });
    assert.equal(t.kind === 'iterator' && t.stream?.name, 'a');
    assert.throws(() => resolver.resolve('GetRecords', { ShardIterator: iterator, StreamARN: arn('b') }), { name: 'InvalidArgumentException' });
    const forged = resolver.resolve('GetRecords', { ShardIterator: 'not-an-iterator' });
    assert.deepEqual(forged, { kind: 'iterator', stream: undefined, iterator: undefined });
  });

  it('ListShards continues on the stream its NextToken names', () => {
    const token = Buffer.from(JSON.stringify({ stream: 'a', after: 'shardId-000000000001', t: Date.now() })).toString('base64');
    assert.deepEqual(resolver.resolve('ListShards', { NextToken: token }), { kind: 'stream', stream: { name: 'a', arn: arn('a') } });
    assert.throws(() => resolver.resolve('ListShards', { NextToken: token, StreamName: 'b' }), { name: 'InvalidArgumentException' });
  });

  it('account actions name no resource', () => {
    assert.deepEqual(resolver.resolve('ListStreams', {}), { kind: 'account' });
  });
});
