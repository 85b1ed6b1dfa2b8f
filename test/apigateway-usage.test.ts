/**
 * API keys, usage plans and throttling end to end, through real clients: the
 * JavaScript SDK and the AWS CLI manage keys and plans; invocations go over
 * HTTP to the stage's invoke URL and get AWS's answers: 403
 * {"message":"Forbidden"} without a valid key of a plan for the stage, 429
 * {"message":"Too Many Requests"} past a throttle, 429 {"message":"Limit
 * Exceeded"} past a quota; GetUsage counts exactly what got through.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import {
  APIGatewayClient,
  CreateApiKeyCommand,
  CreateDeploymentCommand,
  CreateResourceCommand,
  CreateRestApiCommand,
  CreateUsagePlanCommand,
  CreateUsagePlanKeyCommand,
  DeleteApiKeyCommand,
  DeleteUsagePlanCommand,
  DeleteUsagePlanKeyCommand,
  GetApiKeyCommand,
  GetApiKeysCommand,
  GetTagsCommand,
  GetUsageCommand,
  GetUsagePlanKeyCommand,
  GetUsagePlansCommand,
  ImportRestApiCommand,
  PutGatewayResponseCommand,
  PutIntegrationCommand,
  PutIntegrationResponseCommand,
  PutMethodCommand,
  PutMethodResponseCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateApiKeyCommand,
  UpdateRestApiCommand,
  UpdateStageCommand,
  UpdateUsageCommand,
  UpdateUsagePlanCommand,
} from '@aws-sdk/client-api-gateway';
import type { Sluice } from '../src/server/app.js';
import { rejectsWith } from './helpers/aws-errors.js';
import { awsEnv, startTestSluice, tempDir, testCredentials } from './helpers/sluice.js';

const run = promisify(execFile);

let sluice: Sluice;
let client: APIGatewayClient;
const dir = tempDir('sluice-apigw-usage-');

before(async () => {
  sluice = await startTestSluice();
  client = new APIGatewayClient({ endpoint: sluice.url, region: 'us-east-1', credentials: testCredentials, maxAttempts: 1 });
});
after(async () => {
  client?.destroy();
  await sluice?.close();
  dir.remove();
});

async function cli(...args: string[]): Promise<any> {
  const { stdout } = await run('aws', ['--endpoint-url', sluice.url, '--output', 'json', 'apigateway', ...args], { env: awsEnv(sluice.url) });
  return stdout.trim() ? JSON.parse(stdout) : undefined;
}

const today = (): string => new Date().toISOString().slice(0, 10);
const daysAgo = (n: number): string => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);

interface TestApi {
  readonly id: string;
  /** `GET /things` requires a key; `GET /open` doesn't; both answer 200 {"ok": true, "keyId": "<$context.identity.apiKeyId>"}. */
  readonly things: string;
  readonly open: string;
}

/** A REST API with two MOCK methods, deployed to `stage`. */
async function createApi(name: string, stage = 'prod'): Promise<TestApi> {
  const api = await client.send(new CreateRestApiCommand({ name }));
  const id = api.id!;
  const resources: Record<string, string> = {};
  for (const [path, keyRequired] of [['things', true], ['open', false]] as const) {
    const r = await client.send(new CreateResourceCommand({ restApiId: id, parentId: api.rootResourceId!, pathPart: path }));
    resources[path] = r.id!;
    const m = { restApiId: id, resourceId: r.id!, httpMethod: 'GET' };
    await client.send(new PutMethodCommand({ ...m, authorizationType: 'NONE', apiKeyRequired: keyRequired }));
    await client.send(new PutMethodResponseCommand({ ...m, statusCode: '200' }));
    await client.send(new PutIntegrationCommand({ ...m, type: 'MOCK', requestTemplates: { 'application/json': '{"statusCode": 200}' } }));
    await client.send(new PutIntegrationResponseCommand({
      ...m,
      statusCode: '200',
      selectionPattern: '',
      responseTemplates: { 'application/json': '{"ok": true, "keyId": "$context.identity.apiKeyId"}' },
    }));
  }
  await client.send(new CreateDeploymentCommand({ restApiId: id, stageName: stage }));
  return { id, things: resources['things']!, open: resources['open']! };
}

