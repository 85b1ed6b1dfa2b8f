/** Opt-in limits and injected faults, as clients' retry logic sees them. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as K from '@aws-sdk/client-kinesis';
import { kinesisRaw, startTestSluice, testCredentials } from './helpers/sluice.js';

describe('--enforce-limits', () => {
  it('throttles writes per record, reads per shard, and control calls per stream', async () => {
    const s = await startTestSluice({ enforceLimits: true });
    try {
      await kinesisRaw(s.url, 'CreateStream', { StreamName: 'lim', ShardCount: 1 });
      const Records = Array.from({ length: 500 }, (_, i) => ({ PartitionKey: `k${i}`, Data: 'AAAA' }));
      // Sent together, so the test does not depend on how fast the machine is.
      const outs = (await Promise.all([0, 1, 2].map(() => kinesisRaw(s.url, 'PutRecords', { StreamName: 'lim', Records })))).map((r) => r.json);
      const failed = outs.flatMap((o) => o.Records.filter((r: any) => r.ErrorCode));
      assert.ok(failed.length > 0, 'over 1,000 records/s in one shard is throttled');
      assert.equal(outs.reduce((n, o) => n + o.FailedRecordCount, 0), failed.length);
      assert.deepEqual(failed[0], {
        ErrorCode: 'ProvisionedThroughputExceededException',
        ErrorMessage: 'Rate exceeded for shard shardId-000000000000 in stream lim under account 000000000000.',
      });

      const it0 = (await kinesisRaw(s.url, 'GetShardIterator', { StreamName: 'lim', ShardId: 'shardId-000000000000', ShardIteratorType: 'LATEST' })).json.ShardIterator;
      const reads = await Promise.all(Array.from({ length: 8 }, () => kinesisRaw(s.url, 'GetRecords', { ShardIterator: it0 })));
      const throttled = reads.find((r) => r.status !== 200);
      assert.ok(throttled, 'more than 5 GetRecords per second per shard is throttled');
      assert.equal(throttled.json.__type, 'ProvisionedThroughputExceededException');

      const describes = await Promise.all(Array.from({ length: 14 }, () => kinesisRaw(s.url, 'DescribeStream', { StreamName: 'lim' })));
      const limited = describes.find((r) => r.status !== 200);
      assert.deepEqual(limited?.json, { __type: 'LimitExceededException', message: 'Rate exceeded for stream lim under account 000000000000.' });
    } finally {
      await s.close();
    }
  });
});

describe('--fault-rate and --latency', () => {
  it('throttles every call at rate 1, the way the SDK expects throttling', async () => {
    const s = await startTestSluice({ faultRate: 1 });
    const kinesis = new K.KinesisClient({ endpoint: s.url, region: 'us-east-1', credentials: testCredentials, maxAttempts: 1 });
    try {
      await assert.rejects(kinesis.send(new K.ListStreamsCommand({})), { name: 'LimitExceededException' });
    } finally {
      kinesis.destroy();
      await s.close();
    }
    const w = await startTestSluice({ faultRate: 0 });
    try {
      await kinesisRaw(w.url, 'CreateStream', { StreamName: 'f', ShardCount: 1 });
    } finally {
      await w.close();
    }
  });

  it('fails records inside PutRecords one by one', async () => {
    const s = await startTestSluice({ faultRate: 0.5 });
    try {
      let created = false;
      for (let i = 0; i < 50 && !created; i++) created = (await kinesisRaw(s.url, 'CreateStream', { StreamName: 'half', ShardCount: 1 })).status === 200;
      assert.ok(created);
      let out: any;
      for (let i = 0; i < 50; i++) {
        const r = await kinesisRaw(s.url, 'PutRecords', { StreamName: 'half', Records: Array.from({ length: 100 }, () => ({ PartitionKey: 'k', Data: 'AAAA' })) });
        if (r.status === 200) {
          out = r.json;
          break;
        }
      }
      assert.ok(out.FailedRecordCount > 0 && out.FailedRecordCount < 100, `${out.FailedRecordCount} of 100 failed`);
    } finally {
      await s.close();
    }
  });

  it('adds the configured latency', async () => {
    const s = await startTestSluice({ latencyMs: 150 });
    try {
      const t = Date.now();
      await kinesisRaw(s.url, 'ListStreams', {});
      assert.ok(Date.now() - t >= 140);
    } finally {
      await s.close();
    }
  });
});
