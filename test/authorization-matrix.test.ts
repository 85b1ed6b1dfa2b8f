/**
 * The authorization matrix, generated from the service models: for every
 * operation of Kinesis (JSON and CBOR), IAM, STS and the API Gateway
 * management API, a caller allowed everything on resources "A" and nothing
 * else calls it on resources "B":
 *  - plainly (every member that names a resource names B's), and
 *  - with every member that names a resource anywhere in the model, and that
 *    the operation does not declare, added and pointing at A.
 * Both must be refused (AccessDenied), and nothing about B may change. An
 * operation added to a model is covered without anyone writing a test for it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as AG from '@aws-sdk/client-api-gateway';
import * as I from '@aws-sdk/client-iam';
import * as K from '@aws-sdk/client-kinesis';
import { encode as cborEncode } from 'cbor-x';
import { decodeCbor as cborDecode } from './helpers/cbor.js';
import { apiGatewayModel } from '../src/apigateway/management/service.js';
import { iamModel } from '../src/iam/service.js';
import { kinesisModel } from '../src/kinesis/model.js';
import { stsModel } from '../src/sts/service.js';
import type { ServiceModel } from '../src/protocol/model.js';
import type { Sluice } from '../src/server/app.js';
import { generate, queryParams, resourceMemberNames } from './helpers/model-inputs.js';
import { signedFetch, type Keys } from './helpers/signed.js';
import { startTestSluice, testCredentials } from './helpers/sluice.js';

const ACCOUNT = '000000000000';
const REGION = 'us-east-1';

let sluice: Sluice;
let caller: Keys;
const sdk: { iam?: I.IAMClient; kinesis?: K.KinesisClient; apig?: AG.APIGatewayClient } = {};

/** Resources named "A" (the caller may do anything to them) and "B" (it may do nothing). */
interface Side {
  readonly stream: string;
  readonly consumerArn: string;
  readonly iterator: string;
  readonly api: { id: string; rootId: string; resourceId: string; deploymentId: string; validatorId: string; stage: string };
}
const side: Record<'A' | 'B', Side> = {} as Record<'A' | 'B', Side>;

const streamArn = (name: string): string => `arn:aws:kinesis:${REGION}:${ACCOUNT}:stream/${name}`;
const iamName = (s: 'A' | 'B', kind: string): string => `matrix-${s.toLowerCase()}-${kind}`;

// ------------------------------------------------------------------ set-up

const TRUST = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'apigateway.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
const SOME_POLICY = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kinesis:List*', Resource: '*' }] });

const definition = (title: string): string => JSON.stringify({
  openapi: '3.0.1',
  info: { title, version: '1' },
  'x-amazon-apigateway-request-validators': { all: { validateRequestBody: true, validateRequestParameters: true } },
  paths: {
    '/thing': {
      get: {
        security: [{ sigv4: [] }],
        'x-amazon-apigateway-integration': { type: 'mock', requestTemplates: { 'application/json': '{"statusCode": 200}' }, responses: { default: { statusCode: '200', responseTemplates: { 'application/json': '{"ok": true}' } } } },
        responses: { '200': { description: 'ok' } },
      },
    },
  },
  components: { securitySchemes: { sigv4: { type: 'apiKey', name: 'Authorization', in: 'header', 'x-amazon-apigateway-authtype': 'awsSigv4' } } },
});