async function invoke(apiId: string, path: string, key?: string, stage = 'prod'): Promise<{ status: number; body: string; headers: Headers }> {
  const res = await fetch(`${sluice.url}/restapis/${apiId}/${stage}/_user_request_${path}`, { headers: key === undefined ? {} : { 'x-api-key': key } });
  return { status: res.status, body: await res.text(), headers: res.headers };
}

async function keyInPlan(api: TestApi, plan: Partial<{ throttle: { rateLimit: number; burstLimit: number }; quota: { limit: number; period: 'DAY' | 'WEEK' | 'MONTH'; offset?: number } }> = {}, stage = 'prod') {
  const usagePlan = await client.send(new CreateUsagePlanCommand({ name: `plan-${api.id}`, apiStages: [{ apiId: api.id, stage }], ...plan }));
  const key = await client.send(new CreateApiKeyCommand({ name: `key-${api.id}`, enabled: true }));
  await client.send(new CreateUsagePlanKeyCommand({ usagePlanId: usagePlan.id!, keyId: key.id!, keyType: 'API_KEY' }));
  return { planId: usagePlan.id!, keyId: key.id!, value: key.value! };
}

function assertForbidden(r: { status: number; body: string; headers: Headers }): void {
  assert.equal(r.status, 403, r.body);
  assert.equal(r.body, '{"message":"Forbidden"}');
  assert.equal(r.headers.get('x-amzn-errortype'), 'ForbiddenException');
}

