/**
 * What API Gateway gets from IAM: assuming integration execution roles as
 * apigateway.amazonaws.com (the trust policy must name it), in-process calls
 * under the role authorized by its policies, the caller pass-through
 * (arn:aws:iam::*:user/*), --iam off, AWS_IAM method authorization
 * (execute-api:Invoke), and the secure-by-default listen policy.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import * as I from '@aws-sdk/client-iam';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { configFromFlags, type StartFlags } from '../src/cli/config.js';
import { bindIdentity, methodArn, type Identity } from '../src/iam/index.js';
import type { Sluice } from '../src/server/app.js';
import type { SluiceRequest } from '../src/server/types.js';
import { startTestSluice, testCredentials } from './helpers/sluice.js';

const ACCOUNT = '000000000000';
const ROLE = `arn:aws:iam::${ACCOUNT}:role/apigAwsProxyRole`;

let sluice: Sluice;
let iam: I.IAMClient;

/** The request an AWS integration sends Kinesis in-process (as src/apigateway builds it). */
function kinesisCall(action: string, body: object): SluiceRequest {
  const query = new URLSearchParams({ Action: action });
  return {
    method: 'POST',
    path: '/',
    rawQuery: query.toString(),
    query,
    headers: { 'content-type': 'application/x-amz-json-1.1', host: 'kinesis.us-east-1.amazonaws.com' },
    body: Buffer.from(JSON.stringify(body)),
    requestId: randomUUID(),
    remoteAddress: '127.0.0.1',
    scheme: 'https',
  };
}

async function asRole(identity: Identity, action: string, body: object): Promise<{ status: number; json: any }> {
  const res = await sluice.dispatch(bindIdentity(kinesisCall(action, body), identity));
  return { status: res.status, json: JSON.parse((res.body as Buffer).toString('utf8') || '{}') };
}

async function createRole(name: string, service: string, policies: string[]): Promise<string> {
  const doc = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole' }] });
  const arn = (await iam.send(new I.CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: doc }))).Role!.Arn!;
  for (const p of policies) await iam.send(new I.AttachRolePolicyCommand({ RoleName: name, PolicyArn: p }));
  return arn;
}

before(async () => {
  sluice = await startTestSluice({ rootAccessKeyId: testCredentials.accessKeyId, rootSecretAccessKey: testCredentials.secretAccessKey });
  iam = new I.IAMClient({ endpoint: sluice.url, region: 'us-east-1', credentials: testCredentials, maxAttempts: 1 });
  const create = await asRole({ principal: { kind: 'root', account: ACCOUNT } }, 'CreateStream', { StreamName: 'myStream', ShardCount: 1 });
  assert.equal(create.status, 200);
});
after(async () => {
  iam.destroy();
  await sluice.close();
});

describe('execution roles', () => {
  it('assumes the example role and writes with AmazonKinesisFullAccess', async () => {
    const r = sluice.iam.assumeExecutionRole(ROLE);
    assert.ok(r.ok);
    assert.equal(r.identity.principal.kind, 'assumed-role');
    const put = await asRole(r.identity, 'PutRecord', { StreamName: 'myStream', PartitionKey: 'k', Data: 'aGk=' });
    assert.equal(put.status, 200, JSON.stringify(put.json));
  });

  it('a read-only execution role serves reads and refuses PutRecord as AWS words it (even with --auth off)', async () => {
    const arn = await createRole('apigReadOnlyRole', 'apigateway.amazonaws.com', ['arn:aws:iam::aws:policy/AmazonKinesisReadOnlyAccess']);
    const r = sluice.iam.assumeExecutionRole(arn);
    assert.ok(r.ok);
    assert.equal((await asRole(r.identity, 'ListStreams', {})).status, 200);
    assert.equal((await asRole(r.identity, 'DescribeStream', { StreamName: 'myStream' })).status, 200);
    const put = await asRole(r.identity, 'PutRecord', { StreamName: 'myStream', PartitionKey: 'k', Data: 'aGk=' });
    assert.equal(put.status, 400);
    assert.deepEqual(put.json, {
      __type: 'AccessDeniedException',
      message: `User: arn:aws:sts::${ACCOUNT}:assumed-role/apigReadOnlyRole/BackplaneAssumeRoleSession is not authorized to perform: kinesis:PutRecord on resource: arn:aws:kinesis:us-east-1:${ACCOUNT}:stream/myStream because no identity-based policy allows the kinesis:PutRecord action`,
    });
  });

  it('fails when the trust policy does not name API Gateway', async () => {
    const arn = await createRole('lambdaRole', 'lambda.amazonaws.com', ['arn:aws:iam::aws:policy/AmazonKinesisFullAccess']);
    const r = sluice.iam.assumeExecutionRole(arn);
    assert.equal(r.ok, false);
    if (r.ok) return;
    assert.equal(r.reason, 'not-trusted');
    assert.equal(r.logMessage, `Execution failed due to configuration error: API Gateway does not have permission to assume the provided role ${arn}`);
    assert.match(r.hint, /does not allow apigateway\.amazonaws\.com/);
  });

  it('says which role is missing and how to create it', async () => {
    const missing = `arn:aws:iam::${ACCOUNT}:role/importedRole`;
    const r = sluice.iam.assumeExecutionRole(missing);
    assert.equal(r.ok, false);
    if (r.ok) return;
    assert.equal(r.reason, 'missing-role');
    assert.match(r.hint, /Role arn:aws:iam::000000000000:role\/importedRole does not exist in Sluice\. Create it: aws iam create-role --role-name importedRole /);
    assert.match(r.hint, /--iam off/);
    const foreign = sluice.iam.assumeExecutionRole('arn:aws:iam::123456789012:role/apigAwsProxyRole');
    assert.ok(!foreign.ok && /belongs to account 123456789012/.test(foreign.hint));
  });

  it('arn:aws:iam::*:user/* passes the caller through', async () => {
    const caller: Identity = { principal: { kind: 'root', account: ACCOUNT } };
    const r = sluice.iam.assumeExecutionRole('arn:aws:iam::*:user/*', caller);
    assert.ok(r.ok && r.identity === caller);
    assert.equal(sluice.iam.assumeExecutionRole('arn:aws:iam::*:user/*').ok, false);
  });

  it('--iam off takes any role as given', async () => {
    const lax = await startTestSluice({ iam: 'off' });
    try {
      const r = lax.iam.assumeExecutionRole(`arn:aws:iam::${ACCOUNT}:role/importedRole`);
      assert.ok(r.ok);
    } finally {
      await lax.close();
    }
  });
});