async function makeSide(s: 'A' | 'B'): Promise<Side> {
  const kinesis = sdk.kinesis!;
  const stream = `matrix-${s.toLowerCase()}`;
  await kinesis.send(new K.CreateStreamCommand({ StreamName: stream, ShardCount: 1 }));
  await kinesis.send(new K.AddTagsToStreamCommand({ StreamName: stream, Tags: { owner: s } }));
  await kinesis.send(new K.PutRecordCommand({ StreamName: stream, PartitionKey: 'k', Data: Buffer.from(`record of ${s}`) }));
  const consumer = await kinesis.send(new K.RegisterStreamConsumerCommand({ StreamARN: streamArn(stream), ConsumerName: `c${s.toLowerCase()}` }));
  const it = await kinesis.send(new K.GetShardIteratorCommand({ StreamName: stream, ShardId: 'shardId-000000000000', ShardIteratorType: 'TRIM_HORIZON' }));

  const iam = sdk.iam!;
  await iam.send(new I.CreateUserCommand({ UserName: iamName(s, 'user'), Tags: [{ Key: 'owner', Value: s }] }));
  await iam.send(new I.PutUserPolicyCommand({ UserName: iamName(s, 'user'), PolicyName: 'inline', PolicyDocument: SOME_POLICY }));
  await iam.send(new I.CreateAccessKeyCommand({ UserName: iamName(s, 'user') }));
  await iam.send(new I.CreateRoleCommand({ RoleName: iamName(s, 'role'), AssumeRolePolicyDocument: TRUST }));
  const policy = await iam.send(new I.CreatePolicyCommand({ PolicyName: iamName(s, 'policy'), PolicyDocument: SOME_POLICY }));
  await iam.send(new I.AttachRolePolicyCommand({ RoleName: iamName(s, 'role'), PolicyArn: policy.Policy!.Arn! }));

  const apig = sdk.apig!;
  const api = await apig.send(new AG.ImportRestApiCommand({ body: Buffer.from(definition(`matrix-${s}`)) }));
  const resources = await apig.send(new AG.GetResourcesCommand({ restApiId: api.id! }));
  const thing = resources.items!.find((r) => r.path === '/thing')!;
  const deployment = await apig.send(new AG.CreateDeploymentCommand({ restApiId: api.id!, stageName: 'prod' }));
  const validators = await apig.send(new AG.GetRequestValidatorsCommand({ restApiId: api.id! }));
  await apig.send(new AG.TagResourceCommand({ resourceArn: `arn:aws:apigateway:${REGION}::/restapis/${api.id!}`, tags: { owner: s } }));
  return {
    stream,
    consumerArn: consumer.Consumer!.ConsumerARN!,
    iterator: it.ShardIterator!,
    api: { id: api.id!, rootId: api.rootResourceId!, resourceId: thing.id!, deploymentId: deployment.id!, validatorId: validators.items![0]!.id!, stage: 'prod' },
  };
}

before(async () => {
  sluice = await startTestSluice({ auth: 'sigv4', rootAccessKeyId: testCredentials.accessKeyId, rootSecretAccessKey: testCredentials.secretAccessKey });
  const common = { endpoint: sluice.url, region: REGION, credentials: testCredentials, maxAttempts: 1 };
  sdk.iam = new I.IAMClient(common);
  sdk.kinesis = new K.KinesisClient(common);
  sdk.apig = new AG.APIGatewayClient(common);
  side.A = await makeSide('A');
  side.B = await makeSide('B');
  const a = side.A;
  const everythingOnA = {
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: 'kinesis:*', Resource: [streamArn(a.stream), `${streamArn(a.stream)}/*`] },
      { Effect: 'Allow', Action: ['iam:*', 'sts:*'], Resource: [`arn:aws:iam::${ACCOUNT}:*/matrix-a-*`, `arn:aws:sts::${ACCOUNT}:*/matrix-a-*`] },
      { Effect: 'Allow', Action: 'apigateway:*', Resource: [`arn:aws:apigateway:${REGION}::/restapis/${a.api.id}`, `arn:aws:apigateway:${REGION}::/restapis/${a.api.id}/*`] },
      { Effect: 'Allow', Action: 'execute-api:*', Resource: `arn:aws:execute-api:${REGION}:${ACCOUNT}:${a.api.id}/*` },
    ],
  };
  await sdk.iam.send(new I.CreateUserCommand({ UserName: 'matrix-caller' }));
  await sdk.iam.send(new I.PutUserPolicyCommand({ UserName: 'matrix-caller', PolicyName: 'a-only', PolicyDocument: JSON.stringify(everythingOnA) }));
  const key = (await sdk.iam.send(new I.CreateAccessKeyCommand({ UserName: 'matrix-caller' }))).AccessKey!;
  caller = { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! };
});

