/**
 * Kinesis through @aws-sdk/client-kinesis with its defaults (HTTP/2 to an
 * http:// endpoint): every action of the core, its paging and its errors.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as K from '@aws-sdk/client-kinesis';
import type { Sluice } from '../src/server/app.js';
import { rejectsWith } from './helpers/aws-errors.js';
import { startTestSluice, testCredentials } from './helpers/sluice.js';

let sluice: Sluice;
let kinesis: K.KinesisClient;

before(async () => {
  sluice = await startTestSluice({ shardLimit: 60 });
  kinesis = new K.KinesisClient({ endpoint: sluice.url, region: 'us-east-1', credentials: testCredentials, maxAttempts: 1 });
});
after(async () => {
  kinesis.destroy();
  await sluice.close();
});

const send = <T>(cmd: any): Promise<T> => kinesis.send(cmd) as Promise<T>;
const rejects = (cmd: any, name: string, message?: string | RegExp): Promise<void> => rejectsWith(kinesis.send(cmd), name, message, 400);

describe('streams', () => {
  it('creates, lists and describes with the tutorial\'s shard layout', async () => {
    await send(new K.CreateStreamCommand({ StreamName: 'myStream', ShardCount: 5 }));
    await send(new K.CreateStreamCommand({ StreamName: 'yourStream', ShardCount: 1 }));
    const list = await send<K.ListStreamsCommandOutput>(new K.ListStreamsCommand({}));
    assert.deepEqual(list.StreamNames, ['myStream', 'yourStream']);
    assert.equal(list.HasMoreStreams, false);
    assert.equal(list.StreamSummaries![0]!.StreamARN, 'arn:aws:kinesis:us-east-1:000000000000:stream/myStream');
    const d = (await send<K.DescribeStreamCommandOutput>(new K.DescribeStreamCommand({ StreamName: 'myStream' }))).StreamDescription!;
    assert.equal(d.StreamStatus, 'ACTIVE');
    assert.equal(d.RetentionPeriodHours, 24);
    assert.equal(d.EncryptionType, 'NONE');
    assert.deepEqual(d.EnhancedMonitoring, [{ ShardLevelMetrics: [] }]);
    assert.deepEqual(d.StreamModeDetails, { StreamMode: 'PROVISIONED' });
    assert.deepEqual(d.Shards!.map((s) => s.ShardId), [0, 1, 2, 3, 4].map((i) => `shardId-00000000000${i}`));
    assert.deepEqual(d.Shards![0]!.HashKeyRange, { StartingHashKey: '0', EndingHashKey: '68056473384187692692674921486353642290' });
    assert.deepEqual(d.Shards![4]!.HashKeyRange, {
      StartingHashKey: '272225893536750770770699685945414569164',
      EndingHashKey: '340282366920938463463374607431768211455',
    });
    assert.match(d.Shards![0]!.SequenceNumberRange!.StartingSequenceNumber!, /^\d{56}$/);
  });

  it('refuses a duplicate name and unknown streams, worded as AWS', async () => {
    await rejects(new K.CreateStreamCommand({ StreamName: 'myStream', ShardCount: 1 }), 'ResourceInUseException',
      'Stream myStream under account 000000000000 already exists.');
    await rejects(new K.DescribeStreamCommand({ StreamName: 'missing' }), 'ResourceNotFoundException',
      'Stream missing under account 000000000000 not found.');
  });

  it('enforces the account shard limit', async () => {
    await rejects(new K.CreateStreamCommand({ StreamName: 'huge', ShardCount: 100 }), 'LimitExceededException',
      /^This request would exceed the shard limit for the account 000000000000 in us-east-1\. Current shard count for the account: 6\. Limit: 60\./);
  });

  it('pages DescribeStream with Limit and ExclusiveStartShardId', async () => {
    const p1 = (await send<K.DescribeStreamCommandOutput>(new K.DescribeStreamCommand({ StreamName: 'myStream', Limit: 2 }))).StreamDescription!;
    assert.deepEqual(p1.Shards!.map((s) => s.ShardId), ['shardId-000000000000', 'shardId-000000000001']);
    assert.equal(p1.HasMoreShards, true);
    const p2 = (await send<K.DescribeStreamCommandOutput>(new K.DescribeStreamCommand({ StreamName: 'myStream', ExclusiveStartShardId: 'shardId-000000000003' }))).StreamDescription!;
    assert.deepEqual(p2.Shards!.map((s) => s.ShardId), ['shardId-000000000004']);
    assert.equal(p2.HasMoreShards, false);
  });

  it('pages ListStreams by NextToken and by ExclusiveStartStreamName', async () => {
    const p1 = await send<K.ListStreamsCommandOutput>(new K.ListStreamsCommand({ Limit: 1 }));
    assert.deepEqual(p1.StreamNames, ['myStream']);
    assert.equal(p1.HasMoreStreams, true);
    const p2 = await send<K.ListStreamsCommandOutput>(new K.ListStreamsCommand({ NextToken: p1.NextToken }));
    assert.deepEqual(p2.StreamNames, ['yourStream']);
    const p3 = await send<K.ListStreamsCommandOutput>(new K.ListStreamsCommand({ ExclusiveStartStreamName: 'myStream' }));
    assert.deepEqual(p3.StreamNames, ['yourStream']);
  });

  it('pages ListShards with NextToken, which may not be combined with StreamName', async () => {
    const p1 = await send<K.ListShardsCommandOutput>(new K.ListShardsCommand({ StreamName: 'myStream', MaxResults: 3 }));
    assert.equal(p1.Shards!.length, 3);
    assert.ok(p1.NextToken);
    const p2 = await send<K.ListShardsCommandOutput>(new K.ListShardsCommand({ NextToken: p1.NextToken }));
    assert.deepEqual(p2.Shards!.map((s) => s.ShardId), ['shardId-000000000003', 'shardId-000000000004']);
    assert.equal(p2.NextToken, undefined);
    await rejects(new K.ListShardsCommand({ StreamName: 'myStream', NextToken: p1.NextToken }), 'InvalidArgumentException');
    const filtered = await send<K.ListShardsCommandOutput>(new K.ListShardsCommand({ StreamName: 'myStream', ShardFilter: { Type: 'AFTER_SHARD_ID', ShardId: 'shardId-000000000002' } }));
    assert.deepEqual(filtered.Shards!.map((s) => s.ShardId), ['shardId-000000000003', 'shardId-000000000004']);
    const latest = await send<K.ListShardsCommandOutput>(new K.ListShardsCommand({ StreamName: 'myStream', ShardFilter: { Type: 'AT_LATEST' } }));
    assert.equal(latest.Shards!.length, 5);
  });

  it('accepts StreamARN in place of StreamName', async () => {
    const arn = 'arn:aws:kinesis:us-east-1:000000000000:stream/yourStream';
    const s = await send<K.DescribeStreamSummaryCommandOutput>(new K.DescribeStreamSummaryCommand({ StreamARN: arn }));
    assert.equal(s.StreamDescriptionSummary!.StreamName, 'yourStream');
    assert.equal(s.StreamDescriptionSummary!.OpenShardCount, 1);
    const put = await send<K.PutRecordCommandOutput>(new K.PutRecordCommand({ StreamARN: arn, PartitionKey: 'k', Data: Buffer.from('x') }));
    assert.equal(put.ShardId, 'shardId-000000000000');
  });

  it('changes retention within AWS\'s bounds and words', async () => {
    await send(new K.IncreaseStreamRetentionPeriodCommand({ StreamName: 'yourStream', RetentionPeriodHours: 72 }));
    await rejects(new K.DecreaseStreamRetentionPeriodCommand({ StreamName: 'yourStream', RetentionPeriodHours: 12 }), 'InvalidArgumentException',
      'Minimum allowed retention period is 24 hours. Requested retention period (12 hours) is too short.');
    await rejects(new K.IncreaseStreamRetentionPeriodCommand({ StreamName: 'yourStream', RetentionPeriodHours: 48 }), 'InvalidArgumentException',
      'Requested retention period (48 hours) for stream yourStream can not be shorter than existing retention period (72 hours). Use DecreaseRetentionPeriod API.');
    await send(new K.DecreaseStreamRetentionPeriodCommand({ StreamName: 'yourStream', RetentionPeriodHours: 24 }));
    const s = await send<K.DescribeStreamSummaryCommandOutput>(new K.DescribeStreamSummaryCommand({ StreamName: 'yourStream' }));
    assert.equal(s.StreamDescriptionSummary!.RetentionPeriodHours, 24);
  });
});

describe('records', () => {
  const readAll = async (shardId: string, type: K.ShardIteratorType = 'TRIM_HORIZON', extra: Partial<K.GetShardIteratorCommandInput> = {}) => {
    const it = await send<K.GetShardIteratorCommandOutput>(new K.GetShardIteratorCommand({ StreamName: 'myStream', ShardId: shardId, ShardIteratorType: type, ...extra }));
    return send<K.GetRecordsCommandOutput>(new K.GetRecordsCommand({ ShardIterator: it.ShardIterator }));
  };

  it('routes by the MD5 of the partition key and reads records back in order', async () => {
    // md5("a") = 0x0cc1... falls in shard 0 of 5; md5("b") = 0x92eb... in shard 2
    const a = await send<K.PutRecordCommandOutput>(new K.PutRecordCommand({ StreamName: 'myStream', PartitionKey: 'a', Data: Buffer.from('first') }));
    const b = await send<K.PutRecordCommandOutput>(new K.PutRecordCommand({ StreamName: 'myStream', PartitionKey: 'b', Data: Buffer.from('x') }));
    assert.equal(a.ShardId, 'shardId-000000000000');
    assert.equal(b.ShardId, 'shardId-000000000002');
    const a2 = await send<K.PutRecordCommandOutput>(new K.PutRecordCommand({ StreamName: 'myStream', PartitionKey: 'a', Data: Buffer.from('second') }));
    assert.ok(BigInt(a2.SequenceNumber!) > BigInt(a.SequenceNumber!));
    const got = await readAll('shardId-000000000000');
    assert.deepEqual(got.Records!.map((r) => Buffer.from(r.Data!).toString()), ['first', 'second']);
    assert.deepEqual(got.Records!.map((r) => r.SequenceNumber), [a.SequenceNumber, a2.SequenceNumber]);
    assert.equal(got.Records![0]!.PartitionKey, 'a');
    assert.ok(got.Records![0]!.ApproximateArrivalTimestamp instanceof Date);
    assert.equal(got.MillisBehindLatest, 0);
    assert.ok(got.NextShardIterator);
  });

  it('routes by ExplicitHashKey and refuses one out of range', async () => {
    const r = await send<K.PutRecordCommandOutput>(new K.PutRecordCommand({ StreamName: 'myStream', PartitionKey: 'a', ExplicitHashKey: '340282366920938463463374607431768211455', Data: Buffer.from('e') }));
    assert.equal(r.ShardId, 'shardId-000000000004');
    await rejects(new K.PutRecordCommand({ StreamName: 'myStream', PartitionKey: 'a', ExplicitHashKey: '340282366920938463463374607431768211456', Data: Buffer.from('e') }),
      'InvalidArgumentException', 'Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. Specified value was 340282366920938463463374607431768211456');
  });

  it('orders by SequenceNumberForOrdering', async () => {
    const first = await send<K.PutRecordCommandOutput>(new K.PutRecordCommand({ StreamName: 'myStream', PartitionKey: 'z', Data: Buffer.from('1') }));
    const next = await send<K.PutRecordCommandOutput>(new K.PutRecordCommand({ StreamName: 'myStream', PartitionKey: 'z', Data: Buffer.from('2'), SequenceNumberForOrdering: first.SequenceNumber }));
    assert.ok(BigInt(next.SequenceNumber!) > BigInt(first.SequenceNumber!));
    await rejects(new K.PutRecordCommand({ StreamName: 'myStream', PartitionKey: 'z', Data: Buffer.from('3'), SequenceNumberForOrdering: '1' }),
      'InvalidArgumentException', 'ExclusiveMinimumSequenceNumber 1 used in PutRecord on stream myStream under account 000000000000 is invalid.');
  });

  it('PutRecords answers per record, in order', async () => {
    const out = await send<K.PutRecordsCommandOutput>(new K.PutRecordsCommand({
      StreamName: 'myStream',
      Records: [
        { PartitionKey: 'a', Data: Buffer.from('batch-1') },
        { PartitionKey: 'b', Data: Buffer.from('batch-2') },
        { PartitionKey: 'a', Data: Buffer.from('batch-3') },
      ],
    }));
    assert.equal(out.FailedRecordCount, 0);
    assert.deepEqual(out.Records!.map((r) => r.ShardId), ['shardId-000000000000', 'shardId-000000000002', 'shardId-000000000000']);
    assert.ok(BigInt(out.Records![2]!.SequenceNumber!) > BigInt(out.Records![0]!.SequenceNumber!));
  });

  it('positions iterators of all five types', async () => {
    const all = (await readAll('shardId-000000000000')).Records!;
    assert.ok(all.length >= 3);
    const [r0, r1] = all;
    const at = await readAll('shardId-000000000000', 'AT_SEQUENCE_NUMBER', { StartingSequenceNumber: r1!.SequenceNumber });
    assert.equal(at.Records![0]!.SequenceNumber, r1!.SequenceNumber);
    const afterSeq = await readAll('shardId-000000000000', 'AFTER_SEQUENCE_NUMBER', { StartingSequenceNumber: r0!.SequenceNumber });
    assert.equal(afterSeq.Records![0]!.SequenceNumber, r1!.SequenceNumber);
    const latest = await readAll('shardId-000000000000', 'LATEST');
    assert.equal(latest.Records!.length, 0);
    const ts = await readAll('shardId-000000000000', 'AT_TIMESTAMP', { Timestamp: r1!.ApproximateArrivalTimestamp });
    assert.ok(BigInt(ts.Records![0]!.SequenceNumber!) <= BigInt(r1!.SequenceNumber!));
    const old = await readAll('shardId-000000000000', 'AT_TIMESTAMP', { Timestamp: new Date(0) });
    assert.equal(old.Records![0]!.SequenceNumber, r0!.SequenceNumber);
  });

  it('LATEST sees only records written after it', async () => {
    const it = await send<K.GetShardIteratorCommandOutput>(new K.GetShardIteratorCommand({ StreamName: 'myStream', ShardId: 'shardId-000000000001', ShardIteratorType: 'LATEST' }));
    // md5("c") lands in shard 1? use an explicit key inside shard 1's range instead
    await send(new K.PutRecordCommand({ StreamName: 'myStream', PartitionKey: 'p', ExplicitHashKey: '68056473384187692692674921486353642291', Data: Buffer.from('late') }));
    const got = await send<K.GetRecordsCommandOutput>(new K.GetRecordsCommand({ ShardIterator: it.ShardIterator }));
    assert.deepEqual(got.Records!.map((r) => Buffer.from(r.Data!).toString()), ['late']);
    const again = await send<K.GetRecordsCommandOutput>(new K.GetRecordsCommand({ ShardIterator: got.NextShardIterator }));
    assert.equal(again.Records!.length, 0, 'the next iterator does not re-return records');
  });

  it('honours Limit and continues from NextShardIterator', async () => {
    const it = await send<K.GetShardIteratorCommandOutput>(new K.GetShardIteratorCommand({ StreamName: 'myStream', ShardId: 'shardId-000000000000', ShardIteratorType: 'TRIM_HORIZON' }));
    const one = await send<K.GetRecordsCommandOutput>(new K.GetRecordsCommand({ ShardIterator: it.ShardIterator, Limit: 1 }));
    assert.equal(one.Records!.length, 1);
    const rest = await send<K.GetRecordsCommandOutput>(new K.GetRecordsCommand({ ShardIterator: one.NextShardIterator }));
    assert.equal(rest.Records![0]!.PartitionKey, 'a');
    assert.notEqual(rest.Records![0]!.SequenceNumber, one.Records![0]!.SequenceNumber);
  });

  it('explains wrong iterator requests as AWS does', async () => {
    const base = { StreamName: 'myStream', ShardId: 'shardId-000000000000' };
    await rejects(new K.GetShardIteratorCommand({ ...base, ShardIteratorType: 'AT_SEQUENCE_NUMBER' }), 'InvalidArgumentException',
      'Must either specify (1) AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER and StartingSequenceNumber or (2) TRIM_HORIZON or LATEST and no StartingSequenceNumber. Request specified AT_SEQUENCE_NUMBER and no StartingSequenceNumber.');
    const d = (await send<K.DescribeStreamCommandOutput>(new K.DescribeStreamCommand({ StreamName: 'myStream' }))).StreamDescription!;
    await rejects(new K.GetShardIteratorCommand({ ...base, ShardIteratorType: 'AT_SEQUENCE_NUMBER', StartingSequenceNumber: d.Shards![1]!.SequenceNumberRange!.StartingSequenceNumber }),
      'InvalidArgumentException', 'Invalid StartingSequenceNumber. It encodes shardId-000000000001, while it was used in a call to a shard with shardId-000000000000');
    await rejects(new K.GetShardIteratorCommand({ ...base, ShardId: 'shardId-000000000009', ShardIteratorType: 'LATEST' }), 'ResourceNotFoundException',
      'Shard shardId-000000000009 in stream myStream under account 000000000000 does not exist');
    await rejects(new K.GetShardIteratorCommand({ ...base, ShardIteratorType: 'AT_TIMESTAMP', Timestamp: new Date(Date.now() + 3_600_000) }), 'InvalidArgumentException',
      /^The timestampInMillis parameter cannot be greater than the currentTimestampInMillis\. timestampInMillis: \d+, currentTimestampInMillis: \d+$/);
    await rejects(new K.GetRecordsCommand({ ShardIterator: 'AAAAAAAAAAFYVN3VlFy' + 'A'.repeat(100) }), 'InvalidArgumentException', 'Invalid ShardIterator.');
  });

  it('accepts the tutorial\'s "shard-000000000004" form of a shard id', async () => {
    const it = await send<K.GetShardIteratorCommandOutput>(new K.GetShardIteratorCommand({ StreamName: 'myStream', ShardId: 'shard-000000000004', ShardIteratorType: 'TRIM_HORIZON' }));
    assert.ok(it.ShardIterator);
  });
});

describe('tags', () => {
  it('adds, lists, removes by stream and by ARN', async () => {
    await send(new K.AddTagsToStreamCommand({ StreamName: 'yourStream', Tags: { team: 'data', env: 'dev' } }));
    const t = await send<K.ListTagsForStreamCommandOutput>(new K.ListTagsForStreamCommand({ StreamName: 'yourStream' }));
    assert.deepEqual(t.Tags, [{ Key: 'env', Value: 'dev' }, { Key: 'team', Value: 'data' }]);
    assert.equal(t.HasMoreTags, false);
    const page = await send<K.ListTagsForStreamCommandOutput>(new K.ListTagsForStreamCommand({ StreamName: 'yourStream', Limit: 1 }));
    assert.equal(page.HasMoreTags, true);
    await send(new K.RemoveTagsFromStreamCommand({ StreamName: 'yourStream', TagKeys: ['env'] }));
    const arn = 'arn:aws:kinesis:us-east-1:000000000000:stream/yourStream';
    await send(new K.TagResourceCommand({ ResourceARN: arn, Tags: { owner: 'me' } }));
    const r = await send<K.ListTagsForResourceCommandOutput>(new K.ListTagsForResourceCommand({ ResourceARN: arn }));
    assert.deepEqual(r.Tags, [{ Key: 'owner', Value: 'me' }, { Key: 'team', Value: 'data' }]);
    await send(new K.UntagResourceCommand({ ResourceARN: arn, TagKeys: ['owner', 'team'] }));
    assert.deepEqual((await send<K.ListTagsForResourceCommandOutput>(new K.ListTagsForResourceCommand({ ResourceARN: arn }))).Tags, []);
  });

  it('refuses more than 10 tags in one AddTagsToStream', async () => {
    const Tags = Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`k${i}`, 'v']));
    await rejects(new K.AddTagsToStreamCommand({ StreamName: 'yourStream', Tags }), 'InvalidArgumentException');
  });
});

describe('deletion', () => {
  it('deletes a stream; a new stream of the same name starts empty', async () => {
    await send(new K.DeleteStreamCommand({ StreamName: 'yourStream' }));
    await rejects(new K.DescribeStreamCommand({ StreamName: 'yourStream' }), 'ResourceNotFoundException');
    await send(new K.CreateStreamCommand({ StreamName: 'yourStream', ShardCount: 1 }));
    const it = await send<K.GetShardIteratorCommandOutput>(new K.GetShardIteratorCommand({ StreamName: 'yourStream', ShardId: 'shardId-000000000000', ShardIteratorType: 'TRIM_HORIZON' }));
    const got = await send<K.GetRecordsCommandOutput>(new K.GetRecordsCommand({ ShardIterator: it.ShardIterator }));
    assert.equal(got.Records!.length, 0);
  });
});