describe('API keys at invoke time', () => {
  let api: TestApi;
  before(async () => {
    api = await createApi('keys');
  });

  test('a method that requires a key refuses a request without one, or with a key that is unknown, disabled or not in a plan for the stage', async () => {
    assertForbidden(await invoke(api.id, '/things'));
    assertForbidden(await invoke(api.id, '/things', 'an-api-key-nobody-ever-created-0123456789'));

    const loose = await client.send(new CreateApiKeyCommand({ name: 'loose', enabled: true }));
    assertForbidden(await invoke(api.id, '/things', loose.value!));

    // In a plan, but the plan is for another stage.
    await client.send(new CreateDeploymentCommand({ restApiId: api.id, stageName: 'beta' }));
    const betaPlan = await client.send(new CreateUsagePlanCommand({ name: 'beta only', apiStages: [{ apiId: api.id, stage: 'beta' }] }));
    await client.send(new CreateUsagePlanKeyCommand({ usagePlanId: betaPlan.id!, keyId: loose.id!, keyType: 'API_KEY' }));
    assertForbidden(await invoke(api.id, '/things', loose.value!));
    assert.equal((await invoke(api.id, '/things', loose.value!, 'beta')).status, 200);

    // Keys are created disabled unless told otherwise (recorded: enabled false).
    const disabled = await client.send(new CreateApiKeyCommand({ name: 'disabled' }));
    assert.equal(disabled.enabled, false);
    const plan = await client.send(new CreateUsagePlanCommand({ name: 'prod', apiStages: [{ apiId: api.id, stage: 'prod' }] }));
    await client.send(new CreateUsagePlanKeyCommand({ usagePlanId: plan.id!, keyId: disabled.id!, keyType: 'API_KEY' }));
    assertForbidden(await invoke(api.id, '/things', disabled.value!));

    // Enabled: served, and $context.identity.apiKeyId names it.
    await client.send(new UpdateApiKeyCommand({ apiKey: disabled.id!, patchOperations: [{ op: 'replace', path: '/enabled', value: 'true' }] }));
    const ok = await invoke(api.id, '/things', disabled.value!);
    assert.equal(ok.status, 200, ok.body);
    assert.deepEqual(JSON.parse(ok.body), { ok: true, keyId: disabled.id });

    // Disabled again (recorded on AWS: update-api-key-disabled, then 403), removed from the plan, deleted.
    await client.send(new UpdateApiKeyCommand({ apiKey: disabled.id!, patchOperations: [{ op: 'replace', path: '/enabled', value: 'false' }] }));
    assertForbidden(await invoke(api.id, '/things', disabled.value!));
    await client.send(new UpdateApiKeyCommand({ apiKey: disabled.id!, patchOperations: [{ op: 'replace', path: '/enabled', value: 'true' }] }));
    await client.send(new DeleteUsagePlanKeyCommand({ usagePlanId: plan.id!, keyId: disabled.id! }));
    assertForbidden(await invoke(api.id, '/things', disabled.value!));
    await client.send(new DeleteApiKeyCommand({ apiKey: disabled.id! }));
    await rejectsWith(client.send(new GetApiKeyCommand({ apiKey: disabled.id! })), 'NotFoundException', 'Invalid API Key identifier specified', 404);

    // A method that doesn't require a key takes any request.
    assert.equal((await invoke(api.id, '/open')).status, 200);
  });

  test('the key source AUTHORIZER takes the key from an authorizer, never from x-api-key: without Lambda authorizers every such method answers 403', async () => {
    const other = await createApi('authorizer source');
    const { value } = await keyInPlan(other);
    assert.equal((await invoke(other.id, '/things', value)).status, 200);
    await client.send(new UpdateRestApiCommand({ restApiId: other.id, patchOperations: [{ op: 'replace', path: '/apiKeySource', value: 'AUTHORIZER' }] }));
    await client.send(new CreateDeploymentCommand({ restApiId: other.id, stageName: 'prod' }));
    assertForbidden(await invoke(other.id, '/things', value));
    assert.equal((await invoke(other.id, '/open')).status, 200);
  });

  test('an OpenAPI definition with an api_key security scheme and x-amazon-apigateway-api-key-source imports as apiKeyRequired methods, enforced', async () => {
    const definition = {
      openapi: '3.0.1',
      info: { title: 'keyed import', version: '1' },
      'x-amazon-apigateway-api-key-source': 'HEADER',
      paths: {
        '/data': {
          get: {
            security: [{ api_key: [] }],
            responses: { '200': { description: 'ok' } },
            'x-amazon-apigateway-integration': { type: 'mock', requestTemplates: { 'application/json': '{"statusCode": 200}' }, responses: { default: { statusCode: '200' } } },
          },
        },
      },
      components: { securitySchemes: { api_key: { type: 'apiKey', name: 'x-api-key', in: 'header' } } },
    };
    const imported = await client.send(new ImportRestApiCommand({ body: Buffer.from(JSON.stringify(definition)) }));
    assert.equal(imported.apiKeySource, 'HEADER');
    await client.send(new CreateDeploymentCommand({ restApiId: imported.id!, stageName: 'prod' }));
    assertForbidden(await invoke(imported.id!, '/data'));
    const { value } = await keyInPlan({ id: imported.id!, things: '', open: '' });
    assert.equal((await invoke(imported.id!, '/data', value)).status, 200);
  });
});