after(async () => {
  sdk.iam?.destroy();
  sdk.kinesis?.destroy();
  sdk.apig?.destroy();
  await sluice.close();
});

// ------------------------------------------------------------------ what "B did not change" means

async function snapshotB(): Promise<unknown> {
  const b = side.B;
  const k = sdk.kinesis!;
  const iam = sdk.iam!;
  const apig = sdk.apig!;
  const strip = <T extends { $metadata?: unknown }>(o: T): Omit<T, '$metadata'> => {
    const { $metadata: _m, ...rest } = o;
    return rest;
  };
  const it = await k.send(new K.GetShardIteratorCommand({ StreamName: b.stream, ShardId: 'shardId-000000000000', ShardIteratorType: 'TRIM_HORIZON' }));
  const userName = iamName('B', 'user');
  const roleName = iamName('B', 'role');
  const policyArn = `arn:aws:iam::${ACCOUNT}:policy/${iamName('B', 'policy')}`;
  const policy = await iam.send(new I.GetPolicyCommand({ PolicyArn: policyArn }));
  return {
    stream: strip(await k.send(new K.DescribeStreamSummaryCommand({ StreamName: b.stream }))),
    shards: strip(await k.send(new K.ListShardsCommand({ StreamName: b.stream }))),
    records: (await k.send(new K.GetRecordsCommand({ ShardIterator: it.ShardIterator! }))).Records!.map((r) => Buffer.from(r.Data!).toString()),
    tags: strip(await k.send(new K.ListTagsForStreamCommand({ StreamName: b.stream }))),
    consumers: strip(await k.send(new K.ListStreamConsumersCommand({ StreamARN: streamArn(b.stream) }))),
    streamPolicy: strip(await k.send(new K.GetResourcePolicyCommand({ ResourceARN: streamArn(b.stream) }))),
    user: strip(await iam.send(new I.GetUserCommand({ UserName: userName }))),
    userPolicies: strip(await iam.send(new I.ListUserPoliciesCommand({ UserName: userName }))),
    userAttached: strip(await iam.send(new I.ListAttachedUserPoliciesCommand({ UserName: userName }))),
    userKeys: strip(await iam.send(new I.ListAccessKeysCommand({ UserName: userName }))),
    role: strip(await iam.send(new I.GetRoleCommand({ RoleName: roleName }))),
    rolePolicies: strip(await iam.send(new I.ListRolePoliciesCommand({ RoleName: roleName }))),
    roleAttached: strip(await iam.send(new I.ListAttachedRolePoliciesCommand({ RoleName: roleName }))),
    policy: strip(policy),
    policyVersion: strip(await iam.send(new I.GetPolicyVersionCommand({ PolicyArn: policyArn, VersionId: policy.Policy!.DefaultVersionId! }))),
    api: strip(await apig.send(new AG.GetRestApiCommand({ restApiId: b.api.id }))),
    resources: strip(await apig.send(new AG.GetResourcesCommand({ restApiId: b.api.id, embed: ['methods'] }))),
    stages: strip(await apig.send(new AG.GetStagesCommand({ restApiId: b.api.id }))),
    deployments: strip(await apig.send(new AG.GetDeploymentsCommand({ restApiId: b.api.id }))),
    models: strip(await apig.send(new AG.GetModelsCommand({ restApiId: b.api.id }))),
    validators: strip(await apig.send(new AG.GetRequestValidatorsCommand({ restApiId: b.api.id }))),
    gatewayResponses: strip(await apig.send(new AG.GetGatewayResponsesCommand({ restApiId: b.api.id }))),
    apiTags: strip(await apig.send(new AG.GetTagsCommand({ resourceArn: `arn:aws:apigateway:${REGION}::/restapis/${b.api.id}` }))),
  };
}

// ------------------------------------------------------------------ members that name resources

/** Member names, across the whole model, that name a resource. */
const namesResource = (name: string): boolean => /(Name|ARN|Arn|Id)$/.test(name) || name === 'ShardIterator' || name === 'SerialNumber';

