/**
 * Declarative start-up state: `--init <file>` (and `SLUICE_INIT_STREAMS`)
 * creates streams, consumers, IAM entities and APIs at start when absent, and
 * changes nothing when applied again.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import * as I from '@aws-sdk/client-iam';
import * as K from '@aws-sdk/client-kinesis';
import { startSluice, type Sluice } from '../src/server/app.js';
import { defaultConfig } from '../src/server/config.js';
import { kinesisRaw, repoRoot, spawnSluice, tempDir, testCredentials } from './helpers/sluice.js';

const dir = tempDir();
after(() => dir.remove());
const INIT = join(repoRoot, 'examples/init/sluice-init.yaml');

const start = (extra: Partial<typeof defaultConfig> = {}): Promise<Sluice> =>
  startSluice({ ...defaultConfig, port: 0, dataDir: dir.path, createStreamMs: 0, init: INIT, auth: 'sigv4', rootAccessKeyId: testCredentials.accessKeyId, rootSecretAccessKey: testCredentials.secretAccessKey, ...extra });

describe('--init', () => {
  it('creates what the file declares, and changes nothing when applied again', async () => {
    for (let round = 0; round < 2; round++) {
      const s = await start();
      const k = new K.KinesisClient({ endpoint: s.url, region: 'us-east-1', credentials: testCredentials });
      const iam = new I.IAMClient({ endpoint: s.url, region: 'us-east-1', credentials: testCredentials });
      try {
        assert.deepEqual((await k.send(new K.ListStreamsCommand({}))).StreamNames, ['clicks', 'orders']);
        const orders = (await k.send(new K.DescribeStreamSummaryCommand({ StreamName: 'orders' }))).StreamDescriptionSummary!;
        assert.equal(orders.OpenShardCount, 2);
        assert.equal(orders.RetentionPeriodHours, 48);
        assert.equal((await k.send(new K.DescribeStreamSummaryCommand({ StreamName: 'clicks' }))).StreamDescriptionSummary!.StreamModeDetails!.StreamMode, 'ON_DEMAND');
        assert.deepEqual((await k.send(new K.ListTagsForStreamCommand({ StreamName: 'orders' }))).Tags, [{ Key: 'team', Value: 'checkout' }]);
        const consumers = await k.send(new K.ListStreamConsumersCommand({ StreamARN: orders.StreamARN }));
        assert.deepEqual(consumers.Consumers!.map((c) => c.ConsumerName), ['billing']);
        assert.deepEqual((await iam.send(new I.ListAttachedRolePoliciesCommand({ RoleName: 'apigw-orders' }))).AttachedPolicies!.map((p) => p.PolicyName), ['AmazonKinesisFullAccess']);
        assert.deepEqual((await iam.send(new I.ListAccessKeysCommand({ UserName: 'producer' }))).AccessKeyMetadata!.map((m) => m.AccessKeyId), ['AKIAPRODUCER0000001']);
        assert.ok(s.deployedApis().some((a) => a.name === 'KinesisProxy' && a.stage === 'init'));
        // The user's fixed key works, and its policy holds.
        const producer = new K.KinesisClient({ endpoint: s.url, region: 'us-east-1', credentials: { accessKeyId: 'AKIAPRODUCER0000001', secretAccessKey: 'producer-secret-for-ci-only' } });
        await producer.send(new K.PutRecordCommand({ StreamName: 'orders', PartitionKey: 'k', Data: Buffer.from('x') }));
        await assert.rejects(producer.send(new K.PutRecordCommand({ StreamName: 'clicks', PartitionKey: 'k', Data: Buffer.from('x') })), { name: 'AccessDeniedException' });
        producer.destroy();
      } finally {
        k.destroy();
        iam.destroy();
        await s.close();
      }
    }
  });

  it('refuses a file it cannot apply, with AWS\'s error', async () => {
    const bad = join(dir.path, 'bad.yaml');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(bad, 'streams:\n  - name: "not a valid name!"\n    shards: 1\n');
    await assert.rejects(startSluice({ ...defaultConfig, port: 0, dataDir: undefined, init: bad }), /init: stream not a valid name!: ValidationException/);
  });

  it('SLUICE_INIT_STREAMS=name:shards,... creates streams at start', async () => {
    const s = await spawnSluice(['--port', '0', '--in-memory'], { ...process.env, SLUICE_INIT_STREAMS: 'a:2,b' });
    try {
      const list = await kinesisRaw(s.url, 'ListStreams', {});
      assert.deepEqual(list.json.StreamNames, ['a', 'b']);
      assert.equal((await kinesisRaw(s.url, 'DescribeStreamSummary', { StreamName: 'a' })).json.StreamDescriptionSummary.OpenShardCount, 2);
    } finally {
      await s.stop();
    }
  });
});
