/**
 * Acceptance: AWS's tutorial "Create a REST API as an Amazon Kinesis proxy",
 * done the way a reader without the console does it — the AWS CLI, start to
 * finish (execution role, API, resources, methods, integrations, responses,
 * TestInvokeMethod on every method, deployment, then plain HTTP calls to the
 * invoke URL) — and once more through the AWS SDK for JavaScript. The API and
 * its stage survive a restart.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import {
  APIGatewayClient,
  CreateDeploymentCommand,
  CreateResourceCommand,
  CreateRestApiCommand,
  GetResourcesCommand,
  PutIntegrationCommand,
  PutIntegrationResponseCommand,
  PutMethodCommand,
  PutMethodResponseCommand,
  TestInvokeMethodCommand,
} from '@aws-sdk/client-api-gateway';
import { AttachRolePolicyCommand, CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import type { Sluice } from '../src/server/app.js';
import { awsEnv, startTestSluice, tempDir, testCredentials } from './helpers/sluice.js';

const run = promisify(execFile);

// ------------------------------------------------------------------ the tutorial, as data

const TRUST_POLICY = {
  Version: '2012-10-17',
  Statement: [{ Sid: '', Effect: 'Allow', Principal: { Service: 'apigateway.amazonaws.com' }, Action: 'sts:AssumeRole' }],
};
const KINESIS_FULL_ACCESS = 'arn:aws:iam::aws:policy/AmazonKinesisFullAccess';

const STREAM_NAME_TEMPLATE = `{
    "StreamName": "$input.params('stream-name')"
}`;

/** The eight methods of the tutorial: where they are, the Kinesis action, the mapping template, declared parameters. */
const METHODS: ReadonlyArray<{ path: string; verb: string; action: string; template: string; parameters?: Record<string, boolean> }> = [
  { path: '/streams', verb: 'GET', action: 'ListStreams', template: '{}' },
  { path: '/streams/{stream-name}', verb: 'GET', action: 'DescribeStream', template: STREAM_NAME_TEMPLATE },
  {
    path: '/streams/{stream-name}',
    verb: 'POST',
    action: 'CreateStream',
    template: `{
    "ShardCount": #if($input.path('$.ShardCount') == '') 5 #else $input.path('$.ShardCount') #end,
    "StreamName": "$input.params('stream-name')"
}`,
  },
  { path: '/streams/{stream-name}', verb: 'DELETE', action: 'DeleteStream', template: STREAM_NAME_TEMPLATE },
  {
    path: '/streams/{stream-name}/record',
    verb: 'PUT',
    action: 'PutRecord',
    template: `{
    "StreamName": "$input.params('stream-name')",
    "Data": "$util.base64Encode($input.json('$.Data'))",
    "PartitionKey": "$input.path('$.PartitionKey')"
}`,
  },
  {
    path: '/streams/{stream-name}/records',
    verb: 'PUT',
    action: 'PutRecords',
    template: `{
    "StreamName": "$input.params('stream-name')",
    "Records": [
       #foreach($elem in $input.path('$.records'))
          {
            "Data": "$util.base64Encode($elem.data)",
            "PartitionKey": "$elem.partition-key"
          }#if($foreach.hasNext),#end
        #end
    ]
}`,
  },
  {
    path: '/streams/{stream-name}/sharditerator',
    verb: 'GET',
    action: 'GetShardIterator',
    template: `{
    "ShardId": "$input.params('shard-id')",
    "ShardIteratorType": "TRIM_HORIZON",
    "StreamName": "$input.params('stream-name')"
}`,
    parameters: { 'method.request.querystring.shard-id': false },
  },
  {
    path: '/streams/{stream-name}/records',
    verb: 'GET',
    action: 'GetRecords',
    template: `{
    "ShardIterator": "$input.params('Shard-Iterator')"
}`,
    parameters: { 'method.request.header.Shard-Iterator': false },
  },
];

const PATH_PARTS: ReadonlyArray<[parent: string, part: string]> = [
  ['/', 'streams'],
  ['/streams', '{stream-name}'],
  ['/streams/{stream-name}', 'record'],
  ['/streams/{stream-name}', 'records'],
  ['/streams/{stream-name}', 'sharditerator'],
];

