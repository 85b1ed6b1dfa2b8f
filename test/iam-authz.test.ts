/**
 * `--auth sigv4` end to end, through real clients against a real server:
 * users and keys made through the IAM API, their Kinesis calls authorized by
 * their policies (read-only can list and describe but not write; explicit
 * Deny beats Allow), signed by the AWS SDK for JavaScript, the AWS CLI and
 * boto3; and AWS's authentication errors.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import * as I from '@aws-sdk/client-iam';
import * as K from '@aws-sdk/client-kinesis';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import type { Sluice } from '../src/server/app.js';
import { rejectsWith } from './helpers/aws-errors.js';
import { awsEnv, startTestSluice, testCredentials } from './helpers/sluice.js';

const run = promisify(execFile);
const ACCOUNT = '000000000000';
const STREAM_ARN = `arn:aws:kinesis:us-east-1:${ACCOUNT}:stream/myStream`;
const READ_ONLY = 'arn:aws:iam::aws:policy/AmazonKinesisReadOnlyAccess';
const FULL = 'arn:aws:iam::aws:policy/AmazonKinesisFullAccess';

let sluice: Sluice;
let iam: I.IAMClient;
let root: K.KinesisClient;
const clients: Array<{ destroy(): void }> = [];

interface Keys {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

const kinesisAs = (credentials: Keys): K.KinesisClient => {
  const c = new K.KinesisClient({ endpoint: sluice.url, region: 'us-east-1', credentials, maxAttempts: 1 });
  clients.push(c);
  return c;
};

/** A user with the given managed policies (and inline documents), and an access key. */
async function userWithKey(name: string, managed: string[], inline: Record<string, object> = {}): Promise<Keys> {
  await iam.send(new I.CreateUserCommand({ UserName: name }));
  for (const arn of managed) await iam.send(new I.AttachUserPolicyCommand({ UserName: name, PolicyArn: arn }));
  for (const [policyName, doc] of Object.entries(inline)) {
    await iam.send(new I.PutUserPolicyCommand({ UserName: name, PolicyName: policyName, PolicyDocument: JSON.stringify(doc) }));
  }
  const key = (await iam.send(new I.CreateAccessKeyCommand({ UserName: name }))).AccessKey!;
  return { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! };
}

const rejects = (p: Promise<unknown>, name: string, message?: string | RegExp, status = 400): Promise<void> => rejectsWith(p, name, message, status);

const putRecord = (c: K.KinesisClient): Promise<unknown> =>
  c.send(new K.PutRecordCommand({ StreamName: 'myStream', PartitionKey: 'k', Data: Buffer.from('hello') }));

before(async () => {
  sluice = await startTestSluice({ auth: 'sigv4', rootAccessKeyId: testCredentials.accessKeyId, rootSecretAccessKey: testCredentials.secretAccessKey });
  iam = new I.IAMClient({ endpoint: sluice.url, region: 'us-east-1', credentials: testCredentials, maxAttempts: 1 });
  root = kinesisAs(testCredentials);
  await root.send(new K.CreateStreamCommand({ StreamName: 'myStream', ShardCount: 1 }));
});

after(async () => {
  iam.destroy();
  for (const c of clients) c.destroy();
  await sluice.close();
});

