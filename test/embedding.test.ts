/**
 * Sluice embedded in a test suite, as the README shows it: imported by its
 * package name, one server per test file on a free port, in memory, closed at
 * the end. Two servers side by side share nothing.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import * as K from '@aws-sdk/client-kinesis';
import { startSluice, type Sluice } from 'sluice';

let sluice: Sluice;
let kinesis: K.KinesisClient;

before(async () => {
  sluice = await startSluice();
  kinesis = new K.KinesisClient({ endpoint: sluice.url, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
});

after(async () => {
  kinesis.destroy();
  await sluice.close();
});

describe("import { startSluice } from 'sluice'", () => {
  it('serves Kinesis on a free port, with streams ACTIVE at once', async () => {
    assert.match(sluice.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.notEqual(sluice.port, 4566);
    await kinesis.send(new K.CreateStreamCommand({ StreamName: 'embedded', ShardCount: 1 }));
    const d = await kinesis.send(new K.DescribeStreamSummaryCommand({ StreamName: 'embedded' }));
    assert.equal(d.StreamDescriptionSummary!.StreamStatus, 'ACTIVE');
    await kinesis.send(new K.PutRecordCommand({ StreamName: 'embedded', PartitionKey: 'k', Data: Buffer.from('hi') }));
  });

  it('starts as many independent servers as a suite wants', async () => {
    const other = await startSluice({ region: 'eu-west-1' });
    try {
      const c = new K.KinesisClient({ endpoint: other.url, region: 'eu-west-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
      assert.deepEqual((await c.send(new K.ListStreamsCommand({}))).StreamNames, []);
      c.destroy();
    } finally {
      await other.close();
    }
  });

  it('ships its type declarations', () => {
    assert.ok(existsSync(fileURLToPath(new URL('../src/index.d.ts', import.meta.url))));
  });
});
