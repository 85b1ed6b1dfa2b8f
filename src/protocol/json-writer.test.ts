import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { kinesisModel } from '../kinesis/model.js';
import { jsonText, jsonWriter } from './json-writer.js';
import { shapeOutput } from './shapes.js';

/** Both compiled forms must produce exactly what shaping + JSON.stringify produce. */
const same = (shape: string, value: Record<string, unknown>): void => {
  const expected = JSON.stringify(shapeOutput(kinesisModel, { shape }, value, 'json'));
  assert.equal(jsonWriter(kinesisModel, shape)(value).bytes().toString('utf8'), expected);
  assert.equal(jsonText(kinesisModel, shape, value), expected);
};

describe('compiled JSON writers', () => {
  it('escape exactly what JSON.stringify escapes', () => {
    for (const key of ['plain', 'quo"te', 'back\\slash', 'ctl\u0001', 'emoji😀', 'lone\ud800', 'tab\t', 'ünïcödé', '\u2028', '']) {
      same('GetRecordsOutput', { Records: [{ SequenceNumber: '1', PartitionKey: key, Data: Buffer.from('x'), ApproximateArrivalTimestamp: 1000 }], MillisBehindLatest: 0 });
    }
  });

  it('write blobs as base64 (slices too), timestamps as epoch seconds, and drop unknown members', () => {
    const source = Buffer.from('..hello..');
    const out = jsonWriter(kinesisModel, 'GetRecordsOutput')({
      Records: [{ SequenceNumber: '7', ApproximateArrivalTimestamp: new Date(1500), Data: { source, start: 2, end: 7 }, PartitionKey: 'k', internal: 1 }],
      MillisBehindLatest: 3,
      NextShardIterator: 'it',
    });
    assert.deepEqual(JSON.parse(out.bytes().toString('utf8')), {
      Records: [{ SequenceNumber: '7', ApproximateArrivalTimestamp: 1.5, Data: Buffer.from('hello').toString('base64'), PartitionKey: 'k' }],
      NextShardIterator: 'it',
      MillisBehindLatest: 3,
    });
  });

  it('write maps, nested structures and lists of strings', () => {
    same('DescribeStreamOutput', {
      StreamDescription: {
        StreamName: 's', StreamARN: 'arn', StreamStatus: 'ACTIVE', Shards: [{ ShardId: 'a', HashKeyRange: { StartingHashKey: '0', EndingHashKey: '9' }, SequenceNumberRange: { StartingSequenceNumber: '1' } }],
        HasMoreShards: false, RetentionPeriodHours: 24, StreamCreationTimestamp: new Date(0), EnhancedMonitoring: [{ ShardLevelMetrics: ['IncomingBytes'] }],
      },
    });
    same('ListTagsForStreamOutput', { Tags: [{ Key: 'k"', Value: 'v' }], HasMoreTags: true });
  });

  it('grow their buffer for large answers and write multi-byte text intact', () => {
    const Records = Array.from({ length: 3000 }, (_, i) => ({ SequenceNumber: String(i), PartitionKey: `ключ-${i}-😀`, Data: Buffer.alloc(300, i % 256), ApproximateArrivalTimestamp: 1000 + i }));
    same('GetRecordsOutput', { Records, MillisBehindLatest: 0, NextShardIterator: 'x' });
    same('GetRecordsOutput', { Records: Records.slice(0, 2), MillisBehindLatest: 0 });
  });
});
