/**
 * The rest of Kinesis through @aws-sdk/client-kinesis with its defaults:
 * resharding with lineage, capacity modes, enhanced fan-out with
 * SubscribeToShard over HTTP/2, encryption, monitoring, limits, settings.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import * as K from '@aws-sdk/client-kinesis';
import type { Sluice } from '../src/server/app.js';
import { rejectsWith } from './helpers/aws-errors.js';
import { awsEnv, startTestSluice, testCredentials } from './helpers/sluice.js';

let sluice: Sluice;
let kinesis: K.KinesisClient;
const send = <T = any>(cmd: any): Promise<T> => kinesis.send(cmd) as Promise<T>;
const arnOf = (name: string) => `arn:aws:kinesis:us-east-1:000000000000:stream/${name}`;
const rejects = (cmd: any, name: string, message?: string | RegExp): Promise<void> => rejectsWith(kinesis.send(cmd), name, message);
const shardsOf = async (name: string) => (await send<K.ListShardsCommandOutput>(new K.ListShardsCommand({ StreamName: name }))).Shards!;

before(async () => {
  sluice = await startTestSluice({ shardLimit: 100 });
  kinesis = new K.KinesisClient({ endpoint: sluice.url, region: 'us-east-1', credentials: testCredentials, maxAttempts: 1 });
});
after(async () => {
  kinesis.destroy();
  await sluice.close();
});

describe('resharding', () => {
  it('splits a shard: the parent closes and stays readable, children carry ParentShardId', async () => {
    await send(new K.CreateStreamCommand({ StreamName: 'split', ShardCount: 1 }));
    await send(new K.PutRecordCommand({ StreamName: 'split', PartitionKey: 'before', Data: Buffer.from('old') }));
    await rejects(new K.SplitShardCommand({ StreamName: 'split', ShardToSplit: 'shardId-000000000000', NewStartingHashKey: '1' }), 'InvalidArgumentException',
      /^NewStartingHashKey 1 used in SplitShard\(\) on shard shardId-000000000000 in stream split under account 000000000000 is not both greater than one plus the shard's StartingHashKey 0 and less than the shard's EndingHashKey 340282366920938463463374607431768211455\.$/);
    await send(new K.SplitShardCommand({ StreamName: 'split', ShardToSplit: 'shardId-000000000000', NewStartingHashKey: (2n ** 127n).toString() }));
    const shards = await shardsOf('split');
    assert.deepEqual(shards.map((s) => s.ShardId), ['shardId-000000000000', 'shardId-000000000001', 'shardId-000000000002']);
    assert.ok(shards[0]!.SequenceNumberRange!.EndingSequenceNumber, 'parent is closed');
    assert.equal(shards[1]!.ParentShardId, 'shardId-000000000000');
    assert.deepEqual(shards[1]!.HashKeyRange, { StartingHashKey: '0', EndingHashKey: (2n ** 127n - 1n).toString() });
    assert.deepEqual(shards[2]!.HashKeyRange, { StartingHashKey: (2n ** 127n).toString(), EndingHashKey: (2n ** 128n - 1n).toString() });
    assert.ok(BigInt(shards[1]!.SequenceNumberRange!.StartingSequenceNumber!) > BigInt(shards[0]!.SequenceNumberRange!.EndingSequenceNumber!));

    const put = await send<K.PutRecordCommandOutput>(new K.PutRecordCommand({ StreamName: 'split', PartitionKey: 'after', Data: Buffer.from('new') }));
    assert.notEqual(put.ShardId, 'shardId-000000000000', 'writes go to children');

    const it = await send<K.GetShardIteratorCommandOutput>(new K.GetShardIteratorCommand({ StreamName: 'split', ShardId: 'shardId-000000000000', ShardIteratorType: 'TRIM_HORIZON' }));
    const last = await send<K.GetRecordsCommandOutput>(new K.GetRecordsCommand({ ShardIterator: it.ShardIterator }));
    assert.deepEqual(last.Records!.map((r) => Buffer.from(r.Data!).toString()), ['old']);
    assert.equal(last.NextShardIterator, undefined, 'no next iterator at the end of a closed shard');
    assert.deepEqual(last.ChildShards!.map((c) => c.ShardId), ['shardId-000000000001', 'shardId-000000000002']);
    assert.deepEqual(last.ChildShards![0]!.ParentShards, ['shardId-000000000000']);

    // A shard already split (or merged) is an invalid argument to AWS, not a resource in use.
    await rejects(new K.SplitShardCommand({ StreamName: 'split', ShardToSplit: 'shardId-000000000000', NewStartingHashKey: '100' }), 'InvalidArgumentException',
      'Shard shardId-000000000000 in stream split under account 000000000000 has already been merged or split, and thus is not eligible for merging or splitting.');
  });

  it('merges adjacent shards only', async () => {
    await send(new K.CreateStreamCommand({ StreamName: 'merge', ShardCount: 3 }));
    await rejects(new K.MergeShardsCommand({ StreamName: 'merge', ShardToMerge: 'shardId-000000000000', AdjacentShardToMerge: 'shardId-000000000002' }), 'InvalidArgumentException',
      'Shards shardId-000000000000 and shardId-000000000002 in stream merge under account 000000000000 are not an adjacent pair of shards eligible for merging');
    await send(new K.MergeShardsCommand({ StreamName: 'merge', ShardToMerge: 'shardId-000000000001', AdjacentShardToMerge: 'shardId-000000000002' }));
    const merged = (await shardsOf('merge')).at(-1)!;
    assert.equal(merged.ShardId, 'shardId-000000000003');
    assert.equal(merged.ParentShardId, 'shardId-000000000001');
    assert.equal(merged.AdjacentParentShardId, 'shardId-000000000002');
    assert.equal(merged.HashKeyRange!.EndingHashKey, (2n ** 128n - 1n).toString());
  });

  it('scales uniformly within AWS\'s bounds, and filters shards by lineage', async () => {
    await send(new K.CreateStreamCommand({ StreamName: 'scale', ShardCount: 2 }));
    await rejects(new K.UpdateShardCountCommand({ StreamName: 'scale', TargetShardCount: 5, ScalingType: 'UNIFORM_SCALING' }), 'LimitExceededException',
      'UpdateShardCount cannot scale up over double your current open shard count. Current open shard count: 2, Target shard count: 5');
    const out = await send<K.UpdateShardCountCommandOutput>(new K.UpdateShardCountCommand({ StreamName: 'scale', TargetShardCount: 4, ScalingType: 'UNIFORM_SCALING' }));
    assert.equal(out.CurrentShardCount, 2);
    assert.equal(out.TargetShardCount, 4);
    const open = (await send<K.ListShardsCommandOutput>(new K.ListShardsCommand({ StreamName: 'scale', ShardFilter: { Type: 'AT_LATEST' } }))).Shards!;
    assert.equal(open.length, 4);
    assert.ok(open.every((s) => s.ParentShardId !== undefined));
    const horizon = (await send<K.ListShardsCommandOutput>(new K.ListShardsCommand({ StreamName: 'scale', ShardFilter: { Type: 'AT_TRIM_HORIZON' } }))).Shards!;
    assert.deepEqual(horizon.map((s) => s.ShardId), ['shardId-000000000000', 'shardId-000000000001']);
    const all = (await send<K.ListShardsCommandOutput>(new K.ListShardsCommand({ StreamName: 'scale', ShardFilter: { Type: 'FROM_TRIM_HORIZON' } }))).Shards!;
    assert.equal(all.length, 6);
    const summary = await send<K.DescribeStreamSummaryCommandOutput>(new K.DescribeStreamSummaryCommand({ StreamName: 'scale' }));
    assert.equal(summary.StreamDescriptionSummary!.OpenShardCount, 4);
  });
});

describe('capacity modes', () => {
  it('makes on-demand streams with 4 shards and refuses shard operations on them', async () => {
    await send(new K.CreateStreamCommand({ StreamName: 'od', StreamModeDetails: { StreamMode: 'ON_DEMAND' } }));
    const d = (await send<K.DescribeStreamSummaryCommandOutput>(new K.DescribeStreamSummaryCommand({ StreamName: 'od' }))).StreamDescriptionSummary!;
    assert.deepEqual(d.StreamModeDetails, { StreamMode: 'ON_DEMAND' });
    assert.equal(d.OpenShardCount, 4);
    await rejects(new K.UpdateShardCountCommand({ StreamName: 'od', TargetShardCount: 8, ScalingType: 'UNIFORM_SCALING' }), 'ValidationException');
    await rejects(new K.SplitShardCommand({ StreamName: 'od', ShardToSplit: 'shardId-000000000000', NewStartingHashKey: '1000' }), 'ValidationException');
    const limits = await send<K.DescribeLimitsCommandOutput>(new K.DescribeLimitsCommand({}));
    assert.equal(limits.ShardLimit, 100);
    assert.equal(limits.OnDemandStreamCount, 1);
    assert.equal(limits.OnDemandStreamCountLimit, 50);
    const warm = await send<K.UpdateStreamWarmThroughputCommandOutput>(new K.UpdateStreamWarmThroughputCommand({ StreamName: 'od', WarmThroughputMiBps: 10 }));
    assert.equal(warm.WarmThroughput!.TargetMiBps, 10);
    await send(new K.UpdateStreamModeCommand({ StreamARN: arnOf('od'), StreamModeDetails: { StreamMode: 'PROVISIONED' } }));
    const after = (await send<K.DescribeStreamSummaryCommandOutput>(new K.DescribeStreamSummaryCommand({ StreamName: 'od' }))).StreamDescriptionSummary!;
    assert.deepEqual(after.StreamModeDetails, { StreamMode: 'PROVISIONED' });
  });
});

describe('enhanced fan-out', () => {
  it('registers, lists, describes and deregisters consumers; DeleteStream needs EnforceConsumerDeletion', async () => {
    await send(new K.CreateStreamCommand({ StreamName: 'efo', ShardCount: 1 }));
    const reg = await send<K.RegisterStreamConsumerCommandOutput>(new K.RegisterStreamConsumerCommand({ StreamARN: arnOf('efo'), ConsumerName: 'app' }));
    assert.match(reg.Consumer!.ConsumerARN!, /^arn:aws:kinesis:us-east-1:000000000000:stream\/efo\/consumer\/app:\d+$/);
    assert.equal(reg.Consumer!.ConsumerStatus, 'ACTIVE');
    await rejects(new K.RegisterStreamConsumerCommand({ StreamARN: arnOf('efo'), ConsumerName: 'app' }), 'ResourceInUseException');
    const list = await send<K.ListStreamConsumersCommandOutput>(new K.ListStreamConsumersCommand({ StreamARN: arnOf('efo') }));
    assert.deepEqual(list.Consumers!.map((c) => c.ConsumerName), ['app']);
    const byName = await send<K.DescribeStreamConsumerCommandOutput>(new K.DescribeStreamConsumerCommand({ StreamARN: arnOf('efo'), ConsumerName: 'app' }));
    assert.equal(byName.ConsumerDescription!.ConsumerARN, reg.Consumer!.ConsumerARN);
    assert.equal(byName.ConsumerDescription!.StreamARN, arnOf('efo'));
    await rejects(new K.DeleteStreamCommand({ StreamName: 'efo' }), 'ResourceInUseException');
    await send(new K.DeregisterStreamConsumerCommand({ ConsumerARN: reg.Consumer!.ConsumerARN }));
    await rejects(new K.DescribeStreamConsumerCommand({ ConsumerARN: reg.Consumer!.ConsumerARN }), 'ResourceNotFoundException');
    await send(new K.RegisterStreamConsumerCommand({ StreamARN: arnOf('efo'), ConsumerName: 'again' }));
    await send(new K.DeleteStreamCommand({ StreamName: 'efo', EnforceConsumerDeletion: true }));
  });

  it('pushes records over SubscribeToShard as they arrive (SDK, HTTP/2, for await)', async () => {
    await send(new K.CreateStreamCommand({ StreamName: 'push', ShardCount: 1 }));
    await send(new K.PutRecordCommand({ StreamName: 'push', PartitionKey: 'k', Data: Buffer.from('early') }));
    const { Consumer } = await send<K.RegisterStreamConsumerCommandOutput>(new K.RegisterStreamConsumerCommand({ StreamARN: arnOf('push'), ConsumerName: 'sub' }));
    const sub = await send<K.SubscribeToShardCommandOutput>(new K.SubscribeToShardCommand({
      ConsumerARN: Consumer!.ConsumerARN, ShardId: 'shardId-000000000000', StartingPosition: { Type: 'TRIM_HORIZON' },
    }));
    const seen: string[] = [];
    let continuation = '';
    const started = Date.now();
    for await (const event of sub.EventStream!) {
      const e = event.SubscribeToShardEvent;
      if (!e) continue;
      for (const r of e.Records ?? []) seen.push(Buffer.from(r.Data!).toString());
      continuation = e.ContinuationSequenceNumber!;
      assert.equal(typeof e.MillisBehindLatest, 'number');
      if (seen.length === 1) await send(new K.PutRecordCommand({ StreamName: 'push', PartitionKey: 'k', Data: Buffer.from('live') }));
      if (seen.length >= 2) break;
    }
    assert.deepEqual(seen, ['early', 'live']);
    assert.ok(Date.now() - started < 4000, 'the live record was pushed, not found by a 5 s poll');
    assert.match(continuation, /^\d{56}$/);

    // Within 5 s a second subscription for the same consumer and shard is refused.
    await rejects(new K.SubscribeToShardCommand({ ConsumerARN: Consumer!.ConsumerARN, ShardId: 'shardId-000000000000', StartingPosition: { Type: 'LATEST' } }), 'ResourceInUseException');
  });

  it('resuming AFTER_SEQUENCE_NUMBER of a ContinuationSequenceNumber neither skips nor repeats a record', async () => {
    await send(new K.CreateStreamCommand({ StreamName: 'resume', ShardCount: 1 }));
    await send(new K.PutRecordCommand({ StreamName: 'resume', PartitionKey: 'k', Data: Buffer.from('before') }));
    const consumer = async (name: string): Promise<string> =>
      (await send<K.RegisterStreamConsumerCommandOutput>(new K.RegisterStreamConsumerCommand({ StreamARN: arnOf('resume'), ConsumerName: name }))).Consumer!.ConsumerARN!;
    /** The records of the first events of a subscription, up to `want`, and the last continuation. */
    const read = async (arn: string, position: K.StartingPosition, want: number, whileReading?: () => Promise<void>): Promise<{ data: string[]; continuations: string[] }> => {
      const sub = await send<K.SubscribeToShardCommandOutput>(new K.SubscribeToShardCommand({ ConsumerARN: arn, ShardId: 'shardId-000000000000', StartingPosition: position }));
      const data: string[] = [];
      const continuations: string[] = [];
      for await (const event of sub.EventStream!) {
        const e = event.SubscribeToShardEvent;
        if (!e) continue;
        data.push(...(e.Records ?? []).map((r) => Buffer.from(r.Data!).toString()));
        continuations.push(e.ContinuationSequenceNumber!);
        if (continuations.length === 1 && whileReading) await whileReading();
        if (data.length >= want) break;
      }
      return { data, continuations };
    };
    // A subscription at LATEST: its first event has no records and a continuation to resume from.
    const first = await read(await consumer('c1'), { Type: 'LATEST' }, 2, async () => {
      for (const d of ['one', 'two']) await send(new K.PutRecordCommand({ StreamName: 'resume', PartitionKey: 'k', Data: Buffer.from(d) }));
    });
    assert.deepEqual(first.data, ['one', 'two']);
    await send(new K.PutRecordCommand({ StreamName: 'resume', PartitionKey: 'k', Data: Buffer.from('three') }));
    const fromStart = await read(await consumer('c2'), { Type: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: first.continuations[0] }, 3);
    assert.deepEqual(fromStart.data, ['one', 'two', 'three']);
    const fromLast = await read(await consumer('c3'), { Type: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: first.continuations.at(-1) }, 1);
    assert.deepEqual(fromLast.data, ['three']);
  });

  it('works from boto3', async () => {
    await send(new K.CreateStreamCommand({ StreamName: 'py-efo', ShardCount: 1 }));
    const { Consumer } = await send<K.RegisterStreamConsumerCommandOutput>(new K.RegisterStreamConsumerCommand({ StreamARN: arnOf('py-efo'), ConsumerName: 'py' }));
    await send(new K.PutRecordsCommand({ StreamName: 'py-efo', Records: ['a', 'b', 'c'].map((d) => ({ PartitionKey: 'k', Data: Buffer.from(d) })) }));
    const script = `
import boto3, json, os
c = boto3.client('kinesis', endpoint_url=os.environ['AWS_ENDPOINT_URL'])
r = c.subscribe_to_shard(ConsumerARN=os.environ['CONSUMER'], ShardId='shardId-000000000000', StartingPosition={'Type': 'TRIM_HORIZON'})
got = []
for ev in r['EventStream']:
    if 'SubscribeToShardEvent' in ev:
        got += [x['Data'].decode() for x in ev['SubscribeToShardEvent']['Records']]
        if len(got) >= 3: break
print(json.dumps(got))
`;
    const { stdout } = await promisify(execFile)('python3', ['-c', script], { env: { ...awsEnv(sluice.url), CONSUMER: Consumer!.ConsumerARN! } });
    assert.deepEqual(JSON.parse(stdout), ['a', 'b', 'c']);
  });
});

