/**
 * Issue 13's reproductions, each pinned as a regression: under --auth sigv4 a
 * narrow IAM user cannot reach what its policy denies by naming an allowed
 * resource in a member the action does not use, by picking which of several
 * members IAM looks at, by passing a role to API Gateway, or through the
 * bundled example API; an invalid resource policy is refused on the way in;
 * the data dir keeps its secrets to its owner.
 */
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as AG from '@aws-sdk/client-api-gateway';
import * as I from '@aws-sdk/client-iam';
import * as K from '@aws-sdk/client-kinesis';
import { encode as cborEncode } from 'cbor-x';
import { decodeCbor as cborDecode } from './helpers/cbor.js';
import type { Sluice } from '../src/server/app.js';
import { rejectsWith } from './helpers/aws-errors.js';
import { signedFetch, type Keys } from './helpers/signed.js';
import { startTestSluice, tempDir, testCredentials } from './helpers/sluice.js';

const ACCOUNT = '000000000000';
const streamArn = (name: string): string => `arn:aws:kinesis:us-east-1:${ACCOUNT}:stream/${name}`;
const ADMIN = 'arn:aws:iam::aws:policy/AdministratorAccess';

let sluice: Sluice;
let iam: I.IAMClient;
let root: K.KinesisClient;
const clients: Array<{ destroy(): void }> = [];

async function userWithKey(name: string, managed: string[], inline: Record<string, object> = {}): Promise<Keys> {
  await iam.send(new I.CreateUserCommand({ UserName: name }));
  for (const arn of managed) await iam.send(new I.AttachUserPolicyCommand({ UserName: name, PolicyArn: arn }));
  for (const [policyName, doc] of Object.entries(inline)) {
    await iam.send(new I.PutUserPolicyCommand({ UserName: name, PolicyName: policyName, PolicyDocument: JSON.stringify(doc) }));
  }
  const key = (await iam.send(new I.CreateAccessKeyCommand({ UserName: name }))).AccessKey!;
  return { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! };
}

const allow = (action: string | string[], resource: string | string[]): object => ({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: action, Resource: resource }] });

/** A Kinesis call with a body no SDK would send (members the operation does not have), JSON or CBOR. */
async function kinesisCall(keys: Keys, action: string, body: Record<string, unknown>, format: 'json' | 'cbor' = 'json'): Promise<{ status: number; type: string; body: any }> {
  const cbor = format === 'cbor';
  const res = await signedFetch(sluice.url, keys, {
    service: 'kinesis',
    headers: { 'content-type': cbor ? 'application/x-amz-cbor-1.1' : 'application/x-amz-json-1.1', 'x-amz-target': `Kinesis_20131202.${action}` },
    body: cbor ? cborEncode(body) : JSON.stringify(body),
  });
  const parsed = res.buffer.length === 0 ? undefined : cbor ? cborDecode(res.buffer) : res.json;
  return { status: res.status, type: res.headers.get('x-amzn-errortype') ?? '', body: parsed };
}

/** A raw IAM Query call, signed, with any members the caller cares to add. */
async function iamCall(keys: Keys, params: Record<string, string>): Promise<{ status: number; text: string }> {
  const res = await signedFetch(sluice.url, keys, {
    service: 'iam',
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
    body: new URLSearchParams({ Version: '2010-05-08', ...params }).toString(),
  });
  return { status: res.status, text: res.text };
}

async function recordCount(stream: string): Promise<number> {
  const it = await root.send(new K.GetShardIteratorCommand({ StreamName: stream, ShardId: 'shardId-000000000000', ShardIteratorType: 'TRIM_HORIZON' }));
  return (await root.send(new K.GetRecordsCommand({ ShardIterator: it.ShardIterator! }))).Records!.length;
}