describe('throttling and quotas at invoke time', () => {
  test("a plan's throttle: burstLimit requests pass at once, the next gets 429 Too Many Requests", async () => {
    const api = await createApi('throttled');
    const { value } = await keyInPlan(api, { throttle: { burstLimit: 2, rateLimit: 0.01 } });
    assert.equal((await invoke(api.id, '/things', value)).status, 200);
    assert.equal((await invoke(api.id, '/things', value)).status, 200);
    const third = await invoke(api.id, '/things', value);
    assert.equal(third.status, 429);
    assert.equal(third.body, '{"message":"Too Many Requests"}');
    assert.equal(third.headers.get('x-amzn-errortype'), 'TooManyRequestsException');
    // The execution log says who was refused by what, in AWS's words.
    const log = sluice.apiGateway.executionLogs({ apiId: api.id, limit: 1 })[0]!.log;
    assert.match(log, new RegExp(`API Key \\*{34}${value.slice(-6)} exceeded throttle limit for API Stage ${api.id}/prod: Key throttle limit exceeded for Usage Plan ID [a-z0-9]{6}, RestApi ${api.id}, Stage prod, Resource ${api.things}, HttpMethod GET\\. Limit: 0\\.01 Burst: 2`));
    assert.match(log, /Method completed with status: 429/);
    // Per key: another key of the same plan has its own bucket.
    const plans = (await client.send(new GetUsagePlansCommand({}))).items!.filter((p) => p.apiStages?.some((s) => s.apiId === api.id));
    const second = await client.send(new CreateApiKeyCommand({ name: 'second', enabled: true }));
    await client.send(new CreateUsagePlanKeyCommand({ usagePlanId: plans[0]!.id!, keyId: second.id!, keyType: 'API_KEY' }));
    assert.equal((await invoke(api.id, '/things', second.value!)).status, 200);
    // Methods that don't require a key are not metered by the plan.
    for (let i = 0; i < 3; i++) assert.equal((await invoke(api.id, '/open')).status, 200);
  });

  test("a plan's per-method throttle for the stage applies to that method", async () => {
    const api = await createApi('per method');
    const { planId, value } = await keyInPlan(api);
    await client.send(new UpdateUsagePlanCommand({
      usagePlanId: planId,
      patchOperations: [
        { op: 'replace', path: `/apiStages/${api.id}:prod/throttle/~1things~1GET/rateLimit`, value: '0.01' },
        { op: 'replace', path: `/apiStages/${api.id}:prod/throttle/~1things~1GET/burstLimit`, value: '1' },
      ],
    }));
    assert.equal((await invoke(api.id, '/things', value)).status, 200);
    assert.equal((await invoke(api.id, '/things', value)).status, 429);
  });

  test('a quota of N: the N+1th request gets 429 Limit Exceeded; GetUsage counts exactly; UpdateUsage sets the remaining quota', async () => {
    const api = await createApi('quota');
    const { planId, keyId, value } = await keyInPlan(api, { quota: { limit: 3, period: 'DAY' } });
    for (let i = 0; i < 3; i++) assert.equal((await invoke(api.id, '/things', value)).status, 200);
    const over = await invoke(api.id, '/things', value);
    assert.equal(over.status, 429);
    assert.equal(over.body, '{"message":"Limit Exceeded"}');
    assert.equal(over.headers.get('x-amzn-errortype'), 'LimitExceededException');

    // One [used, remaining] per day, under the key's id; the refused request is not counted.
    const usage = await client.send(new GetUsageCommand({ usagePlanId: planId, startDate: daysAgo(2), endDate: today() }));
    assert.equal(usage.usagePlanId, planId);
    assert.equal(usage.startDate, daysAgo(2));
    assert.equal(usage.endDate, today());
    assert.deepEqual(usage.items, { [keyId]: [[0, 3], [0, 3], [3, 0]] });

    const updated = await client.send(new UpdateUsageCommand({ usagePlanId: planId, keyId, patchOperations: [{ op: 'replace', path: '/remaining', value: '2' }] }));
    assert.deepEqual(updated.items, { [keyId]: [[3, 2]] });
    assert.equal((await invoke(api.id, '/things', value)).status, 200);
    assert.equal((await invoke(api.id, '/things', value)).status, 200);
    assert.equal((await invoke(api.id, '/things', value)).status, 429);

    // And with the AWS CLI, the wire's `values` map.
    const fromCli = await cli('get-usage', '--usage-plan-id', planId, '--key-id', keyId, '--start-date', today(), '--end-date', today());
    assert.deepEqual(fromCli.items, { [keyId]: [[5, 0]] });
  });

  test("the stage's method throttling (methodSettings */* and per method) applies to every method, key or not", async () => {
    const api = await createApi('stage throttled');
    await client.send(new UpdateStageCommand({
      restApiId: api.id,
      stageName: 'prod',
      patchOperations: [
        { op: 'replace', path: '/*/*/throttling/burstLimit', value: '2' },
        { op: 'replace', path: '/*/*/throttling/rateLimit', value: '0.01' },
      ],
    }));
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await invoke(api.id, '/open')).status);
    assert.deepEqual(statuses, [200, 200, 429]);

    // A method's own settings win over */*: /things/GET gets one request.
    await client.send(new UpdateStageCommand({
      restApiId: api.id,
      stageName: 'prod',
      patchOperations: [
        { op: 'replace', path: '/~1things/GET/throttling/burstLimit', value: '1' },
        { op: 'replace', path: '/~1things/GET/throttling/rateLimit', value: '0.01' },
      ],
    }));
    const { value } = await keyInPlan(api);
    assert.equal((await invoke(api.id, '/things', value)).status, 200);
    const throttled = await invoke(api.id, '/things', value);
    assert.equal(throttled.status, 429);
    assert.equal(throttled.body, '{"message":"Too Many Requests"}');

    // Burst 0 refuses everything (the way to switch a stage off).
    await client.send(new UpdateStageCommand({ restApiId: api.id, stageName: 'prod', patchOperations: [{ op: 'replace', path: '/*/*/throttling/burstLimit', value: '0' }] }));
    assert.equal((await invoke(api.id, '/open')).status, 429);

    // -1 is "not set" (Terraform's aws_api_gateway_method_settings sends it for limits it doesn't manage):
    // the account's limits apply, which Sluice doesn't enforce.
    await client.send(new UpdateStageCommand({
      restApiId: api.id,
      stageName: 'prod',
      patchOperations: [
        { op: 'replace', path: '/*/*/throttling/burstLimit', value: '-1' },
        { op: 'replace', path: '/*/*/throttling/rateLimit', value: '-1' },
      ],
    }));
    for (let i = 0; i < 5; i++) assert.equal((await invoke(api.id, '/open')).status, 200);
  });

  test('gateway responses customise THROTTLED, QUOTA_EXCEEDED and INVALID_API_KEY (and DEFAULT_4XX reaches them)', async () => {
    const api = await createApi('custom responses');
    await client.send(new PutGatewayResponseCommand({
      restApiId: api.id,
      responseType: 'THROTTLED',
      statusCode: '503',
      responseTemplates: { 'application/json': '{"error": "slow down", "type": "$context.error.responseType"}' },
    }));
    await client.send(new PutGatewayResponseCommand({
      restApiId: api.id,
      responseType: 'QUOTA_EXCEEDED',
      responseTemplates: { 'application/json': '{"error": $context.error.messageString}' },
      responseParameters: { 'gatewayresponse.header.Retry-After': "'86400'" },
    }));
    await client.send(new PutGatewayResponseCommand({
      restApiId: api.id,
      responseType: 'DEFAULT_4XX',
      responseParameters: { 'gatewayresponse.header.Access-Control-Allow-Origin': "'*'" },
    }));
    await client.send(new CreateDeploymentCommand({ restApiId: api.id, stageName: 'prod' }));
    const { value } = await keyInPlan(api, { throttle: { burstLimit: 1, rateLimit: 0.01 }, quota: { limit: 1, period: 'MONTH' } });

    const forbidden = await invoke(api.id, '/things');
    assertForbidden(forbidden);
    assert.equal(forbidden.headers.get('access-control-allow-origin'), '*');

    assert.equal((await invoke(api.id, '/things', value)).status, 200);
    const throttled = await invoke(api.id, '/things', value);
    assert.equal(throttled.status, 503);
    assert.deepEqual(JSON.parse(throttled.body), { error: 'slow down', type: 'THROTTLED' });
    assert.equal(throttled.headers.get('access-control-allow-origin'), '*');

    // A fresh key of a plan without throttle meets the quota.
    await client.send(new CreateDeploymentCommand({ restApiId: api.id, stageName: 'beta' }));
    const quotaPlan = await client.send(new CreateUsagePlanCommand({ name: 'quota only', apiStages: [{ apiId: api.id, stage: 'beta' }], quota: { limit: 1, period: 'WEEK', offset: 1 } }));
    const key = await client.send(new CreateApiKeyCommand({ enabled: true }));
    await client.send(new CreateUsagePlanKeyCommand({ usagePlanId: quotaPlan.id!, keyId: key.id!, keyType: 'API_KEY' }));
    assert.equal((await invoke(api.id, '/things', key.value!, 'beta')).status, 200);
    const over = await invoke(api.id, '/things', key.value!, 'beta');
    assert.equal(over.status, 429);
    assert.equal(over.body, '{"error": "Limit Exceeded"}');
    assert.equal(over.headers.get('retry-after'), '86400');
  });
});