describe('AWS_IAM methods (execute-api:Invoke)', () => {
  const arn = methodArn('us-east-1', ACCOUNT, 'abc123', 'test', 'GET', '/streams');

  async function signedInvoke(credentials: { accessKeyId: string; secretAccessKey: string }): Promise<SluiceRequest> {
    const signer = new SignatureV4({ credentials, region: 'us-east-1', service: 'execute-api', sha256: Sha256 });
    const signed = await signer.sign({ method: 'GET', protocol: 'http:', hostname: 'localhost', path: '/restapis/abc123/test/_user_request_/streams', headers: { host: 'localhost:4566' } });
    return {
      method: 'GET',
      path: '/restapis/abc123/test/_user_request_/streams',
      rawQuery: '',
      query: new URLSearchParams(),
      headers: signed.headers as Record<string, string>,
      body: Buffer.alloc(0),
      requestId: randomUUID(),
      remoteAddress: '127.0.0.1',
      scheme: 'http',
    };
  }

  it('allows a caller with AmazonAPIGatewayInvokeFullAccess', async () => {
    await iam.send(new I.CreateUserCommand({ UserName: 'invoker' }));
    await iam.send(new I.AttachUserPolicyCommand({ UserName: 'invoker', PolicyArn: 'arn:aws:iam::aws:policy/AmazonAPIGatewayInvokeFullAccess' }));
    const k = (await iam.send(new I.CreateAccessKeyCommand({ UserName: 'invoker' }))).AccessKey!;
    const r = sluice.iam.authorizeInvoke(await signedInvoke({ accessKeyId: k.AccessKeyId!, secretAccessKey: k.SecretAccessKey! }), arn);
    assert.ok(r.ok);
    assert.equal(r.identity.principal.kind, 'user');
  });

  it('refuses a caller without execute-api:Invoke, an unsigned request and a bad signature', async () => {
    await iam.send(new I.CreateUserCommand({ UserName: 'no-invoke' }));
    const k = (await iam.send(new I.CreateAccessKeyCommand({ UserName: 'no-invoke' }))).AccessKey!;
    const denied = sluice.iam.authorizeInvoke(await signedInvoke({ accessKeyId: k.AccessKeyId!, secretAccessKey: k.SecretAccessKey! }), arn);
    assert.deepEqual(denied, {
      ok: false,
      status: 403,
      errorType: 'AccessDeniedException',
      message: `User: arn:aws:iam::${ACCOUNT}:user/no-invoke is not authorized to perform: execute-api:Invoke on resource: ${arn} because no identity-based policy allows the execute-api:Invoke action`,
      gatewayResponseType: 'ACCESS_DENIED',
    });
    const unsigned = { ...(await signedInvoke(testCredentials)), headers: { host: 'localhost:4566' } };
    const missing = sluice.iam.authorizeInvoke(unsigned, arn);
    assert.ok(!missing.ok && missing.gatewayResponseType === 'MISSING_AUTHENTICATION_TOKEN' && missing.message === 'Missing Authentication Token');
    const bad = sluice.iam.authorizeInvoke(await signedInvoke({ accessKeyId: testCredentials.accessKeyId, secretAccessKey: 'wrong' }), arn);
    assert.ok(!bad.ok && bad.gatewayResponseType === 'INVALID_SIGNATURE' && bad.errorType === 'InvalidSignatureException');
  });
});

describe('secure by default', () => {
  const flags = (over: Partial<StartFlags>): StartFlags => ({
    port: 4566, host: '127.0.0.1', dataDir: '.sluice', region: 'us-east-1', accountId: ACCOUNT, createStreamMs: 0, deleteStreamMs: 0,
    updateStreamMs: 0, shardLimit: 10, stage: 'test', faultRate: 0, latency: 0, iam: 'enforce', ...over,
  });

  it('auth defaults to off on loopback and to sigv4 elsewhere; root credentials come from the environment', () => {
    assert.equal(configFromFlags(flags({}), {}).auth, 'off');
    assert.equal(configFromFlags(flags({ host: '::1' }), {}).auth, 'off');
    assert.equal(configFromFlags(flags({ host: '0.0.0.0' }), {}).auth, 'sigv4');
    const c = configFromFlags(flags({ auth: 'sigv4' }), { SLUICE_ROOT_ACCESS_KEY_ID: 'AKIAROOT', SLUICE_ROOT_SECRET_ACCESS_KEY: 'secret' });
    assert.deepEqual([c.auth, c.rootAccessKeyId, c.rootSecretAccessKey], ['sigv4', 'AKIAROOT', 'secret']);
  });

  it('refuses --auth off on a non-loopback address unless --insecure', async () => {
    await assert.rejects(startTestSluice({ host: '0.0.0.0', auth: 'off' }), /refusing to listen on 0\.0\.0\.0 with --auth off/);
    const s = await startTestSluice({ host: '0.0.0.0', auth: 'off', insecure: true });
    await s.close();
  });
});