before(async () => {
  sluice = await startTestSluice({ auth: 'sigv4', rootAccessKeyId: testCredentials.accessKeyId, rootSecretAccessKey: testCredentials.secretAccessKey });
  iam = new I.IAMClient({ endpoint: sluice.url, region: 'us-east-1', credentials: testCredentials, maxAttempts: 1 });
  root = new K.KinesisClient({ endpoint: sluice.url, region: 'us-east-1', credentials: testCredentials, maxAttempts: 1 });
  clients.push(iam, root);
  for (const name of ['public', 'secret']) await root.send(new K.CreateStreamCommand({ StreamName: name, ShardCount: 1 }));
  await root.send(new K.PutRecordCommand({ StreamName: 'secret', PartitionKey: 'k', Data: Buffer.from('the secret') }));
});

after(async () => {
  for (const c of clients) c.destroy();
  await sluice.close();
});

describe('Kinesis authorizes the resource the action acts on, not one named in another member', () => {
  let keys: Keys;
  before(async () => {
    keys = await userWithKey('public-only', [], {
      public: allow('kinesis:*', [streamArn('public'), `${streamArn('public')}/*`]),
      notSecret: { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 'kinesis:*', Resource: [streamArn('secret'), `${streamArn('secret')}/*`] }] },
    });
  });

  for (const format of ['json', 'cbor'] as const) {
    it(`PutRecord to "secret" with ResourceARN of "public" is denied and writes nothing (${format})`, async () => {
      const before = await recordCount('secret');
      const r = await kinesisCall(keys, 'PutRecord', { StreamName: 'secret', ResourceARN: streamArn('public'), PartitionKey: 'k', Data: format === 'cbor' ? Buffer.from('x') : 'eA==' }, format);
      assert.equal(r.status, 400);
      assert.equal(r.type, 'AccessDeniedException');
      assert.match(r.body.message, new RegExp(`kinesis:PutRecord on resource: ${streamArn('secret')} with an explicit deny`));
      assert.equal(await recordCount('secret'), before);
    });
  }

  it('GetShardIterator on "secret" with ConsumerARN of "public" is denied', async () => {
    const r = await kinesisCall(keys, 'GetShardIterator', {
      StreamName: 'secret', ConsumerARN: `${streamArn('public')}/consumer/c:1`, ShardId: 'shardId-000000000000', ShardIteratorType: 'TRIM_HORIZON',
    });
    assert.equal(r.type, 'AccessDeniedException');
  });

  it('GetRecords with an iterator of "secret" is authorized on "secret", whatever StreamARN says', async () => {
    const it = await root.send(new K.GetShardIteratorCommand({ StreamName: 'secret', ShardId: 'shardId-000000000000', ShardIteratorType: 'TRIM_HORIZON' }));
    const named = await kinesisCall(keys, 'GetRecords', { ShardIterator: it.ShardIterator, StreamARN: streamArn('public') });
    assert.equal(named.status, 400);
    assert.equal(named.type, 'InvalidArgumentException');
    assert.equal(named.body.Records, undefined);
    const plain = await kinesisCall(keys, 'GetRecords', { ShardIterator: it.ShardIterator });
    assert.equal(plain.type, 'AccessDeniedException');
    assert.match(plain.body.message, new RegExp(`kinesis:GetRecords on resource: ${streamArn('secret')} `));
  });

  it('DeleteStream of "secret" with ResourceARN of "public" is denied and "secret" stays', async () => {
    const r = await kinesisCall(keys, 'DeleteStream', { StreamName: 'secret', ResourceARN: streamArn('public') });
    assert.equal(r.type, 'AccessDeniedException');
    const d = await root.send(new K.DescribeStreamSummaryCommand({ StreamName: 'secret' }));
    assert.equal(d.StreamDescriptionSummary!.StreamStatus, 'ACTIVE');
  });

  it('StreamName and StreamARN naming different streams are refused, not authorized on either', async () => {
    const r = await kinesisCall(keys, 'PutRecord', { StreamName: 'public', StreamARN: streamArn('secret'), PartitionKey: 'k', Data: 'eA==' });
    assert.equal(r.type, 'InvalidArgumentException');
    assert.equal(r.body.message, `StreamARN ${streamArn('secret')} and StreamName public do not refer to the same stream.`);
  });

  it('a NextToken naming "secret" lists nothing of it', async () => {
    const token = Buffer.from(JSON.stringify({ stream: 'secret', after: 'shardId-', t: Date.now() })).toString('base64');
    const r = await kinesisCall(keys, 'ListShards', { NextToken: token });
    assert.equal(r.type, 'AccessDeniedException');
    assert.match(r.body.message, new RegExp(`kinesis:ListShards on resource: ${streamArn('secret')} `));
  });
});