const CONTENT_TYPE_MAPPING = { 'integration.request.header.Content-Type': "'application/x-amz-json-1.1'" };

/** What a test invocation returns, whichever client made it. */
interface TestInvokeResult {
  status: number;
  body: string;
  headers: Record<string, string>;
  multiValueHeaders: Record<string, string[]>;
  log: string;
  latency: number;
}

/** The steps of the tutorial, each done by whichever client drives it. */
interface TutorialClient {
  createRole(name: string): Promise<string | undefined>;
  createRestApi(name: string): Promise<{ id: string; rootResourceId: string }>;
  getResources(apiId: string): Promise<Array<{ id: string; path: string }>>;
  createResource(apiId: string, parentId: string, pathPart: string): Promise<{ id: string; path: string }>;
  setUpMethod(apiId: string, resourceId: string, m: (typeof METHODS)[number], roleArn: string, region: string): Promise<void>;
  testInvoke(apiId: string, resourceId: string, verb: string, path: string, body?: string, headers?: Record<string, string>): Promise<TestInvokeResult>;
  deploy(apiId: string, stage: string): Promise<void>;
}

// ------------------------------------------------------------------ the two clients

function cliClient(url: string, dir: string): TutorialClient {
  const aws = async (...args: string[]): Promise<any> => {
    const { stdout } = await run('aws', ['--endpoint-url', url, '--output', 'json', ...args], { env: awsEnv(url) });
    return stdout.trim() ? JSON.parse(stdout) : undefined;
  };
  const json = (v: unknown): string => JSON.stringify(v);
  return {
    async createRole(name) {
      const trust = join(dir, 'trust-policy.json');
      writeFileSync(trust, JSON.stringify(TRUST_POLICY, null, 2));
      try {
        const role = await aws('iam', 'create-role', '--role-name', name, '--assume-role-policy-document', `file://${trust}`);
        await aws('iam', 'attach-role-policy', '--role-name', name, '--policy-arn', KINESIS_FULL_ACCESS);
        return role.Role.Arn as string;
      } catch (e) {
        // Until IAM is served on the port, the tutorial goes on with the role's ARN.
        if (/No Sluice service handles/.test(String((e as { stderr?: string }).stderr))) return undefined;
        throw e;
      }
    },
    createRestApi: (name) => aws('apigateway', 'create-rest-api', '--name', name),
    getResources: async (apiId) => (await aws('apigateway', 'get-resources', '--rest-api-id', apiId)).items,
    createResource: (apiId, parentId, pathPart) =>
      aws('apigateway', 'create-resource', '--rest-api-id', apiId, '--parent-id', parentId, '--path-part', pathPart),
    async setUpMethod(apiId, resourceId, m, roleArn, region) {
      const at = ['--rest-api-id', apiId, '--resource-id', resourceId, '--http-method', m.verb];
      await aws('apigateway', 'put-method', ...at, '--authorization-type', 'NONE',
        ...(m.parameters ? ['--request-parameters', json(m.parameters)] : []));
      await aws('apigateway', 'put-integration', ...at, '--type', 'AWS', '--integration-http-method', 'POST',
        '--uri', `arn:aws:apigateway:${region}:kinesis:action/${m.action}`, '--credentials', roleArn,
        '--request-parameters', json(CONTENT_TYPE_MAPPING),
        '--request-templates', json({ 'application/json': m.template }),
        '--passthrough-behavior', 'WHEN_NO_TEMPLATES');
      await aws('apigateway', 'put-integration-response', ...at, '--status-code', '200', '--selection-pattern', '');
      await aws('apigateway', 'put-method-response', ...at, '--status-code', '200', '--response-models', json({ 'application/json': 'Empty' }));
    },
    testInvoke: (apiId, resourceId, verb, path, body, headers) =>
      aws('apigateway', 'test-invoke-method', '--rest-api-id', apiId, '--resource-id', resourceId, '--http-method', verb,
        '--path-with-query-string', path, ...(body !== undefined ? ['--body', body] : []),
        ...(headers ? ['--headers', json(headers)] : [])),
    deploy: (apiId, stage) => aws('apigateway', 'create-deployment', '--rest-api-id', apiId, '--stage-name', stage),
  };
}