describe('settings', () => {
  it('encrypts with a KMS key id or alias and reports it', async () => {
    await send(new K.CreateStreamCommand({ StreamName: 'enc', ShardCount: 1 }));
    await send(new K.StartStreamEncryptionCommand({ StreamName: 'enc', EncryptionType: 'KMS', KeyId: 'alias/aws/kinesis' }));
    const d = (await send<K.DescribeStreamCommandOutput>(new K.DescribeStreamCommand({ StreamName: 'enc' }))).StreamDescription!;
    assert.equal(d.EncryptionType, 'KMS');
    assert.equal(d.KeyId, 'alias/aws/kinesis');
    const put = await send<K.PutRecordCommandOutput>(new K.PutRecordCommand({ StreamName: 'enc', PartitionKey: 'k', Data: Buffer.from('secret') }));
    assert.equal(put.EncryptionType, 'KMS');
    const it = await send<K.GetShardIteratorCommandOutput>(new K.GetShardIteratorCommand({ StreamName: 'enc', ShardId: 'shardId-000000000000', ShardIteratorType: 'TRIM_HORIZON' }));
    const got = await send<K.GetRecordsCommandOutput>(new K.GetRecordsCommand({ ShardIterator: it.ShardIterator }));
    assert.equal(got.Records![0]!.EncryptionType, 'KMS');
    await send(new K.StopStreamEncryptionCommand({ StreamName: 'enc', EncryptionType: 'KMS', KeyId: 'alias/aws/kinesis' }));
    assert.equal((await send<K.DescribeStreamSummaryCommandOutput>(new K.DescribeStreamSummaryCommand({ StreamName: 'enc' }))).StreamDescriptionSummary!.EncryptionType, 'NONE');
  });

  it('enables and disables enhanced monitoring', async () => {
    const on = await send<K.EnableEnhancedMonitoringCommandOutput>(new K.EnableEnhancedMonitoringCommand({ StreamName: 'enc', ShardLevelMetrics: ['IncomingBytes', 'OutgoingRecords'] }));
    assert.deepEqual(on.CurrentShardLevelMetrics, []);
    assert.deepEqual(on.DesiredShardLevelMetrics, ['IncomingBytes', 'OutgoingRecords']);
    const all = await send<K.EnableEnhancedMonitoringCommandOutput>(new K.EnableEnhancedMonitoringCommand({ StreamName: 'enc', ShardLevelMetrics: ['ALL'] }));
    assert.equal(all.DesiredShardLevelMetrics!.length, 7);
    const off = await send<K.DisableEnhancedMonitoringCommandOutput>(new K.DisableEnhancedMonitoringCommand({ StreamName: 'enc', ShardLevelMetrics: ['ALL'] }));
    assert.deepEqual(off.DesiredShardLevelMetrics, []);
  });

  it('keeps account settings, resource policies and the record size limit', async () => {
    assert.equal((await send<K.DescribeAccountSettingsCommandOutput>(new K.DescribeAccountSettingsCommand({}))).MinimumThroughputBillingCommitment!.Status, 'DISABLED');
    const up = await send<K.UpdateAccountSettingsCommandOutput>(new K.UpdateAccountSettingsCommand({ MinimumThroughputBillingCommitment: { Status: 'ENABLED' } }));
    assert.equal(up.MinimumThroughputBillingCommitment!.Status, 'ENABLED');
    assert.ok(up.MinimumThroughputBillingCommitment!.StartedAt instanceof Date);

    const policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::000000000000:root' }, Action: 'kinesis:GetRecords', Resource: arnOf('enc') }] });
    await send(new K.PutResourcePolicyCommand({ ResourceARN: arnOf('enc'), Policy: policy }));
    assert.equal((await send<K.GetResourcePolicyCommandOutput>(new K.GetResourcePolicyCommand({ ResourceARN: arnOf('enc') }))).Policy, policy);
    await send(new K.DeleteResourcePolicyCommand({ ResourceARN: arnOf('enc') }));
    await rejects(new K.PutResourcePolicyCommand({ ResourceARN: arnOf('enc'), Policy: 'not json' }), 'InvalidArgumentException');

    const big = Buffer.alloc(2 * 1024 * 1024, 1);
    await rejects(new K.PutRecordCommand({ StreamName: 'enc', PartitionKey: 'k', Data: big }), 'ValidationException');
    await send(new K.UpdateMaxRecordSizeCommand({ StreamARN: arnOf('enc'), MaxRecordSizeInKiB: 4096 }));
    const put = await send<K.PutRecordCommandOutput>(new K.PutRecordCommand({ StreamName: 'enc', PartitionKey: 'k', Data: big }));
    assert.ok(put.SequenceNumber);
    assert.equal((await send<K.DescribeStreamSummaryCommandOutput>(new K.DescribeStreamSummaryCommand({ StreamName: 'enc' }))).StreamDescriptionSummary!.MaxRecordSizeInKiB, 4096);
  });
});