describe('IAM authorizes the entity the action changes', () => {
  it('a user allowed only on role/team-* cannot attach AdministratorAccess to itself by naming a team role', async () => {
    const keys = await userWithKey('team-admin', [], { team: allow('iam:*', `arn:aws:iam::${ACCOUNT}:role/team-*`) });
    await iam.send(new I.CreateRoleCommand({ RoleName: 'team-x', AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'apigateway.amazonaws.com' }, Action: 'sts:AssumeRole' }] }) }));
    const attach = await iamCall(keys, { Action: 'AttachUserPolicy', UserName: 'team-admin', PolicyArn: ADMIN, RoleName: 'team-x' });
    assert.equal(attach.status, 403);
    assert.match(attach.text, /<Code>AccessDenied<\/Code>/);
    assert.match(attach.text, new RegExp(`iam:AttachUserPolicy on resource: arn:aws:iam::${ACCOUNT}:user/team-admin`));
    const attached = await iam.send(new I.ListAttachedUserPoliciesCommand({ UserName: 'team-admin' }));
    assert.deepEqual(attached.AttachedPolicies, []);

    await iam.send(new I.CreateUserCommand({ UserName: 'victim' }));
    const key = await iamCall(keys, { Action: 'CreateAccessKey', UserName: 'victim', RoleName: 'team-x' });
    assert.equal(key.status, 403);
    assert.doesNotMatch(key.text, /SecretAccessKey/);
    assert.deepEqual((await iam.send(new I.ListAccessKeysCommand({ UserName: 'victim' }))).AccessKeyMetadata, []);

    // What the policy does allow still works.
    const ok = await iamCall(keys, { Action: 'AttachRolePolicy', RoleName: 'team-x', PolicyArn: ADMIN });
    assert.equal(ok.status, 200, ok.text);
  });

  it('a user allowed only on its own user cannot delete a policy by naming itself', async () => {
    const keys = await userWithKey('self-only', [], { self: allow('iam:*', `arn:aws:iam::${ACCOUNT}:user/self-only`) });
    const policy = await iam.send(new I.CreatePolicyCommand({ PolicyName: 'keep-me', PolicyDocument: JSON.stringify(allow('kinesis:List*', '*')) }));
    const r = await iamCall(keys, { Action: 'DeletePolicy', PolicyArn: policy.Policy!.Arn!, UserName: 'self-only' });
    assert.equal(r.status, 403);
    assert.match(r.text, new RegExp(`iam:DeletePolicy on resource: ${policy.Policy!.Arn!}`));
    await iam.send(new I.GetPolicyCommand({ PolicyArn: policy.Policy!.Arn! }));
    // CreateAccessKey without UserName acts on (and is authorized on) the caller.
    const own = await iamCall(keys, { Action: 'CreateAccessKey' });
    assert.equal(own.status, 200, own.text);
    assert.match(own.text, /<UserName>self-only<\/UserName>/);
  });

  it('iam:PolicyARN is the condition key of AttachUserPolicy', async () => {
    const keys = await userWithKey('attacher', [], {
      onlyReadOnly: {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 'iam:AttachUserPolicy', Resource: '*', Condition: { ArnEquals: { 'iam:PolicyARN': 'arn:aws:iam::aws:policy/ReadOnlyAccess' } } }],
      },
    });
    assert.equal((await iamCall(keys, { Action: 'AttachUserPolicy', UserName: 'attacher', PolicyArn: ADMIN })).status, 403);
  });
});