describe('Kinesis authorized by IAM policies (AWS SDK for JavaScript)', () => {
  it('a read-only user lists and describes, and is refused PutRecord in AWS words', async () => {
    const reader = kinesisAs(await userWithKey('reader', [READ_ONLY]));
    const list = await reader.send(new K.ListStreamsCommand({}));
    assert.deepEqual(list.StreamNames, ['myStream']);
    const d = await reader.send(new K.DescribeStreamCommand({ StreamName: 'myStream' }));
    assert.equal(d.StreamDescription!.StreamStatus, 'ACTIVE');
    await reader.send(new K.DescribeStreamSummaryCommand({ StreamARN: STREAM_ARN }));
    await rejects(
      putRecord(reader),
      'AccessDeniedException',
      `User: arn:aws:iam::${ACCOUNT}:user/reader is not authorized to perform: kinesis:PutRecord on resource: ${STREAM_ARN} because no identity-based policy allows the kinesis:PutRecord action`,
    );
    await rejects(reader.send(new K.DeleteStreamCommand({ StreamName: 'myStream' })), 'AccessDeniedException', /kinesis:DeleteStream/);
  });

  it('reads shard iterators and records as the stream they belong to', async () => {
    const reader = kinesisAs(await userWithKey('iterator-reader', [READ_ONLY]));
    await putRecord(root);
    const it = await reader.send(new K.GetShardIteratorCommand({ StreamName: 'myStream', ShardId: 'shardId-000000000000', ShardIteratorType: 'TRIM_HORIZON' }));
    const got = await reader.send(new K.GetRecordsCommand({ ShardIterator: it.ShardIterator! }));
    assert.ok(got.Records!.length >= 1);
    // Denied on another stream by a policy scoped to it, with the iterator's stream in the message.
    const other = kinesisAs(
      await userWithKey('other-stream-reader', [], {
        only: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kinesis:*', Resource: `${STREAM_ARN}-other` }] },
      }),
    );
    await rejects(other.send(new K.GetRecordsCommand({ ShardIterator: it.ShardIterator! })), 'AccessDeniedException', new RegExp(`kinesis:GetRecords on resource: ${STREAM_ARN} `));
  });

  it('an explicit Deny beats an Allow', async () => {
    const c = kinesisAs(
      await userWithKey('denied-writer', [FULL], {
        noPut: { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 'kinesis:Put*', Resource: STREAM_ARN }] },
      }),
    );
    await c.send(new K.ListStreamsCommand({}));
    await rejects(
      putRecord(c),
      'AccessDeniedException',
      `User: arn:aws:iam::${ACCOUNT}:user/denied-writer is not authorized to perform: kinesis:PutRecord on resource: ${STREAM_ARN} with an explicit deny in an identity-based policy`,
    );
  });

  it('policy changes apply at once, and a deleted key stops working', async () => {
    const keys = await userWithKey('changing', []);
    const c = kinesisAs(keys);
    await rejects(c.send(new K.ListStreamsCommand({})), 'AccessDeniedException');
    await iam.send(new I.AttachUserPolicyCommand({ UserName: 'changing', PolicyArn: FULL }));
    await putRecord(c);
    await iam.send(new I.DeleteAccessKeyCommand({ UserName: 'changing', AccessKeyId: keys.accessKeyId }));
    await rejects(c.send(new K.ListStreamsCommand({})), 'UnrecognizedClientException', 'The security token included in the request is invalid.');
  });

  it('conditions see the request: aws:SourceIp and aws:username', async () => {
    const c = kinesisAs(
      await userWithKey('conditional', [], {
        loopbackOnly: {
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Action: 'kinesis:List*', Resource: '*', Condition: { IpAddress: { 'aws:SourceIp': '127.0.0.0/8' }, StringEquals: { 'aws:username': 'conditional' } } },
            { Effect: 'Allow', Action: 'kinesis:Describe*', Resource: '*', Condition: { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } } },
          ],
        },
      }),
    );
    await c.send(new K.ListStreamsCommand({}));
    await rejects(c.send(new K.DescribeStreamCommand({ StreamName: 'myStream' })), 'AccessDeniedException');
  });
});