function inputMembers(model: ServiceModel, operation: string): Record<string, unknown> {
  const op = model.operations[operation]!;
  const shape = op.input ? model.shapes[op.input.shape] : undefined;
  return shape?.type === 'structure' ? shape.members : {};
}

/** Kinesis: each resource-naming member, for side A or B (consistent with each other). */
function kinesisValues(s: 'A' | 'B'): Record<string, unknown> {
  const x = side[s];
  return {
    StreamName: x.stream,
    StreamARN: streamArn(x.stream),
    ConsumerARN: x.consumerArn,
    ConsumerName: `c${s.toLowerCase()}`,
    ResourceARN: streamArn(x.stream),
    ShardIterator: x.iterator,
  };
}

/** IAM and STS: each resource-naming member for a side; other names get the side's generic name. */
function iamValue(s: 'A' | 'B', member: string): unknown {
  const n = (kind: string): string => iamName(s, kind);
  const table: Record<string, unknown> = {
    UserName: n('user'),
    RoleName: n('role'),
    GroupName: n('group'),
    PolicyArn: `arn:aws:iam::${ACCOUNT}:policy/${n('policy')}`,
    PolicyName: n('policy'),
    InstanceProfileName: n('ip'),
    ServerCertificateName: n('cert'),
    VirtualMFADeviceName: n('mfa'),
    SerialNumber: `arn:aws:iam::${ACCOUNT}:mfa/${n('mfa')}`,
    OpenIDConnectProviderArn: `arn:aws:iam::${ACCOUNT}:oidc-provider/${n('oidc')}`,
    SAMLProviderArn: `arn:aws:iam::${ACCOUNT}:saml-provider/${n('saml')}`,
    RoleArn: `arn:aws:iam::${ACCOUNT}:role/${n('role')}`,
    PolicySourceArn: `arn:aws:iam::${ACCOUNT}:user/${n('user')}`,
    Arn: `arn:aws:iam::${ACCOUNT}:role/${n('role')}`,
    EntityArn: `arn:aws:iam::${ACCOUNT}:role/${n('role')}`,
    Name: n('name'),
    RoleSessionName: n('session'),
  };
  return Object.hasOwn(table, member) ? table[member] : undefined;
}

const POLICY_DOCUMENTS: Record<string, string> = {
  PolicyDocument: SOME_POLICY,
  AssumeRolePolicyDocument: TRUST,
};

// ------------------------------------------------------------------ Kinesis

async function kinesisCall(operation: string, input: Record<string, unknown>, format: 'json' | 'cbor'): Promise<{ status: number; type: string }> {
  const cbor = format === 'cbor';
  const body = cbor ? cborEncode(input) : JSON.stringify(input, (_k, v) => (v && v.type === 'Buffer' && Array.isArray(v.data) ? Buffer.from(v.data).toString('base64') : v));
  const res = await signedFetch(sluice.url, caller, {
    service: 'kinesis',
    headers: { 'content-type': cbor ? 'application/x-amz-cbor-1.1' : 'application/x-amz-json-1.1', 'x-amz-target': `Kinesis_20131202.${operation}` },
    body,
  });
  const type = res.headers.get('x-amzn-errortype') ?? (cbor && res.buffer.length ? String((cborDecode(res.buffer) as { __type?: string }).__type) : '');
  return { status: res.status, type };
}