describe('keys and plans through the AWS CLI', () => {
  test('create-api-key, get-api-keys with --include-values, --name-query and --customer-id; import-api-keys from CSV; usage plans and their keys', async () => {
    const api = await createApi('cli');
    const created = await cli('create-api-key', '--name', 'cli-key', '--description', 'made by the CLI', '--enabled', '--customer-id', 'cust-1', '--tags', 'team=ingest');
    assert.equal(created.value.length, 40);
    assert.match(created.value, /^[A-Za-z0-9]{40}$/);
    assert.match(created.id, /^[a-z0-9]{10}$/);
    assert.deepEqual(
      { ...created, createdDate: 0, lastUpdatedDate: 0 },
      { id: created.id, value: created.value, name: 'cli-key', customerId: 'cust-1', description: 'made by the CLI', enabled: true, createdDate: 0, lastUpdatedDate: 0, stageKeys: [], tags: { team: 'ingest' } },
    );
    const hidden = await cli('get-api-key', '--api-key', created.id);
    assert.equal(hidden.value, undefined);
    assert.equal((await cli('get-api-key', '--api-key', created.id, '--include-value')).value, created.value);

    const listed = await cli('get-api-keys', '--include-values', '--name-query', 'cli-', '--customer-id', 'cust-1');
    assert.deepEqual(listed.items.map((k: { id: string; value: string }) => [k.id, k.value]), [[created.id, created.value]]);
    assert.equal((await cli('get-api-keys', '--name-query', 'CLI-')).items.length, 0);

    const plan = await cli('create-usage-plan', '--name', 'cli plan', '--api-stages', `apiId=${api.id},stage=prod`, '--throttle', 'burstLimit=10,rateLimit=5', '--quota', 'limit=500,offset=0,period=MONTH');
    assert.deepEqual(plan.throttle, { burstLimit: 10, rateLimit: 5 });
    assert.deepEqual(plan.quota, { limit: 500, offset: 0, period: 'MONTH' });

    // AWS's file format: any column order and case, quoted lists of plan ids, Enabled defaulting to true.
    const csv = join(dir.path, 'keys.csv');
    writeFileSync(csv, [
      'key,name,Description,Enabled,UsagePlanIds,Unrecognized',
      `importedKey0000000000000001,imported-1,An imported key,TRUE,${plan.id},x`,
      `importedKey0000000000000002,imported-2,,,"${plan.id}",y`,
      'importedKey0000000000000003,imported-3,disabled,false,,z',
    ].join('\r\n'));
    const imported = await cli('import-api-keys', '--body', `fileb://${csv}`, '--format', 'csv');
    assert.equal(imported.ids.length, 3);
    assert.deepEqual(imported.warnings ?? [], []);
    const byName = Object.fromEntries((await cli('get-api-keys', '--include-values', '--name-query', 'imported-')).items.map((k: any) => [k.name, k]));
    assert.equal(byName['imported-1'].value, 'importedKey0000000000000001');
    assert.equal(byName['imported-1'].description, 'An imported key');
    assert.equal(byName['imported-1'].enabled, true);
    assert.equal(byName['imported-2'].enabled, true);
    assert.equal(byName['imported-3'].enabled, false);
    const members = await cli('get-usage-plan-keys', '--usage-plan-id', plan.id);
    assert.deepEqual(members.items.map((k: { name: string }) => k.name).sort(), ['imported-1', 'imported-2']);
    assert.equal((await invoke(api.id, '/things', 'importedKey0000000000000001')).status, 200);
    assertForbidden(await invoke(api.id, '/things', 'importedKey0000000000000003'));

    // Importing a value again overwrites its key (same id); a short value is a warning, or refuses the file with failonwarnings.
    writeFileSync(csv, 'Name,Key\nrenamed,importedKey0000000000000003\nshort,tooShort\n');
    const again = await cli('import-api-keys', '--body', `fileb://${csv}`, '--format', 'csv');
    assert.deepEqual(again.ids, [byName['imported-3'].id]);
    assert.deepEqual(again.warnings, ['Line 3: API Key value must be between 20 and 128 characters']);
    assert.equal((await cli('get-api-key', '--api-key', byName['imported-3'].id)).name, 'renamed');
    await assert.rejects(cli('import-api-keys', '--body', `fileb://${csv}`, '--format', 'csv', '--fail-on-warnings'), /BadRequestException.*Warnings found during import/s);
    writeFileSync(csv, 'Description,Enabled\nx,true\n');
    await assert.rejects(cli('import-api-keys', '--body', `fileb://${csv}`, '--format', 'csv'), /BadRequestException/);

    const got = await cli('get-usage-plan-key', '--usage-plan-id', plan.id, '--key-id', byName['imported-1'].id);
    assert.deepEqual(got, { id: byName['imported-1'].id, type: 'API_KEY', value: 'importedKey0000000000000001', name: 'imported-1' });
    const plansOfKey = await cli('get-usage-plans', '--key-id', byName['imported-1'].id);
    assert.deepEqual(plansOfKey.items.map((p: { id: string }) => p.id), [plan.id]);
    await cli('delete-usage-plan', '--usage-plan-id', plan.id);
    assertForbidden(await invoke(api.id, '/things', 'importedKey0000000000000001'));
  });
});

