/** Kinesis through the AWS CLI and boto3, as users drive it from shells and Python. */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import type { Sluice } from '../src/server/app.js';
import { awsEnv, startTestSluice } from './helpers/sluice.js';

const run = promisify(execFile);
let sluice: Sluice;

before(async () => {
  sluice = await startTestSluice();
});
after(() => sluice.close());

async function aws(...args: string[]): Promise<any> {
  const { stdout } = await run('aws', ['--endpoint-url', sluice.url, '--output', 'json', 'kinesis', ...args], { env: awsEnv(sluice.url) });
  return stdout.trim() === '' ? undefined : JSON.parse(stdout);
}

describe('AWS CLI', () => {
  it('runs the stream lifecycle and reads back what it wrote', async () => {
    await aws('create-stream', '--stream-name', 'cli-stream', '--shard-count', '2');
    assert.deepEqual((await aws('list-streams')).StreamNames, ['cli-stream']);
    // fileb:// passes raw bytes in both CLI v1 and v2.
    const file = join(tmpdir(), `sluice-cli-${process.pid}.bin`);
    writeFileSync(file, 'hello cli');
    const put = await aws('put-record', '--stream-name', 'cli-stream', '--partition-key', 'pk', '--data', `fileb://${file}`);
    rmSync(file);
    assert.match(put.SequenceNumber, /^\d{56}$/);
    const it = await aws('get-shard-iterator', '--stream-name', 'cli-stream', '--shard-id', put.ShardId, '--shard-iterator-type', 'TRIM_HORIZON');
    const got = await aws('get-records', '--shard-iterator', it.ShardIterator);
    assert.equal(Buffer.from(got.Records[0].Data, 'base64').toString(), 'hello cli');
    const shards = await aws('list-shards', '--stream-name', 'cli-stream');
    assert.equal(shards.Shards.length, 2);
    await aws('delete-stream', '--stream-name', 'cli-stream');
  });

  it('prints AWS\'s error for a missing stream', async () => {
    await assert.rejects(aws('describe-stream', '--stream-name', 'nope'), (e: any) => {
      assert.match(e.stderr, /ResourceNotFoundException.*Stream nope under account 000000000000 not found\./);
      return true;
    });
  });
});

describe('boto3', () => {
  it('puts a batch and reads it through a paginator and an AT_SEQUENCE_NUMBER iterator', async () => {
    const script = `
import boto3, json, os
c = boto3.client('kinesis', endpoint_url=os.environ['AWS_ENDPOINT_URL'])
c.create_stream(StreamName='py-stream', ShardCount=3)
c.get_waiter('stream_exists').wait(StreamName='py-stream', WaiterConfig={'Delay': 0.1})
out = c.put_records(StreamName='py-stream', Records=[{'Data': b'rec-%d' % i, 'PartitionKey': 'same'} for i in range(5)])
shards = [s['ShardId'] for p in c.get_paginator('list_shards').paginate(StreamName='py-stream') for s in p['Shards']]
first = out['Records'][0]
it = c.get_shard_iterator(StreamName='py-stream', ShardId=first['ShardId'], ShardIteratorType='AT_SEQUENCE_NUMBER', StartingSequenceNumber=first['SequenceNumber'])['ShardIterator']
recs = c.get_records(ShardIterator=it)['Records']
err = None
try:
    c.put_record(StreamName='py-stream', Data=b'x', PartitionKey='k', ExplicitHashKey='999999999999999999999999999999999999999')
except c.exceptions.InvalidArgumentException as e:
    err = e.response['Error']['Code']
print(json.dumps({'failed': out['FailedRecordCount'], 'shards': shards, 'data': [r['Data'].decode() for r in recs], 'err': err}))
`;
    const { stdout } = await run('python3', ['-c', script], { env: awsEnv(sluice.url) });
    const r = JSON.parse(stdout);
    assert.equal(r.failed, 0);
    assert.deepEqual(r.shards, ['shardId-000000000000', 'shardId-000000000001', 'shardId-000000000002']);
    assert.deepEqual(r.data, ['rec-0', 'rec-1', 'rec-2', 'rec-3', 'rec-4']);
    assert.equal(r.err, 'InvalidArgumentException');
  });
});