describe('iam:PassRole for the roles API Gateway is made to act as', () => {
  const role = `arn:aws:iam::${ACCOUNT}:role/apigAwsProxyRole`;
  const definition = (title: string): string => JSON.stringify({
    openapi: '3.0.1',
    info: { title, version: '1' },
    paths: {
      '/put': {
        post: {
          'x-amazon-apigateway-integration': {
            type: 'aws', httpMethod: 'POST', credentials: role,
            uri: 'arn:aws:apigateway:us-east-1:kinesis:action/PutRecord',
            requestTemplates: { 'application/json': '{"StreamName":"secret","PartitionKey":"k","Data":"eA=="}' },
            responses: { default: { statusCode: '200' } },
          },
        },
      },
    },
  });
  let denied: AG.APIGatewayClient;
  let passer: AG.APIGatewayClient;

  before(async () => {
    const gatewayAdmin = 'arn:aws:iam::aws:policy/AmazonAPIGatewayAdministrator';
    denied = new AG.APIGatewayClient({ endpoint: sluice.url, region: 'us-east-1', credentials: await userWithKey('apig-admin', [gatewayAdmin]), maxAttempts: 1 });
    passer = new AG.APIGatewayClient({
      endpoint: sluice.url, region: 'us-east-1', maxAttempts: 1,
      credentials: await userWithKey('apig-passer', [gatewayAdmin], { pass: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:PassRole', Resource: role, Condition: { StringEquals: { 'iam:PassedToService': 'apigateway.amazonaws.com' } } }] } }),
    });
    clients.push(denied, passer);
  });

  const passDenial = (user: string): string =>
    `User: arn:aws:iam::${ACCOUNT}:user/${user} is not authorized to perform: iam:PassRole on resource: ${role} because no identity-based policy allows the iam:PassRole action`;

  it('ImportRestApi with integration credentials: refused without iam:PassRole, nothing imported; accepted with it', async () => {
    const before = (await denied.send(new AG.GetRestApisCommand({}))).items!.length;
    await rejectsWith(denied.send(new AG.ImportRestApiCommand({ body: Buffer.from(definition('Sneaky')) })), 'AccessDeniedException', passDenial('apig-admin'), 403);
    assert.equal((await denied.send(new AG.GetRestApisCommand({}))).items!.length, before);
    const ok = await passer.send(new AG.ImportRestApiCommand({ body: Buffer.from(definition('Allowed')) }));
    assert.equal(ok.name, 'Allowed');
  });

  it('PutRestApi, PutIntegration and UpdateIntegration check iam:PassRole too', async () => {
    const api = await passer.send(new AG.CreateRestApiCommand({ name: 'pass-checks' }));
    await rejectsWith(denied.send(new AG.PutRestApiCommand({ restApiId: api.id!, mode: 'overwrite', body: Buffer.from(definition('pass-checks')) })), 'AccessDeniedException', passDenial('apig-admin'), 403);
    const res = await passer.send(new AG.CreateResourceCommand({ restApiId: api.id!, parentId: api.rootResourceId!, pathPart: 'x' }));
    await passer.send(new AG.PutMethodCommand({ restApiId: api.id!, resourceId: res.id!, httpMethod: 'POST', authorizationType: 'NONE' }));
    const integration = { restApiId: api.id!, resourceId: res.id!, httpMethod: 'POST', type: 'AWS' as const, integrationHttpMethod: 'POST', uri: 'arn:aws:apigateway:us-east-1:kinesis:action/ListStreams' };
    await rejectsWith(denied.send(new AG.PutIntegrationCommand({ ...integration, credentials: role })), 'AccessDeniedException', passDenial('apig-admin'), 403);
    await passer.send(new AG.PutIntegrationCommand({ ...integration, credentials: role }));
    // The caller's own identity is not a role: no PassRole needed.
    await denied.send(new AG.PutIntegrationCommand({ ...integration, credentials: 'arn:aws:iam::*:user/*' }));
    const patch = { restApiId: api.id!, resourceId: res.id!, httpMethod: 'POST', patchOperations: [{ op: 'replace' as const, path: '/credentials', value: role }] };
    await rejectsWith(denied.send(new AG.UpdateIntegrationCommand(patch)), 'AccessDeniedException', passDenial('apig-admin'), 403);
    const updated = await passer.send(new AG.UpdateIntegrationCommand(patch));
    assert.equal(updated.credentials, role);
  });

  it('cloneFrom an API whose integrations use a role needs iam:PassRole for it', async () => {
    const source = await passer.send(new AG.ImportRestApiCommand({ body: Buffer.from(definition('clone-source')) }));
    await rejectsWith(denied.send(new AG.CreateRestApiCommand({ name: 'clone', cloneFrom: source.id! })), 'AccessDeniedException', passDenial('apig-admin'), 403);
    await passer.send(new AG.CreateRestApiCommand({ name: 'clone', cloneFrom: source.id! }));
  });
});

describe('the bundled KinesisProxy API under --auth sigv4', () => {
  it('refuses anonymous callers and serves a signed one allowed execute-api:Invoke', async () => {
    const [api] = sluice.deployedApis();
    assert.equal(api!.name, 'KinesisProxy');
    assert.deepEqual(api!.openMethods, []);
    const path = new URL(api!.invokeUrl).pathname;
    const anonymous = await fetch(`${api!.invokeUrl}/streams`);
    assert.equal(anonymous.status, 403);
    assert.equal(anonymous.headers.get('x-amzn-errortype'), 'MissingAuthenticationTokenException');
    const deleteAnon = await fetch(`${api!.invokeUrl}/streams/secret`, { method: 'DELETE', headers: { 'content-type': 'application/json' }, body: '{}' });
    assert.equal(deleteAnon.status, 403);
    await root.send(new K.DescribeStreamSummaryCommand({ StreamName: 'secret' }));

    const invoker = await userWithKey('invoker', [], { invoke: allow('execute-api:Invoke', `arn:aws:execute-api:us-east-1:${ACCOUNT}:${api!.id}/*`) });
    const listed = await signedFetch(sluice.url, invoker, { service: 'execute-api', method: 'GET', path: `${path}/streams` });
    assert.equal(listed.status, 200, listed.text);
    assert.ok(listed.json.StreamNames.includes('secret'));
    const nobody = await userWithKey('no-invoke', []);
    const refused = await signedFetch(sluice.url, nobody, { service: 'execute-api', method: 'GET', path: `${path}/streams` });
    assert.equal(refused.status, 403);
  });
});

describe('$context.identity of an AWS_IAM method', () => {
  it('names the signer as API Gateway does: accountId, caller, user, userArn, accessKey', async () => {
    const apig = new AG.APIGatewayClient({ endpoint: sluice.url, region: 'us-east-1', credentials: testCredentials, maxAttempts: 1 });
    clients.push(apig);
    const api = await apig.send(new AG.CreateRestApiCommand({ name: 'who-am-i' }));
    const rootResource = (await apig.send(new AG.GetResourcesCommand({ restApiId: api.id! }))).items!.find((r) => r.path === '/')!;
    const method = { restApiId: api.id!, resourceId: rootResource.id!, httpMethod: 'GET' };
    await apig.send(new AG.PutMethodCommand({ ...method, authorizationType: 'AWS_IAM' }));
    await apig.send(new AG.PutIntegrationCommand({ ...method, type: 'MOCK', requestTemplates: { 'application/json': '{"statusCode": 200}' } }));
    await apig.send(new AG.PutMethodResponseCommand({ ...method, statusCode: '200' }));
    const fields = ['accountId', 'caller', 'user', 'userArn', 'accessKey'];
    const template = `{${fields.map((f) => `"${f}": "$context.identity.${f}"`).join(', ')}}`;
    await apig.send(new AG.PutIntegrationResponseCommand({ ...method, statusCode: '200', responseTemplates: { 'application/json': template } }));
    await apig.send(new AG.CreateDeploymentCommand({ restApiId: api.id!, stageName: 'test' }));

    const keys = await userWithKey('who-am-i', [], { invoke: allow('execute-api:Invoke', `arn:aws:execute-api:us-east-1:${ACCOUNT}:${api.id}/*`) });
    const user = (await iam.send(new I.GetUserCommand({ UserName: 'who-am-i' }))).User!;
    const r = await signedFetch(sluice.url, keys, { service: 'execute-api', method: 'GET', path: `/restapis/${api.id}/test/_user_request_/` });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json, { accountId: ACCOUNT, caller: user.UserId, user: user.UserId, userArn: user.Arn, accessKey: keys.accessKeyId });
    assert.match(user.UserId!, /^AIDA/);
  });
});

describe('execute-api:Invoke is decided on the path the method is matched on', () => {
  it('a Deny on GET /streams/secret holds for encoded and doubled-slash spellings of it', async () => {
    const [api] = sluice.deployedApis();
    const base = `arn:aws:execute-api:us-east-1:${ACCOUNT}:${api!.id}`;
    const keys = await userWithKey('invoker-not-secret', [], {
      all: allow('execute-api:Invoke', `${base}/*`),
      notSecret: { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 'execute-api:Invoke', Resource: `${base}/*/GET/streams/secret` }] },
    });
    const path = new URL(api!.invokeUrl).pathname;
    const get = (p: string): Promise<{ status: number; text: string }> => signedFetch(sluice.url, keys, { service: 'execute-api', method: 'GET', path: `${path}${p}` });
    assert.equal((await get('/streams/public')).status, 200);
    for (const p of ['/streams/secret', '/streams/%73ecret', '//streams//secret', '/streams/secret/']) {
      const r = await get(p);
      assert.equal(r.status, 403, `${p}: ${r.text}`);
      assert.match(r.text, /explicit deny/);
    }
  });
});