describe('usage plans: what AWS refuses', () => {
  test('stages that do not exist, keys in two plans for one stage, unknown plans and keys, quota offsets', async () => {
    const api = await createApi('refusals');
    await rejectsWith(
      client.send(new CreateUsagePlanCommand({ name: 'bad', apiStages: [{ apiId: api.id, stage: 'nope' }] })),
      'BadRequestException',
      new RegExp(`^Invalid API Stage \\{api: ${api.id}, stage: nope\\} specified for usageplan [a-z0-9]{6}$`),
      400,
    );
    const { planId, keyId } = await keyInPlan(api);
    const second = await client.send(new CreateUsagePlanCommand({ name: 'second', apiStages: [{ apiId: api.id, stage: 'prod' }] }));
    await rejectsWith(
      client.send(new CreateUsagePlanKeyCommand({ usagePlanId: second.id!, keyId, keyType: 'API_KEY' })),
      'ConflictException',
      `API Key ${keyId} cannot reference multiple Usage Plans with the same API Stage: ${api.id}:prod`,
      409,
    );
    await rejectsWith(client.send(new CreateUsagePlanKeyCommand({ usagePlanId: planId, keyId: 'nokey', keyType: 'API_KEY' })), 'NotFoundException', 'Invalid API Key identifier specified', 404);
    await rejectsWith(client.send(new CreateUsagePlanKeyCommand({ usagePlanId: 'noplan', keyId, keyType: 'API_KEY' })), 'NotFoundException', 'Invalid Usage Plan ID specified', 404);
    await rejectsWith(client.send(new GetUsagePlanKeyCommand({ usagePlanId: second.id!, keyId })), 'NotFoundException', 'Invalid API Key identifier specified', 404);
    await rejectsWith(client.send(new GetUsageCommand({ usagePlanId: 'noplan', startDate: today(), endDate: today() })), 'NotFoundException', 'Invalid Usage Plan ID specified', 404);
    await rejectsWith(client.send(new GetUsageCommand({ usagePlanId: planId, startDate: 'yesterday', endDate: today() })), 'BadRequestException', undefined, 400);
    await rejectsWith(
      client.send(new CreateUsagePlanCommand({ name: 'offset', quota: { limit: 1, period: 'DAY', offset: 1 } })),
      'BadRequestException',
      'Invalid quota: offset must be 0 for the DAY period',
      400,
    );
    await rejectsWith(
      client.send(new UpdateUsageCommand({ usagePlanId: planId, keyId, patchOperations: [{ op: 'replace', path: '/remaining', value: '5' }] })),
      'BadRequestException',
      `Usage Plan ${planId} has no quota to update`,
      400,
    );
    await client.send(new DeleteUsagePlanCommand({ usagePlanId: second.id! }));
    const keys = await client.send(new GetApiKeysCommand({ includeValues: true }));
    assert.ok(keys.items!.every((k) => k.value && k.value.length >= 20));
  });
});

