/**
 * STS through @aws-sdk/client-sts and boto3 under --auth sigv4: AssumeRole
 * decided by the role's trust policy (and, for account-wide trust, the
 * caller's policies), GetCallerIdentity for every kind of caller,
 * GetSessionToken, and temporary credentials: their session tokens, expiry
 * and tampering.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import * as I from '@aws-sdk/client-iam';
import * as K from '@aws-sdk/client-kinesis';
import * as S from '@aws-sdk/client-sts';
import type { Sluice } from '../src/server/app.js';
import { rejectsWith } from './helpers/aws-errors.js';
import { awsEnv, startTestSluice, testCredentials } from './helpers/sluice.js';

const run = promisify(execFile);
const ACCOUNT = '000000000000';

let sluice: Sluice;
let iam: I.IAMClient;
const clients: Array<{ destroy(): void }> = [];

interface Keys {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

function client<T extends { destroy(): void }>(c: T): T {
  clients.push(c);
  return c;
}
const sts = (credentials: Keys): S.STSClient => client(new S.STSClient({ endpoint: sluice.url, region: 'us-east-1', credentials, maxAttempts: 1 }));
const kinesis = (credentials: Keys): K.KinesisClient => client(new K.KinesisClient({ endpoint: sluice.url, region: 'us-east-1', credentials, maxAttempts: 1 }));

const keysOf = (c: S.Credentials): Keys => ({ accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! });

async function user(name: string, inline: Record<string, object> = {}): Promise<Keys> {
  await iam.send(new I.CreateUserCommand({ UserName: name }));
  for (const [p, doc] of Object.entries(inline)) await iam.send(new I.PutUserPolicyCommand({ UserName: name, PolicyName: p, PolicyDocument: JSON.stringify(doc) }));
  const k = (await iam.send(new I.CreateAccessKeyCommand({ UserName: name }))).AccessKey!;
  return { accessKeyId: k.AccessKeyId!, secretAccessKey: k.SecretAccessKey! };
}

async function role(name: string, principal: object, policies: string[] = [], maxSessionDuration?: number): Promise<string> {
  const doc = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: principal, Action: 'sts:AssumeRole' }] });
  const r = (await iam.send(new I.CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: doc, ...(maxSessionDuration ? { MaxSessionDuration: maxSessionDuration } : {}) }))).Role!;
  for (const p of policies) await iam.send(new I.AttachRolePolicyCommand({ RoleName: name, PolicyArn: p }));
  return r.Arn!;
}

const rejects = (p: Promise<unknown>, name: string, message: string | RegExp, status: number): Promise<void> => rejectsWith(p, name, message, status);

before(async () => {
  sluice = await startTestSluice({ auth: 'sigv4', rootAccessKeyId: testCredentials.accessKeyId, rootSecretAccessKey: testCredentials.secretAccessKey });
  iam = client(new I.IAMClient({ endpoint: sluice.url, region: 'us-east-1', credentials: testCredentials, maxAttempts: 1 }));
  await kinesis(testCredentials).send(new K.CreateStreamCommand({ StreamName: 'myStream', ShardCount: 1 }));
});
after(async () => {
  for (const c of clients) c.destroy();
  await sluice.close();
});

describe('GetCallerIdentity', () => {
  it('names the root, a user, and a role session', async () => {
    assert.deepEqual(
      pick(await sts(testCredentials).send(new S.GetCallerIdentityCommand({}))),
      { UserId: ACCOUNT, Account: ACCOUNT, Arn: `arn:aws:iam::${ACCOUNT}:root` },
    );
    const bob = await user('bob');
    const me = await sts(bob).send(new S.GetCallerIdentityCommand({}));
    assert.equal(me.Arn, `arn:aws:iam::${ACCOUNT}:user/bob`);
    assert.match(me.UserId!, /^AIDA/);
  });
});

const pick = (o: S.GetCallerIdentityCommandOutput): object => ({ UserId: o.UserId, Account: o.Account, Arn: o.Arn });

describe('AssumeRole', () => {
  it('a role trusting the user: temporary credentials acting with the role\'s policies', async () => {
    const carol = await user('carol');
    const arn = await role('reader-role', { AWS: `arn:aws:iam::${ACCOUNT}:user/carol` }, ['arn:aws:iam::aws:policy/AmazonKinesisReadOnlyAccess']);
    const out = await sts(carol).send(new S.AssumeRoleCommand({ RoleArn: arn, RoleSessionName: 'carol-session', DurationSeconds: 900 }));
    assert.equal(out.AssumedRoleUser!.Arn, `arn:aws:sts::${ACCOUNT}:assumed-role/reader-role/carol-session`);
    assert.match(out.AssumedRoleUser!.AssumedRoleId!, /^AROA[A-Z2-7]{17}:carol-session$/);
    const c = out.Credentials!;
    assert.match(c.AccessKeyId!, /^ASIA/);
    assert.ok(Math.abs(c.Expiration!.getTime() - (Date.now() + 900_000)) < 5000);

    const session = keysOf(c);
    assert.equal((await sts(session).send(new S.GetCallerIdentityCommand({}))).Arn, out.AssumedRoleUser!.Arn);
    const k = kinesis(session);
    await k.send(new K.ListStreamsCommand({}));
    await rejects(
      k.send(new K.PutRecordCommand({ StreamName: 'myStream', PartitionKey: 'k', Data: new Uint8Array([1]) })),
      'AccessDeniedException',
      `User: arn:aws:sts::${ACCOUNT}:assumed-role/reader-role/carol-session is not authorized to perform: kinesis:PutRecord on resource: arn:aws:kinesis:us-east-1:${ACCOUNT}:stream/myStream because no identity-based policy allows the kinesis:PutRecord action`,
      400,
    );
  });

  it('refuses a caller the trust policy does not name', async () => {
    const dave = await user('dave', { all: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] } });
    const arn = await role('gateway-only', { Service: 'apigateway.amazonaws.com' });
    await rejects(
      sts(dave).send(new S.AssumeRoleCommand({ RoleArn: arn, RoleSessionName: 's1' })),
      'AccessDenied',
      `User: arn:aws:iam::${ACCOUNT}:user/dave is not authorized to perform: sts:AssumeRole on resource: ${arn}`,
      403,
    );
    await rejects(
      sts(dave).send(new S.AssumeRoleCommand({ RoleArn: `arn:aws:iam::${ACCOUNT}:role/does-not-exist`, RoleSessionName: 's1' })),
      'AccessDenied',
      `User: arn:aws:iam::${ACCOUNT}:user/dave is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::${ACCOUNT}:role/does-not-exist`,
      403,
    );
  });

  it('trust in the account needs the caller\'s own permission too', async () => {
    const arn = await role('account-trust', { AWS: `arn:aws:iam::${ACCOUNT}:root` });
    const erin = await user('erin');
    await rejects(
      sts(erin).send(new S.AssumeRoleCommand({ RoleArn: arn, RoleSessionName: 'sess' })),
      'AccessDenied',
      `User: arn:aws:iam::${ACCOUNT}:user/erin is not authorized to perform: sts:AssumeRole on resource: ${arn} because no identity-based policy allows the sts:AssumeRole action`,
      403,
    );
    await iam.send(new I.PutUserPolicyCommand({
      UserName: 'erin', PolicyName: 'assume',
      PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: arn }] }),
    }));
    await sts(erin).send(new S.AssumeRoleCommand({ RoleArn: arn, RoleSessionName: 'sess' }));
    // The root is trusted through the account with no policy of its own.
    await sts(testCredentials).send(new S.AssumeRoleCommand({ RoleArn: arn, RoleSessionName: 'root' }));
  });

  it('limits DurationSeconds to the role\'s MaxSessionDuration and role chaining to an hour', async () => {
    const arn = await role('short', { AWS: ACCOUNT }, [], 3600);
    await rejects(sts(testCredentials).send(new S.AssumeRoleCommand({ RoleArn: arn, RoleSessionName: 'sess', DurationSeconds: 7200 })),
      'ValidationError', 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.', 400);
    const chainArn = await role('chained', { AWS: arn });
    const first = keysOf((await sts(testCredentials).send(new S.AssumeRoleCommand({ RoleArn: arn, RoleSessionName: 'sess' }))).Credentials!);
    const second = await sts(first).send(new S.AssumeRoleCommand({ RoleArn: chainArn, RoleSessionName: 'hop' }));
    assert.equal(second.AssumedRoleUser!.Arn, `arn:aws:sts::${ACCOUNT}:assumed-role/chained/hop`);
  });

  it('boto3 assumes a role and uses the session', async () => {
    const arn = await role('boto-role', { AWS: `arn:aws:iam::${ACCOUNT}:root` }, ['arn:aws:iam::aws:policy/AmazonKinesisFullAccess']);
    const script = `
import boto3, json, sys
sts = boto3.client('sts', endpoint_url=sys.argv[1])
c = sts.assume_role(RoleArn=sys.argv[2], RoleSessionName='py')['Credentials']
s = boto3.session.Session(aws_access_key_id=c['AccessKeyId'], aws_secret_access_key=c['SecretAccessKey'], aws_session_token=c['SessionToken'], region_name='us-east-1')
who = s.client('sts', endpoint_url=sys.argv[1]).get_caller_identity()['Arn']
r = s.client('kinesis', endpoint_url=sys.argv[1]).put_record(StreamName='myStream', PartitionKey='k', Data=b'x')
print(json.dumps({'who': who, 'shard': r['ShardId']}))
`;
    const out = JSON.parse((await run('python3', ['-c', script, sluice.url, arn], { env: awsEnv(sluice.url) })).stdout);
    assert.deepEqual(out, { who: `arn:aws:sts::${ACCOUNT}:assumed-role/boto-role/py`, shard: 'shardId-000000000000' });
  });
});

describe('GetSessionToken and temporary credentials', () => {
  it('a user\'s session acts as the user and cannot ask for another session', async () => {
    const frank = await user('frank', { read: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kinesis:List*', Resource: '*' }] } });
    const c = (await sts(frank).send(new S.GetSessionTokenCommand({ DurationSeconds: 900 }))).Credentials!;
    const session = keysOf(c);
    assert.equal((await sts(session).send(new S.GetCallerIdentityCommand({}))).Arn, `arn:aws:iam::${ACCOUNT}:user/frank`);
    await kinesis(session).send(new K.ListStreamsCommand({}));
    await rejects(sts(session).send(new S.GetSessionTokenCommand({})), 'AccessDenied', 'Cannot call GetSessionToken with session credentials', 403);
  });

  it('refuses expired, altered and missing session tokens', async () => {
    const gina = await user('gina', { all: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] } });
    const who = sluice.iam.iam.store.user('gina')!;
    // Issued 20 minutes ago for 15 minutes.
    const expired = sluice.iam.iam.credentials.issue({ kind: 'user', userName: 'gina', userId: who.userId }, 900, Date.now() - 20 * 60_000);
    const expiredKeys = { accessKeyId: expired.accessKeyId, secretAccessKey: expired.secretAccessKey, sessionToken: expired.sessionToken };
    await rejects(kinesis(expiredKeys).send(new K.ListStreamsCommand({})), 'ExpiredTokenException', 'The security token included in the request is expired', 400);
    await rejects(sts(expiredKeys).send(new S.GetCallerIdentityCommand({})), 'ExpiredToken', 'The security token included in the request is expired', 403);

    const live = keysOf((await sts(gina).send(new S.GetSessionTokenCommand({ DurationSeconds: 900 }))).Credentials!);
    const altered = { ...live, sessionToken: live.sessionToken!.slice(0, -6) + (live.sessionToken!.endsWith('AAAA==') ? 'BBBB==' : 'AAAA==') };
    await rejects(kinesis(altered).send(new K.ListStreamsCommand({})), 'UnrecognizedClientException', 'The security token included in the request is invalid.', 400);
    const { sessionToken: _omitted, ...noToken } = live;
    await rejects(kinesis(noToken).send(new K.ListStreamsCommand({})), 'UnrecognizedClientException', 'The security token included in the request is invalid.', 400);
  });
});

describe('with --auth off', () => {
  it('GetCallerIdentity reports the key\'s owner, or the root for unknown keys, and trust policies still apply', async () => {
    const open = await startTestSluice();
    try {
      const c = new S.STSClient({ endpoint: open.url, region: 'us-east-1', credentials: { accessKeyId: 'anything', secretAccessKey: 'x' }, maxAttempts: 1 });
      assert.equal((await c.send(new S.GetCallerIdentityCommand({}))).Arn, `arn:aws:iam::${ACCOUNT}:root`);
      await rejects(
        c.send(new S.AssumeRoleCommand({ RoleArn: `arn:aws:iam::${ACCOUNT}:role/apigAwsProxyRole`, RoleSessionName: 'me' })),
        'AccessDenied',
        `User: arn:aws:iam::${ACCOUNT}:root is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::${ACCOUNT}:role/apigAwsProxyRole`,
        403,
      );
      c.destroy();
    } finally {
      await open.close();
    }
  });
});