describe('authorization matrix: Kinesis', () => {
  it('the caller may act on A (so the refusals below are about B)', async () => {
    const c = new K.KinesisClient({ endpoint: sluice.url, region: REGION, credentials: caller, maxAttempts: 1 });
    try {
      await c.send(new K.DescribeStreamSummaryCommand({ StreamName: side.A.stream }));
      await c.send(new K.PutRecordCommand({ StreamARN: streamArn(side.A.stream), PartitionKey: 'k', Data: Buffer.from('x') }));
    } finally {
      c.destroy();
    }
  });

  for (const operation of Object.keys(kinesisModel.operations)) {
    for (const format of ['json', 'cbor'] as const) {
      it(`${operation} (${format}) on B is refused, also with A in every other member`, async () => {
        const before = await snapshotB();
        const declared = inputMembers(kinesisModel, operation);
        const b = kinesisValues('B');
        const a = kinesisValues('A');
        const plainOverrides = Object.fromEntries(Object.entries(b).filter(([k]) => Object.hasOwn(declared, k)));
        // ListShards takes StreamName or a NextToken, not both.
        const plain = generate(kinesisModel, kinesisModel.operations[operation]!.input, plainOverrides) as Record<string, unknown>;
        const r1 = await kinesisCall(operation, plain, format);
        assert.equal(r1.type, 'AccessDeniedException', `${operation}: ${r1.status} ${r1.type}`);
        const added = Object.fromEntries(resourceMemberNames(kinesisModel, namesResource).filter((k) => !Object.hasOwn(declared, k)).map((k) => [k, a[k] ?? side.A.stream]));
        const r2 = await kinesisCall(operation, { ...plain, ...added }, format);
        assert.equal(r2.type, 'AccessDeniedException', `${operation} with A added: ${r2.status} ${r2.type}`);
        assert.deepEqual(await snapshotB(), before);
      });
    }
  }
});

// ------------------------------------------------------------------ IAM and STS (Query)

async function queryCall(service: 'iam' | 'sts', params: Record<string, string>): Promise<{ status: number; code: string; text: string }> {
  const res = await signedFetch(sluice.url, caller, {
    service,
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
    body: new URLSearchParams(params).toString(),
  });
  return { status: res.status, code: /<Code>([^<]*)<\/Code>/.exec(res.text)?.[1] ?? '', text: res.text };
}

function queryInput(model: ServiceModel, operation: string, s: 'A' | 'B'): Record<string, unknown> {
  const declared = inputMembers(model, operation);
  const overrides: Record<string, unknown> = {};
  for (const name of Object.keys(declared)) {
    const v = namesResource(name) ? iamValue(s, name) : POLICY_DOCUMENTS[name];
    if (v !== undefined) overrides[name] = v;
  }
  return generate(model, model.operations[operation]!.input, overrides) as Record<string, unknown>;
}

/** STS operations that need no permission in AWS (see src/sts/service.ts). */
const STS_OPEN = new Set(['GetCallerIdentity', 'GetSessionToken']);

for (const [service, model, version] of [['iam', iamModel, '2010-05-08'], ['sts', stsModel, '2011-06-15']] as const) {
  describe(`authorization matrix: ${service.toUpperCase()}`, () => {
    for (const operation of Object.keys(model.operations)) {
      if (service === 'sts' && STS_OPEN.has(operation)) continue;
      it(`${operation} on B is refused, also with A in every other member`, async () => {
        const before = await snapshotB();
        const op = model.operations[operation]!;
        const plain = queryInput(model, operation, 'B');
        const params = { Action: operation, Version: version, ...(op.input ? queryParams(model, { shape: op.input.shape }, plain) : {}) };
        const r1 = await queryCall(service, params);
        assert.equal(r1.code, 'AccessDenied', `${operation}: ${r1.status} ${r1.text}`);
        const declared = inputMembers(model, operation);
        const added: Record<string, string> = {};
        for (const name of resourceMemberNames(model, namesResource)) {
          if (Object.hasOwn(declared, name)) continue;
          const v = iamValue('A', name);
          added[name] = typeof v === 'string' ? v : iamName('A', 'name');
        }
        const r2 = await queryCall(service, { ...params, ...added });
        assert.equal(r2.code, 'AccessDenied', `${operation} with A added: ${r2.status} ${r2.text}`);
        assert.deepEqual(await snapshotB(), before);
      });
    }
  });
}

// ------------------------------------------------------------------ API Gateway management (REST-JSON)