describe('tags', () => {
  test('API keys and usage plans are tagged at creation and through TagResource, UntagResource and GetTags on their ARNs', async () => {
    const key = await client.send(new CreateApiKeyCommand({ name: 'tagged', tags: { team: 'a' } }));
    assert.deepEqual(key.tags, { team: 'a' });
    const keyArn = `arn:aws:apigateway:us-east-1::/apikeys/${key.id}`;
    await client.send(new TagResourceCommand({ resourceArn: keyArn, tags: { env: 'dev' } }));
    assert.deepEqual((await client.send(new GetTagsCommand({ resourceArn: keyArn }))).tags, { team: 'a', env: 'dev' });
    await client.send(new UntagResourceCommand({ resourceArn: keyArn, tagKeys: ['team'] }));
    assert.deepEqual((await client.send(new GetApiKeyCommand({ apiKey: key.id! }))).tags, { env: 'dev' });

    const plan = await client.send(new CreateUsagePlanCommand({ name: 'tagged plan' }));
    assert.equal(plan.tags, undefined);
    const planArn = `arn:aws:apigateway:us-east-1::/usageplans/${plan.id}`;
    await client.send(new TagResourceCommand({ resourceArn: planArn, tags: { cost: 'x' } }));
    assert.deepEqual((await client.send(new GetTagsCommand({ resourceArn: planArn }))).tags, { cost: 'x' });
    await rejectsWith(client.send(new GetTagsCommand({ resourceArn: 'arn:aws:apigateway:us-east-1::/usageplans/nope' })), 'NotFoundException', 'Invalid Usage Plan ID specified', 404);
  });
});

