/**
 * Kinesis resource policies evaluated as resource-based policies under
 * --auth sigv4: a stream's policy can grant a caller what no identity policy
 * does, and its explicit Deny beats any Allow.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as I from '@aws-sdk/client-iam';
import * as K from '@aws-sdk/client-kinesis';
import type { Sluice } from '../src/server/app.js';
import { startTestSluice, testCredentials } from './helpers/sluice.js';

const ACCOUNT = '000000000000';
const arnOf = (s: string) => `arn:aws:kinesis:us-east-1:${ACCOUNT}:stream/${s}`;

let sluice: Sluice;
let iam: I.IAMClient;
let root: K.KinesisClient;
const clients: Array<{ destroy(): void }> = [];

async function clientFor(user: string, managed: string[]): Promise<K.KinesisClient> {
  await iam.send(new I.CreateUserCommand({ UserName: user }));
  for (const arn of managed) await iam.send(new I.AttachUserPolicyCommand({ UserName: user, PolicyArn: arn }));
  const key = (await iam.send(new I.CreateAccessKeyCommand({ UserName: user }))).AccessKey!;
  const c = new K.KinesisClient({ endpoint: sluice.url, region: 'us-east-1', credentials: { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! }, maxAttempts: 1 });
  clients.push(c);
  return c;
}

const policy = (effect: 'Allow' | 'Deny', principal: string, actions: string[], resource: string) =>
  JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: effect, Principal: { AWS: principal }, Action: actions, Resource: resource }] });

before(async () => {
  sluice = await startTestSluice({ auth: 'sigv4', rootAccessKeyId: testCredentials.accessKeyId, rootSecretAccessKey: testCredentials.secretAccessKey });
  iam = new I.IAMClient({ endpoint: sluice.url, region: 'us-east-1', credentials: testCredentials });
  root = new K.KinesisClient({ endpoint: sluice.url, region: 'us-east-1', credentials: testCredentials, maxAttempts: 1 });
  await root.send(new K.CreateStreamCommand({ StreamName: 'shared', ShardCount: 1 }));
});
after(async () => {
  for (const c of [...clients, iam, root]) c.destroy();
  await sluice.close();
});

describe('stream resource policies', () => {
  it('grant a caller named in them what its identity policies do not', async () => {
    const reader = await clientFor('reader', []);
    await assert.rejects(reader.send(new K.DescribeStreamSummaryCommand({ StreamName: 'shared' })), { name: 'AccessDeniedException' });
    await root.send(new K.PutResourcePolicyCommand({
      ResourceARN: arnOf('shared'),
      Policy: policy('Allow', `arn:aws:iam::${ACCOUNT}:user/reader`, ['kinesis:DescribeStreamSummary', 'kinesis:GetShardIterator'], arnOf('shared')),
    }));
    const d = await reader.send(new K.DescribeStreamSummaryCommand({ StreamName: 'shared' }));
    assert.equal(d.StreamDescriptionSummary!.StreamName, 'shared');
    await assert.rejects(reader.send(new K.PutRecordCommand({ StreamName: 'shared', PartitionKey: 'k', Data: Buffer.from('x') })), (e: any) => {
      assert.equal(e.name, 'AccessDeniedException');
      assert.match(e.message, /is not authorized to perform: kinesis:PutRecord on resource: arn:aws:kinesis:us-east-1:000000000000:stream\/shared because no identity-based policy allows/);
      return true;
    });
  });

  it('naming only the account grant nothing beyond identity policies', async () => {
    const other = await clientFor('other', []);
    await root.send(new K.PutResourcePolicyCommand({
      ResourceARN: arnOf('shared'),
      Policy: policy('Allow', `arn:aws:iam::${ACCOUNT}:root`, ['kinesis:*'], arnOf('shared')),
    }));
    await assert.rejects(other.send(new K.DescribeStreamSummaryCommand({ StreamName: 'shared' })), { name: 'AccessDeniedException' });
  });

  it('deny explicitly, beating an identity policy that allows', async () => {
    const writer = await clientFor('writer', ['arn:aws:iam::aws:policy/AmazonKinesisFullAccess']);
    await writer.send(new K.PutRecordCommand({ StreamName: 'shared', PartitionKey: 'k', Data: Buffer.from('ok') }));
    await root.send(new K.PutResourcePolicyCommand({
      ResourceARN: arnOf('shared'),
      Policy: policy('Deny', `arn:aws:iam::${ACCOUNT}:user/writer`, ['kinesis:PutRecord'], arnOf('shared')),
    }));
    await assert.rejects(writer.send(new K.PutRecordCommand({ StreamName: 'shared', PartitionKey: 'k', Data: Buffer.from('no') })), (e: any) => {
      assert.equal(e.name, 'AccessDeniedException');
      assert.equal(e.message, `User: arn:aws:iam::${ACCOUNT}:user/writer is not authorized to perform: kinesis:PutRecord on resource: ${arnOf('shared')} with an explicit deny in a resource-based policy`);
      return true;
    });
    await root.send(new K.DeleteResourcePolicyCommand({ ResourceARN: arnOf('shared') }));
    await writer.send(new K.PutRecordCommand({ StreamName: 'shared', PartitionKey: 'k', Data: Buffer.from('again') }));
  });
});
