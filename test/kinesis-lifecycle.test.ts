/** Stream states over time, and iterators that outlive their 300 seconds or their server. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IteratorCodec } from '../src/kinesis/iterators.js';
import { SqliteStore } from '../src/store/sqlite.js';
import { kinesisRaw, startTestSluice, tempDir } from './helpers/sluice.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('stream states', () => {
  it('goes CREATING → ACTIVE and DELETING → gone on the configured delays', async () => {
    const s = await startTestSluice({ createStreamMs: 300, deleteStreamMs: 300 });
    try {
      await kinesisRaw(s.url, 'CreateStream', { StreamName: 'slow', ShardCount: 2 });
      const creating = (await kinesisRaw(s.url, 'DescribeStream', { StreamName: 'slow' })).json.StreamDescription;
      assert.equal(creating.StreamStatus, 'CREATING');
      assert.deepEqual(creating.Shards, []);
      const early = await kinesisRaw(s.url, 'PutRecord', { StreamName: 'slow', PartitionKey: 'k', Data: 'AAAA' });
      assert.equal(early.json.__type, 'ResourceNotFoundException');
      const inUse = await kinesisRaw(s.url, 'IncreaseStreamRetentionPeriod', { StreamName: 'slow', RetentionPeriodHours: 48 });
      assert.deepEqual(inUse.json, { __type: 'ResourceInUseException', message: 'Stream slow under account 000000000000 not ACTIVE, instead in state CREATING' });
      await sleep(450);
      assert.equal((await kinesisRaw(s.url, 'DescribeStream', { StreamName: 'slow' })).json.StreamDescription.StreamStatus, 'ACTIVE');
      assert.equal((await kinesisRaw(s.url, 'PutRecord', { StreamName: 'slow', PartitionKey: 'k', Data: 'AAAA' })).status, 200);

      await kinesisRaw(s.url, 'DeleteStream', { StreamName: 'slow' });
      assert.equal((await kinesisRaw(s.url, 'DescribeStream', { StreamName: 'slow' })).json.StreamDescription.StreamStatus, 'DELETING');
      const again = await kinesisRaw(s.url, 'CreateStream', { StreamName: 'slow', ShardCount: 1 });
      assert.equal(again.json.__type, 'ResourceInUseException');
      await sleep(450);
      assert.equal((await kinesisRaw(s.url, 'DescribeStream', { StreamName: 'slow' })).json.__type, 'ResourceNotFoundException');
    } finally {
      await s.close();
    }
  });
});

describe('iterators across time and restarts', () => {
  it('survive a restart, expire after 300 s with AWS\'s message, and reject tampering', async () => {
    const dir = tempDir();
    try {
      let s = await startTestSluice({ dataDir: dir.path });
      await kinesisRaw(s.url, 'CreateStream', { StreamName: 'it', ShardCount: 1 });
      await kinesisRaw(s.url, 'PutRecord', { StreamName: 'it', PartitionKey: 'k', Data: Buffer.from('kept').toString('base64') });
      const iterator = (await kinesisRaw(s.url, 'GetShardIterator', { StreamName: 'it', ShardId: 'shardId-000000000000', ShardIteratorType: 'TRIM_HORIZON' })).json.ShardIterator;
      await s.close();

      // The key lives in the data dir: an iterator issued long ago by this server decodes, and has expired.
      const store = new SqliteStore(dir.path);
      const codec = new IteratorCodec(await store.secret('shard-iterators'));
      await store.close();
      const state = codec.decode(iterator)!;
      const issuedMs = Date.UTC(2015, 0, 22, 1, 22, 2);
      const stale = codec.encode({ ...state, issuedMs });

      s = await startTestSluice({ dataDir: dir.path });
      const fresh = await kinesisRaw(s.url, 'GetRecords', { ShardIterator: iterator });
      assert.equal(Buffer.from(fresh.json.Records[0].Data, 'base64').toString(), 'kept');

      const expired = await kinesisRaw(s.url, 'GetRecords', { ShardIterator: stale });
      assert.equal(expired.json.__type, 'ExpiredIteratorException');
      assert.match(expired.json.message,
        /^Iterator expired\. The iterator was created at time Thu Jan 22 01:22:02 UTC 2015 while right now it is \w{3} \w{3} \d\d \d\d:\d\d:\d\d UTC \d{4} which is further in the future than the tolerated delay of 300000 milliseconds\.$/);

      const raw = Buffer.from(iterator, 'base64');
      raw[raw.length - 3]! ^= 0x10;
      const tampered = await kinesisRaw(s.url, 'GetRecords', { ShardIterator: raw.toString('base64') });
      assert.deepEqual(tampered.json, { __type: 'InvalidArgumentException', message: 'Invalid ShardIterator.' });

      const quoted = await kinesisRaw(s.url, 'GetRecords', { ShardIterator: `"${iterator}"` });
      assert.equal(quoted.status, 200);
      await s.close();
    } finally {
      dir.remove();
    }
  });
});