function sdkClient(url: string): TutorialClient {
  const config = { endpoint: url, region: 'us-east-1', credentials: testCredentials };
  const apigw = new APIGatewayClient(config);
  const iam = new IAMClient(config);
  return {
    async createRole(name) {
      try {
        const role = await iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: JSON.stringify(TRUST_POLICY) }));
        await iam.send(new AttachRolePolicyCommand({ RoleName: name, PolicyArn: KINESIS_FULL_ACCESS }));
        return role.Role!.Arn!;
      } catch (e) {
        if (/No Sluice service handles/.test(String((e as Error).message))) return undefined;
        throw e;
      }
    },
    createRestApi: async (name) => {
      const api = await apigw.send(new CreateRestApiCommand({ name }));
      return { id: api.id!, rootResourceId: api.rootResourceId! };
    },
    getResources: async (restApiId) => ((await apigw.send(new GetResourcesCommand({ restApiId }))).items ?? []) as Array<{ id: string; path: string }>,
    createResource: async (restApiId, parentId, pathPart) =>
      (await apigw.send(new CreateResourceCommand({ restApiId, parentId, pathPart }))) as { id: string; path: string },
    async setUpMethod(restApiId, resourceId, m, roleArn, region) {
      const at = { restApiId, resourceId, httpMethod: m.verb };
      await apigw.send(new PutMethodCommand({ ...at, authorizationType: 'NONE', ...(m.parameters ? { requestParameters: m.parameters } : {}) }));
      await apigw.send(new PutIntegrationCommand({
        ...at,
        type: 'AWS',
        integrationHttpMethod: 'POST',
        uri: `arn:aws:apigateway:${region}:kinesis:action/${m.action}`,
        credentials: roleArn,
        requestParameters: CONTENT_TYPE_MAPPING,
        requestTemplates: { 'application/json': m.template },
        passthroughBehavior: 'WHEN_NO_TEMPLATES',
      }));
      await apigw.send(new PutIntegrationResponseCommand({ ...at, statusCode: '200', selectionPattern: '' }));
      await apigw.send(new PutMethodResponseCommand({ ...at, statusCode: '200', responseModels: { 'application/json': 'Empty' } }));
    },
    testInvoke: async (restApiId, resourceId, httpMethod, pathWithQueryString, body, headers) =>
      (await apigw.send(new TestInvokeMethodCommand({
        restApiId, resourceId, httpMethod, pathWithQueryString,
        ...(body !== undefined ? { body } : {}),
        ...(headers ? { headers } : {}),
      }))) as unknown as TestInvokeResult,
    deploy: async (restApiId, stageName) => {
      await apigw.send(new CreateDeploymentCommand({ restApiId, stageName }));
    },
  };
}

// ------------------------------------------------------------------ checks shared by both runs

const LOG_LINE = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{2} \d{2}:\d{2}:\d{2} UTC \d{4} : /;