describe('persistence', () => {
  test('keys, plans, memberships and counts are kept in the data dir and come back after a restart', async () => {
    const data = tempDir('sluice-apigw-usage-data-');
    try {
      let s = await startTestSluice({ dataDir: data.path });
      let c = new APIGatewayClient({ endpoint: s.url, region: 'us-east-1', credentials: testCredentials, maxAttempts: 1 });
      const restore = { sluice, client };
      try {
        sluice = s;
        client = c;
        const api = await createApi('durable');
        const { planId, keyId, value } = await keyInPlan(api, { quota: { limit: 10, period: 'DAY' } });
        assert.equal((await invoke(api.id, '/things', value)).status, 200);
        assert.equal((await invoke(api.id, '/things', value)).status, 200);
        c.destroy();
        await s.close();
        s = await startTestSluice({ dataDir: data.path });
        c = new APIGatewayClient({ endpoint: s.url, region: 'us-east-1', credentials: testCredentials, maxAttempts: 1 });
        sluice = s;
        client = c;
        assert.equal((await invoke(api.id, '/things', value)).status, 200);
        const usage = await c.send(new GetUsageCommand({ usagePlanId: planId, startDate: today(), endDate: today() }));
        assert.deepEqual(usage.items, { [keyId]: [[3, 7]] });
      } finally {
        sluice = restore.sluice;
        client = restore.client;
        c.destroy();
        await s.close();
      }
    } finally {
      data.remove();
    }
  });
});