describe('authentication errors', () => {
  it('refuses an unsigned request with MissingAuthenticationTokenException', async () => {
    const res = await fetch(`${sluice.url}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'Kinesis_20131202.ListStreams' },
      body: '{}',
    });
    assert.equal(res.status, 400);
    assert.deepEqual(await res.json(), { __type: 'MissingAuthenticationTokenException', message: 'Missing Authentication Token' });
  });

  it('refuses an unknown access key with UnrecognizedClientException', async () => {
    await rejects(kinesisAs({ accessKeyId: 'AKIANOTAREALKEY00000', secretAccessKey: 'x' }).send(new K.ListStreamsCommand({})), 'UnrecognizedClientException', 'The security token included in the request is invalid.');
  });

  it('refuses a wrong secret with InvalidSignatureException', async () => {
    await rejects(
      kinesisAs({ accessKeyId: testCredentials.accessKeyId, secretAccessKey: 'wrong' }).send(new K.ListStreamsCommand({})),
      'InvalidSignatureException',
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
    );
  });

  it('refuses a malformed Authorization header with IncompleteSignatureException', async () => {
    const res = await fetch(`${sluice.url}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'Kinesis_20131202.ListStreams', authorization: 'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/kinesis/aws4_request' },
      body: '{}',
    });
    const body = (await res.json()) as { __type: string; message: string };
    assert.equal(res.status, 400);
    assert.equal(body.__type, 'IncompleteSignatureException');
    assert.match(body.message, /^Authorization header requires 'Signature' parameter\. Authorization header requires 'SignedHeaders' parameter\./);
  });

  it('allows 15 minutes of clock skew and no more', async () => {
    const skewed = (ms: number): K.KinesisClient => {
      const c = new K.KinesisClient({ endpoint: sluice.url, region: 'us-east-1', credentials: testCredentials, maxAttempts: 1, systemClockOffset: ms });
      clients.push(c);
      return c;
    };
    await skewed(-14 * 60_000).send(new K.ListStreamsCommand({}));
    await skewed(14 * 60_000).send(new K.ListStreamsCommand({}));
    await rejects(skewed(-16 * 60_000).send(new K.ListStreamsCommand({})), 'InvalidSignatureException', /^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 15 min\.\)$/);
    await rejects(skewed(16 * 60_000).send(new K.ListStreamsCommand({})), 'InvalidSignatureException', /^Signature not yet current: \d{8}T\d{6}Z is still later than \d{8}T\d{6}Z \(\d{8}T\d{6}Z \+ 15 min\.\)$/);
  });

  it('refuses a signature for another service', async () => {
    const signer = new SignatureV4({ credentials: testCredentials, region: 'us-east-1', service: 'dynamodb', sha256: Sha256 });
    const url = new URL(sluice.url);
    const signed = await signer.sign({
      method: 'POST',
      protocol: 'http:',
      hostname: url.hostname,
      port: Number(url.port),
      path: '/',
      headers: { host: url.host, 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'Kinesis_20131202.ListStreams' },
      body: '{}',
    });
    const res = await fetch(`${sluice.url}/`, { method: 'POST', headers: signed.headers, body: '{}' });
    assert.deepEqual(await res.json(), { __type: 'InvalidSignatureException', message: "Credential should be scoped to correct service: 'kinesis'. " });
  });

  it('answers CBOR requests with CBOR errors', async () => {
    // The SDK's default for Kinesis here is JSON; a CBOR client gets its errors in CBOR.
    const res = await fetch(`${sluice.url}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-cbor-1.1', 'x-amz-target': 'Kinesis_20131202.ListStreams' },
      body: new Uint8Array([0xa0]),
    });
    assert.equal(res.status, 400);
    assert.equal(res.headers.get('content-type'), 'application/x-amz-cbor-1.1');
    assert.equal(res.headers.get('x-amzn-errortype'), 'MissingAuthenticationTokenException');
  });
});

describe('the AWS CLI and boto3 sign with keys made through IAM', () => {
  it('AWS CLI: list as a read-only user, refused put-record', async () => {
    const keys = await userWithKey('cli-reader', [READ_ONLY]);
    const env = { ...awsEnv(sluice.url), AWS_ACCESS_KEY_ID: keys.accessKeyId, AWS_SECRET_ACCESS_KEY: keys.secretAccessKey };
    const { stdout } = await run('aws', ['kinesis', 'list-streams', '--endpoint-url', sluice.url, '--output', 'json'], { env });
    assert.deepEqual(JSON.parse(stdout).StreamNames, ['myStream']);
    const who = JSON.parse((await run('aws', ['sts', 'get-caller-identity', '--endpoint-url', sluice.url, '--output', 'json'], { env })).stdout);
    assert.equal(who.Arn, `arn:aws:iam::${ACCOUNT}:user/cli-reader`);
    await assert.rejects(
      run('aws', ['kinesis', 'put-record', '--stream-name', 'myStream', '--partition-key', 'k', '--data', 'aGk=', '--endpoint-url', sluice.url], { env }),
      (e: any) => {
        assert.match(e.stderr, /An error occurred \(AccessDeniedException\) when calling the PutRecord operation: User: arn:aws:iam::000000000000:user\/cli-reader is not authorized to perform: kinesis:PutRecord on resource: arn:aws:kinesis:us-east-1:000000000000:stream\/myStream because no identity-based policy allows the kinesis:PutRecord action/);
        return true;
      },
    );
  });

  it('boto3: writes as a full-access user, IAM calls refused; the CLI manages IAM as root', async () => {
    const keys = await userWithKey('boto-writer', [FULL]);
    const script = `
import boto3, botocore, json, sys
s = boto3.session.Session(aws_access_key_id=sys.argv[2], aws_secret_access_key=sys.argv[3], region_name='us-east-1')
k = s.client('kinesis', endpoint_url=sys.argv[1])
r = k.put_record(StreamName='myStream', PartitionKey='k', Data=b'from boto3')
out = {'shard': r['ShardId']}
try:
    s.client('iam', endpoint_url=sys.argv[1]).list_users()
except botocore.exceptions.ClientError as e:
    out['iam'] = [e.response['Error']['Code'], e.response['Error']['Message'], e.response['ResponseMetadata']['HTTPStatusCode']]
print(json.dumps(out))
`;
    const { stdout } = await run('python3', ['-c', script, sluice.url, keys.accessKeyId, keys.secretAccessKey], { env: awsEnv(sluice.url) });
    const out = JSON.parse(stdout);
    assert.equal(out.shard, 'shardId-000000000000');
    assert.deepEqual(out.iam, [
      'AccessDenied',
      `User: arn:aws:iam::${ACCOUNT}:user/boto-writer is not authorized to perform: iam:ListUsers on resource: arn:aws:iam::${ACCOUNT}:user/ because no identity-based policy allows the iam:ListUsers action`,
      403,
    ]);
    const users = JSON.parse((await run('aws', ['iam', 'list-users', '--endpoint-url', sluice.url, '--output', 'json'], { env: awsEnv(sluice.url) })).stdout);
    assert.ok(users.Users.some((u: { UserName: string }) => u.UserName === 'boto-writer'));
  });
});