function assertExecutionLog(r: TestInvokeResult, action: string): void {
  const lines = r.log.trimEnd().split('\n');
  assert.match(lines[0]!, /^Execution log for request [0-9a-f-]{36}$/);
  // Entries start with Java's Date.toString(); multi-line bodies continue on the following lines.
  assert.match(lines[1]!, LOG_LINE);
  assert.ok(lines.filter((l) => LOG_LINE.test(l)).length >= 12, r.log);
  const text = r.log;
  assert.match(text, / : Starting execution for request: /);
  assert.match(text, / : HTTP Method: [A-Z]+, Resource Path: \/streams/);
  assert.match(text, / : Method request path: \{/);
  assert.match(text, new RegExp(` : Endpoint request URI: https://kinesis\\.us-east-1\\.amazonaws\\.com/\\?Action=${action}`));
  assert.match(text, / : Endpoint request headers: \{.*Content-Type=application\/x-amz-json-1\.1/);
  assert.match(text, / : Received response\. Status: 200, Integration latency: \d+ ms/);
  assert.match(text, / : Method completed with status: 200\n$/);
  assert.equal(typeof r.latency, 'number');
}

/** Builds the API, tests every method, deploys it, and returns what the HTTP checks need. */
async function performTutorial(
  client: TutorialClient,
  sluice: Sluice,
  prefix: string,
): Promise<{ apiId: string; byPath: Map<string, string> }> {
  const region = sluice.config.region;
  const roleArn = (await client.createRole(`${prefix}KinesisProxyRole`)) ?? `arn:aws:iam::${sluice.config.accountId}:role/${prefix}KinesisProxyRole`;
  assert.match(roleArn, /^arn:aws:iam::\d{12}:role\//);

  const api = await client.createRestApi('KinesisProxy');
  assert.match(api.id, /^[a-z0-9]{10}$/);
  const initial = await client.getResources(api.id);
  assert.deepEqual(initial.map((r) => r.path), ['/']);
  assert.equal(initial[0]!.id, api.rootResourceId);

  const byPath = new Map<string, string>([['/', api.rootResourceId]]);
  for (const [parent, part] of PATH_PARTS) {
    const r = await client.createResource(api.id, byPath.get(parent)!, part);
    assert.match(r.id, /^[a-z0-9]{10}$/);
    byPath.set(r.path, r.id);
  }
  assert.deepEqual([...byPath.keys()].sort(), ['/', '/streams', '/streams/{stream-name}', '/streams/{stream-name}/record', '/streams/{stream-name}/records', '/streams/{stream-name}/sharditerator']);

  for (const m of METHODS) await client.setUpMethod(api.id, byPath.get(m.path)!, m, roleArn, region);

  // The console's Test button, method by method, with the tutorial's inputs (nothing is deployed yet).
  const my = `${prefix}myStream`;
  const your = `${prefix}yourStream`;
  const invoke = async (path: string, verb: string, concrete: string, action: string, body?: string, headers?: Record<string, string>): Promise<any> => {
    const r = await client.testInvoke(api.id, byPath.get(path)!, verb, concrete, body, headers);
    assert.equal(r.status, 200, `${verb} ${concrete}: ${r.body}\n${r.log}`);
    assertExecutionLog(r, action);
    assert.equal(r.headers['Content-Type'], 'application/json');
    assert.deepEqual(r.multiValueHeaders['Content-Type'], ['application/json']);
    return r.body ? JSON.parse(r.body) : undefined;
  };
  assert.equal(await invoke('/streams/{stream-name}', 'POST', `/streams/${my}`, 'CreateStream', '{}'), undefined);
  await invoke('/streams/{stream-name}', 'POST', `/streams/${your}`, 'CreateStream', '{"ShardCount": 2}');
  const listed = await invoke('/streams', 'GET', '/streams', 'ListStreams');
  assert.equal(listed.HasMoreStreams, false);
  assert.ok(listed.StreamNames.includes(my) && listed.StreamNames.includes(your));
  const described = (await invoke('/streams/{stream-name}', 'GET', `/streams/${my}`, 'DescribeStream')).StreamDescription;
  assert.equal(described.StreamName, my);
  assert.equal(described.Shards.length, 5, 'ShardCount defaults to 5');
  assert.equal(described.StreamStatus, 'ACTIVE');
  const put = await invoke('/streams/{stream-name}/record', 'PUT', `/streams/${my}/record`, 'PutRecord', JSON.stringify({ Data: 'some data', PartitionKey: 'some key' }));
  assert.match(put.SequenceNumber, /^\d+$/);
  assert.match(put.ShardId, /^shardId-\d{12}$/);
  const putMany = await invoke('/streams/{stream-name}/records', 'PUT', `/streams/${my}/records`, 'PutRecords', JSON.stringify({
    records: [{ data: 'some data', 'partition-key': 'some key' }, { data: 'some other data', 'partition-key': 'some key' }],
  }));
  assert.equal(putMany.FailedRecordCount, 0);
  assert.equal(putMany.Records.length, 2);
  const iterator = await invoke('/streams/{stream-name}/sharditerator', 'GET', `/streams/${my}/sharditerator?shard-id=${put.ShardId}`, 'GetShardIterator');
  assert.ok(iterator.ShardIterator);
  const got = await invoke('/streams/{stream-name}/records', 'GET', `/streams/${my}/records`, 'GetRecords', undefined, { 'Shard-Iterator': iterator.ShardIterator });
  assert.equal(got.Records.length, 3);
  assert.equal(Buffer.from(got.Records[0].Data, 'base64').toString(), '"some data"', 'PutRecord encodes $input.json, quotes included');
  assert.equal(typeof got.MillisBehindLatest, 'number');
  assert.ok(got.NextShardIterator);
  assert.equal(await invoke('/streams/{stream-name}', 'DELETE', `/streams/${your}`, 'DeleteStream'), undefined);

  await client.deploy(api.id, 'test');
  return { apiId: api.id, byPath };
}

/** The tutorial's REST calls against the deployed stage. */
async function callDeployedStage(base: string, prefix: string): Promise<void> {
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: any }> => {
    const res = await fetch(base + path, {
      method,
      headers: { 'content-type': 'application/json', ...headers },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    assert.equal(res.status, 200, `${method} ${path}: ${text}`);
    return { status: res.status, json: text ? JSON.parse(text) : undefined };
  };
  const stream = `${prefix}httpStream`;
  await call('POST', `/streams/${stream}`, { ShardCount: 1 });
  assert.ok((await call('GET', '/streams')).json.StreamNames.includes(stream));
  const d = (await call('GET', `/streams/${stream}`)).json.StreamDescription;
  assert.deepEqual(Object.keys(d.Shards[0]).sort(), ['HashKeyRange', 'SequenceNumberRange', 'ShardId']);
  assert.equal(d.StreamARN, `arn:aws:kinesis:us-east-1:000000000000:stream/${stream}`);
  const put = (await call('PUT', `/streams/${stream}/record`, { Data: 'some data', PartitionKey: 'some key' })).json;
  assert.deepEqual(Object.keys(put).sort(), ['SequenceNumber', 'ShardId']);
  const many = (await call('PUT', `/streams/${stream}/records`, {
    records: [{ data: 'some data', 'partition-key': 'some key' }, { data: 'some other data', 'partition-key': 'some key' }],
  })).json;
  assert.equal(many.FailedRecordCount, 0);
  const it = (await call('GET', `/streams/${stream}/sharditerator?shard-id=${put.ShardId}`)).json.ShardIterator;
  const records = (await call('GET', `/streams/${stream}/records`, undefined, { 'Shard-Iterator': it })).json;
  assert.deepEqual(records.Records.map((r: { Data: string }) => Buffer.from(r.Data, 'base64').toString()), ['"some data"', 'some data', 'some other data']);
  await call('DELETE', `/streams/${stream}`);
}

// ------------------------------------------------------------------ the runs

describe('the Kinesis proxy tutorial', { timeout: 240_000 }, () => {
  const dir = tempDir('sluice-tutorial-');
  let sluice: Sluice;

  before(async () => {
    sluice = await startTestSluice({ dataDir: dir.path });
  });
  after(async () => {
    await sluice?.close();
    dir.remove();
  });

  let cliApiId = '';

  test('with the AWS CLI: role, API, resources, methods, test invocations, deployment, invoke URL', async () => {
    const { apiId } = await performTutorial(cliClient(sluice.url, dir.path), sluice, 'cli');
    cliApiId = apiId;
    await callDeployedStage(`${sluice.url}/restapis/${apiId}/test/_user_request_`, 'cli');
  });

  test('with the AWS SDK for JavaScript', async () => {
    const { apiId } = await performTutorial(sdkClient(sluice.url), sluice, 'sdk');
    await callDeployedStage(`${sluice.url}/restapis/${apiId}/test/_user_request_`, 'sdk');
  });

  test('the API and its stage survive a restart', async () => {
    assert.ok(cliApiId, 'the CLI run created the API');
    await sluice.close();
    sluice = await startTestSluice({ dataDir: dir.path });
    const { stdout } = await run('aws', ['--endpoint-url', sluice.url, '--output', 'json', 'apigateway', 'get-rest-apis'], { env: awsEnv(sluice.url) });
    const apis = JSON.parse(stdout).items as Array<{ id: string; name: string }>;
    assert.ok(apis.some((a) => a.id === cliApiId && a.name === 'KinesisProxy'));
    await callDeployedStage(`${sluice.url}/restapis/${cliApiId}/test/_user_request_`, 'restarted');
  });
});