/** B's (or A's) value for each label of a requestUri. */
function labelValue(s: 'A' | 'B', label: string): string {
  const api = side[s].api;
  const table: Record<string, string> = {
    restapi_id: api.id,
    resource_id: api.resourceId,
    parent_id: api.rootId,
    http_method: 'GET',
    status_code: '200',
    stage_name: api.stage,
    deployment_id: api.deploymentId,
    model_name: 'Empty',
    requestvalidator_id: api.validatorId,
    response_type: 'DEFAULT_4XX',
    export_type: 'oas30',
    sdk_type: 'javascript',
    resource_arn: `arn:aws:apigateway:${REGION}::/restapis/${api.id}`,
  };
  return table[label] ?? `matrix-${s.toLowerCase()}`;
}

describe('authorization matrix: API Gateway management', () => {
  it('the caller may act on A', async () => {
    const c = new AG.APIGatewayClient({ endpoint: sluice.url, region: REGION, credentials: caller, maxAttempts: 1 });
    try {
      await c.send(new AG.GetRestApiCommand({ restApiId: side.A.api.id }));
      await c.send(new AG.UpdateRestApiCommand({ restApiId: side.A.api.id, patchOperations: [{ op: 'replace', path: '/description', value: 'changed by the caller' }] }));
    } finally {
      c.destroy();
    }
  });

  for (const [operation, op] of Object.entries(apiGatewayModel.operations)) {
    it(`${operation} on B is refused, also with A in every other member`, async () => {
      const before = await snapshotB();
      const [pathTemplate, fixedQuery] = op.http.requestUri.split('?') as [string, string | undefined];
      const path = pathTemplate.replace(/\{([^}+]+)\+?\}/g, (_m, label: string) => encodeURIComponent(labelValue('B', label)));
      const members = inputMembers(apiGatewayModel, operation) as Record<string, { location?: string; locationName?: string }>;
      const input = generate(apiGatewayModel, op.input) as Record<string, unknown>;
      const query: Record<string, string> = Object.fromEntries(new URLSearchParams(fixedQuery ?? ''));
      const body: Record<string, unknown> = {};
      for (const [name, v] of Object.entries(input)) {
        const m = members[name]!;
        if (m.location === 'querystring') query[m.locationName ?? name] = String(v);
        else if (!m.location) body[m.locationName ?? name] = Buffer.isBuffer(v) ? v.toString('utf8') : v;
      }
      const call = async (extra: Record<string, unknown>): Promise<{ status: number; type: string }> => {
        const payload = { ...body, ...extra };
        const res = await signedFetch(sluice.url, caller, {
          service: 'apigateway',
          method: op.http.method,
          path,
          query,
          headers: { 'content-type': 'application/json' },
          ...(op.http.method === 'GET' || op.http.method === 'DELETE' ? {} : { body: JSON.stringify(payload) }),
        });
        return { status: res.status, type: res.headers.get('x-amzn-errortype') ?? '' };
      };
      const r1 = await call({});
      assert.equal(r1.type, 'AccessDeniedException', `${operation} ${op.http.method} ${path}: ${r1.status} ${r1.type}`);
      const added = Object.fromEntries(
        resourceMemberNames(apiGatewayModel, namesResource).filter((k) => !Object.hasOwn(members, k)).map((k) => [k, side.A.api.id]),
      );
      const r2 = await call({ ...added, restApiId: side.A.api.id, resourceId: side.A.api.resourceId });
      assert.equal(r2.type, 'AccessDeniedException', `${operation} with A added: ${r2.status} ${r2.type}`);
      assert.deepEqual(await snapshotB(), before);
    });
  }
});

// ------------------------------------------------------------------ execute-api

describe('authorization matrix: execute-api', () => {
  it("B's AWS_IAM method is refused to the caller; A's is served", async () => {
    const invoke = (s: 'A' | 'B'): Promise<{ status: number }> =>
      signedFetch(sluice.url, caller, { service: 'execute-api', method: 'GET', path: `/restapis/${side[s].api.id}/prod/_user_request_/thing` });
    assert.equal((await invoke('A')).status, 200);
    assert.equal((await invoke('B')).status, 403);
  });
});