describe('resource policies are validated on the way in', () => {
  it('an invalid stream policy is refused and the stream keeps working', async () => {
    await rejectsWith(
      root.send(new K.PutResourcePolicyCommand({ ResourceARN: streamArn('public'), Policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow' }] }) })),
      'InvalidArgumentException',
      /^Invalid policy document: /,
      400,
    );
    assert.equal((await root.send(new K.GetResourcePolicyCommand({ ResourceARN: streamArn('public') }))).Policy, '{}');
    await root.send(new K.PutRecordCommand({ StreamName: 'public', PartitionKey: 'k', Data: Buffer.from('x') }));
    const reader = new K.KinesisClient({ endpoint: sluice.url, region: 'us-east-1', maxAttempts: 1, credentials: await userWithKey('policy-reader', [], { r: allow('kinesis:*', streamArn('public')) }) });
    clients.push(reader);
    await reader.send(new K.DescribeStreamSummaryCommand({ StreamName: 'public' }));
  });

  it('a stored policy that does not parse (written before validation) fails closed, never with a 500', async () => {
    const s = sluice.kinesis.registry.get('public')!;
    s.resourcePolicy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow' }] });
    await sluice.kinesis.registry.save(s);
    const keys = await userWithKey('legacy-policy-victim', [], { r: allow('kinesis:*', streamArn('public')) });
    const c = new K.KinesisClient({ endpoint: sluice.url, region: 'us-east-1', maxAttempts: 1, credentials: keys });
    clients.push(c);
    await rejectsWith(c.send(new K.DescribeStreamSummaryCommand({ StreamName: 'public' })), 'AccessDeniedException', /with an explicit deny in a resource-based policy/, 400);
    await rejectsWith(c.send(new K.DeleteResourcePolicyCommand({ ResourceARN: streamArn('public') })), 'AccessDeniedException', undefined, 400);
    await root.send(new K.DeleteResourcePolicyCommand({ ResourceARN: streamArn('public') }));
    await c.send(new K.DescribeStreamSummaryCommand({ StreamName: 'public' }));
  });

  it('a valid stream policy is stored and grants what it says', async () => {
    const keys = await userWithKey('granted-by-stream', []);
    const policy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:user/granted-by-stream` }, Action: 'kinesis:DescribeStreamSummary', Resource: streamArn('public') }] };
    await root.send(new K.PutResourcePolicyCommand({ ResourceARN: streamArn('public'), Policy: JSON.stringify(policy) }));
    const c = new K.KinesisClient({ endpoint: sluice.url, region: 'us-east-1', maxAttempts: 1, credentials: keys });
    clients.push(c);
    await c.send(new K.DescribeStreamSummaryCommand({ StreamName: 'public' }));
    await rejectsWith(c.send(new K.DescribeStreamSummaryCommand({ StreamName: 'secret' })), 'AccessDeniedException');
    await root.send(new K.DeleteResourcePolicyCommand({ ResourceARN: streamArn('public') }));
  });
});

describe('policy documents are validated on the way in, with one grammar and AWS words', () => {
  it('API resource policies: refused when invalid, API Gateway resource forms accepted', async () => {
    const apig = new AG.APIGatewayClient({ endpoint: sluice.url, region: 'us-east-1', credentials: testCredentials, maxAttempts: 1 });
    clients.push(apig);
    const invalid = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow' }] });
    const words = 'Invalid policy document. Please check the policy syntax and ensure that Principals are valid.';
    await rejectsWith(apig.send(new AG.CreateRestApiCommand({ name: 'bad-policy', policy: invalid })), 'BadRequestException', words, 400);
    const valid = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 'execute-api:Invoke', Resource: 'execute-api:/*' }] });
    const api = await apig.send(new AG.CreateRestApiCommand({ name: 'good-policy', policy: valid }));
    await rejectsWith(apig.send(new AG.UpdateRestApiCommand({ restApiId: api.id!, patchOperations: [{ op: 'replace', path: '/policy', value: 'not json' }] })), 'BadRequestException', words, 400);
    assert.equal((await apig.send(new AG.GetRestApiCommand({ restApiId: api.id! }))).policy, valid);
  });

  it('IAM trust and identity policies', async () => {
    await rejectsWith(iam.send(new I.CreateRoleCommand({ RoleName: 'bad-trust', AssumeRolePolicyDocument: '{"Version": ' })), 'MalformedPolicyDocumentException', 'This policy contains invalid Json', 400);
    await iam.send(new I.CreateUserCommand({ UserName: 'grammar' }));
    const withPrincipal = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 'kinesis:*', Resource: '*' }] });
    await rejectsWith(iam.send(new I.PutUserPolicyCommand({ UserName: 'grammar', PolicyName: 'p', PolicyDocument: withPrincipal })), 'MalformedPolicyDocumentException', 'Policy document should not specify a principal.', 400);
  });
});

describe('file modes', () => {
  it('a fresh data dir is 0700 and the database files 0600, whatever the umask', async () => {
    const dir = tempDir();
    const old = process.umask(0o022);
    try {
      const dataDir = join(dir.path, 'data');
      const s = await startTestSluice({ dataDir });
      try {
        await s.kinesis.registry.all();
        assert.equal(statSync(dataDir).mode & 0o777, 0o700);
        for (const f of ['sluice.db', 'sluice.db-wal', 'sluice.db-shm']) assert.equal(statSync(join(dataDir, f)).mode & 0o777, 0o600, f);
      } finally {
        await s.close();
      }
    } finally {
      process.umask(old);
      dir.remove();
    }
  });

  it('an existing data dir others can read is reported at start', async () => {
    const dir = tempDir();
    const lines: string[] = [];
    const { chmodSync } = await import('node:fs');
    chmodSync(dir.path, 0o755);
    try {
      const { startSluice } = await import('../src/server/app.js');
      const { defaultConfig } = await import('../src/server/config.js');
      const s = await startSluice({ ...defaultConfig, port: 0, dataDir: dir.path, createStreamMs: 0 }, { log: (l) => lines.push(l) });
      await s.close();
      assert.ok(lines.some((l) => l.includes(`data dir ${dir.path} has mode 0755`)), lines.join('\n'));
    } finally {
      dir.remove();
    }
  });
});
