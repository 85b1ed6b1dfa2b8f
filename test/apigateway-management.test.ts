/**
 * The API Gateway management API beyond the tutorial's happy path: importing
 * AWS's own export with the CLI and exporting it back, deployments as
 * snapshots, patches, stages, tags, PutRestApi's modes, and the errors a
 * person meets on the way — each with AWS's error type and message.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import {
  APIGatewayClient,
  CreateDeploymentCommand,
  CreateModelCommand,
  CreateRequestValidatorCommand,
  CreateResourceCommand,
  CreateRestApiCommand,
  CreateStageCommand,
  DeleteDeploymentCommand,
  DeleteRestApiCommand,
  DeleteResourceCommand,
  GetDeploymentsCommand,
  GetGatewayResponsesCommand,
  GetIntegrationCommand,
  GetMethodCommand,
  GetModelsCommand,
  GetResourcesCommand,
  GetRestApiCommand,
  GetRestApisCommand,
  GetStageCommand,
  GetStagesCommand,
  GetTagsCommand,
  PutGatewayResponseCommand,
  PutIntegrationCommand,
  PutIntegrationResponseCommand,
  PutMethodCommand,
  PutMethodResponseCommand,
  PutRestApiCommand,
  TagResourceCommand,
  TestInvokeMethodCommand,
  UntagResourceCommand,
  UpdateIntegrationCommand,
  UpdateMethodCommand,
  UpdateResourceCommand,
  UpdateRestApiCommand,
  UpdateStageCommand,
} from '@aws-sdk/client-api-gateway';
import { parse as parseYaml } from 'yaml';
import type { Sluice } from '../src/server/app.js';
import { rejectsWith } from './helpers/aws-errors.js';
import { setCloudWatchRole } from './helpers/cloudwatch-role.js';
import { awsEnv, startTestSluice, tempDir, testCredentials } from './helpers/sluice.js';

const run = promisify(execFile);
const EXPORTS = fileURLToPath(new URL('../../test/conformance/aws-kinesis-proxy-export/', import.meta.url));

let sluice: Sluice;
let client: APIGatewayClient;
/** The bundled KinesisProxy's id, taken before any test imports another API of that name. */
let bundledId: string;
const dir = tempDir('sluice-apigw-mgmt-');

before(async () => {
  // AWS's exports name a role in the exporter's account: serve them as a user would, with --iam off.
  sluice = await startTestSluice({ iam: 'off' });
  client = new APIGatewayClient({ endpoint: sluice.url, region: 'us-east-1', credentials: testCredentials });
  const apis = (await client.send(new GetRestApisCommand({}))).items!;
  assert.equal(apis.length, 1, 'a fresh server has the bundled API only');
  bundledId = apis[0]!.id!;
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

/** The CLI's stderr for a call that must fail. */
async function cliError(...args: string[]): Promise<string> {
  try {
    await cli(...args);
  } catch (e) {
    return String((e as { stderr?: string }).stderr);
  }
  assert.fail(`aws apigateway ${args.join(' ')} succeeded`);
}

/** Awaits an SDK call that must fail with `name` and a message matching `message`. */
const rejects = (call: Promise<unknown>, name: string, message: string | RegExp): Promise<void> => rejectsWith(call, name, message);

async function invokeUrl(apiId: string, stage: string, path: string, init: RequestInit = {}): Promise<{ status: number; text: string }> {
  const res = await fetch(`${sluice.url}/restapis/${apiId}/${stage}/_user_request_${path}`, init);
  return { status: res.status, text: await res.text() };
}

/** An API with one MOCK method on /pets that answers `{"version": N}`. */
async function mockApi(name: string, version: number): Promise<{ apiId: string; rootId: string; petsId: string }> {
  const api = await client.send(new CreateRestApiCommand({ name }));
  const pets = await client.send(new CreateResourceCommand({ restApiId: api.id!, parentId: api.rootResourceId!, pathPart: 'pets' }));
  const at = { restApiId: api.id!, resourceId: pets.id!, httpMethod: 'GET' };
  await client.send(new PutMethodCommand({ ...at, authorizationType: 'NONE' }));
  await client.send(new PutIntegrationCommand({ ...at, type: 'MOCK', requestTemplates: { 'application/json': '{"statusCode": 200}' } }));
  await client.send(new PutMethodResponseCommand({ ...at, statusCode: '200' }));
  await client.send(new PutIntegrationResponseCommand({ ...at, statusCode: '200', responseTemplates: { 'application/json': `{"version": ${version}}` } }));
  return { apiId: api.id!, rootId: api.rootResourceId!, petsId: pets.id! };
}

describe('import and export with the AWS CLI', () => {
  for (const file of ['kinesis-proxy.swagger20.json', 'kinesis-proxy.oas30.json']) {
    test(`import-rest-api --body fileb://${file}, deploy, call, get-export, re-import`, async () => {
      const api = await cli('import-rest-api', '--body', `fileb://${join(EXPORTS, file)}`);
      assert.match(api.id, /^[a-z0-9]{10}$/);
      assert.equal(api.name, 'KinesisProxy');
      const paths = (await cli('get-resources', '--rest-api-id', api.id)).items.map((r: { path: string }) => r.path).sort();
      assert.deepEqual(paths, ['/', '/streams', '/streams/{stream-name}', '/streams/{stream-name}/record', '/streams/{stream-name}/records', '/streams/{stream-name}/sharditerator']);
      const models = (await cli('get-models', '--rest-api-id', api.id)).items.map((m: { name: string }) => m.name);
      assert.ok(models.includes('PutRecordsMethodRequestPayload'));

      await cli('create-deployment', '--rest-api-id', api.id, '--stage-name', 'prod', '--variables', 'owner=cli');
      const stream = `imported${file.includes('oas30') ? 'Oas' : 'Swagger'}`;
      const created = await invokeUrl(api.id, 'prod', `/streams/${stream}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"ShardCount": 1}' });
      assert.equal(created.status, 200, created.text);
      const listed = await invokeUrl(api.id, 'prod', '/streams');
      assert.ok(JSON.parse(listed.text).StreamNames.includes(stream));
      const stage = await cli('get-stage', '--rest-api-id', api.id, '--stage-name', 'prod');
      assert.deepEqual(stage.variables, { owner: 'cli' });

      // OpenAPI 3 with the integrations, as JSON (the CLI writes the body to a file).
      const oasFile = join(dir.path, `${stream}.oas30.json`);
      const meta = await cli('get-export', '--rest-api-id', api.id, '--stage-name', 'prod', '--export-type', 'oas30', '--parameters', 'extensions=integrations', oasFile);
      assert.equal(meta.contentType, 'application/json');
      const oas = JSON.parse(readFileSync(oasFile, 'utf8'));
      assert.equal(oas.openapi, '3.0.1');
      assert.equal(oas.paths['/streams'].get['x-amazon-apigateway-integration'].uri, 'arn:aws:apigateway:us-east-1:kinesis:action/ListStreams');
      assert.match(oas.servers[0].url, new RegExp(`^https://${api.id}\\.execute-api\\.us-east-1\\.amazonaws\\.com/`));

      // Swagger 2.0 as YAML, and without extensions none of API Gateway's keys are in it.
      const yamlFile = join(dir.path, `${stream}.swagger.yaml`);
      const yamlMeta = await cli('get-export', '--rest-api-id', api.id, '--stage-name', 'prod', '--export-type', 'swagger', '--accepts', 'application/yaml', yamlFile);
      assert.equal(yamlMeta.contentType, 'application/yaml');
      const swagger = parseYaml(readFileSync(yamlFile, 'utf8'));
      assert.equal(swagger.swagger, '2.0');
      assert.equal(swagger.basePath, '/prod');
      assert.ok(!JSON.stringify(swagger).includes('x-amazon-apigateway-integration'));

      // The export imports again into an API that serves the same paths.
      const again = await cli('import-rest-api', '--body', `fileb://${oasFile}`);
      const againPaths = (await cli('get-resources', '--rest-api-id', again.id)).items.map((r: { path: string }) => r.path).sort();
      assert.deepEqual(againPaths, paths);
    });
  }

  test('import of something that is not OpenAPI, and a template that does not compile', async () => {
    const junk = join(dir.path, 'junk.txt');
    writeFileSync(junk, 'this is not an API definition');
    assert.match(await cliError('import-rest-api', '--body', `fileb://${junk}`), /\(BadRequestException\) when calling the ImportRestApi operation: Invalid OpenAPI input\./);

    const broken = JSON.parse(readFileSync(join(EXPORTS, 'kinesis-proxy.swagger20.json'), 'utf8'));
    broken.paths['/streams'].get['x-amazon-apigateway-integration'].requestTemplates['application/json'] = '{\n  #if($x)\n}';
    const brokenFile = join(dir.path, 'broken.json');
    writeFileSync(brokenFile, JSON.stringify(broken));
    const stderr = await cliError('import-rest-api', '--body', `fileb://${brokenFile}`);
    assert.match(stderr, /BadRequestException.*Errors found during import:/s);
    assert.match(stderr, /line \d+, column \d+/);
  });
});

describe('deployments are snapshots', () => {
  test('an undeployed change is visible to TestInvokeMethod, not to the stage, until the next deployment', async () => {
    const { apiId, petsId } = await mockApi('Snapshots', 1);
    await client.send(new CreateDeploymentCommand({ restApiId: apiId, stageName: 'live' }));
    assert.deepEqual(JSON.parse((await invokeUrl(apiId, 'live', '/pets')).text), { version: 1 });

    await client.send(new PutIntegrationResponseCommand({
      restApiId: apiId, resourceId: petsId, httpMethod: 'GET', statusCode: '200', responseTemplates: { 'application/json': '{"version": 2}' },
    }));
    const tested = await client.send(new TestInvokeMethodCommand({ restApiId: apiId, resourceId: petsId, httpMethod: 'GET' }));
    assert.equal(tested.status, 200);
    assert.deepEqual(JSON.parse(tested.body!), { version: 2 });
    assert.match(tested.log!, /Method response body after transformations: \{"version": 2\}/);
    assert.deepEqual(JSON.parse((await invokeUrl(apiId, 'live', '/pets')).text), { version: 1 }, 'the stage still serves its deployment');

    const second = await client.send(new CreateDeploymentCommand({ restApiId: apiId, stageName: 'live', description: 'v2' }));
    assert.deepEqual(JSON.parse((await invokeUrl(apiId, 'live', '/pets')).text), { version: 2 });

    // A second stage can point at the first deployment.
    const deployments = (await client.send(new GetDeploymentsCommand({ restApiId: apiId }))).items!;
    assert.equal(deployments.length, 2);
    const first = deployments.find((d) => d.id !== second.id)!;
    await client.send(new CreateStageCommand({ restApiId: apiId, stageName: 'old', deploymentId: first.id! }));
    assert.deepEqual(JSON.parse((await invokeUrl(apiId, 'old', '/pets')).text), { version: 1 });
    const stages = (await client.send(new GetStagesCommand({ restApiId: apiId }))).item!.map((s) => s.stageName).sort();
    assert.deepEqual(stages, ['live', 'old']);
    await rejects(client.send(new DeleteDeploymentCommand({ restApiId: apiId, deploymentId: first.id! })), 'BadRequestException',
      'Active stages pointing to this deployment must be moved or deleted');
  });

  test('stage variables reach templates; patching a stage re-points it', async () => {
    const { apiId, petsId } = await mockApi('StageVariables', 1);
    await client.send(new PutIntegrationResponseCommand({
      restApiId: apiId, resourceId: petsId, httpMethod: 'GET', statusCode: '200', responseTemplates: { 'application/json': '{"color": "$stageVariables.color"}' },
    }));
    await client.send(new CreateDeploymentCommand({ restApiId: apiId, stageName: 'dev', variables: { color: 'blue' } }));
    assert.deepEqual(JSON.parse((await invokeUrl(apiId, 'dev', '/pets')).text), { color: 'blue' });
    await setCloudWatchRole(sluice.url); // a logging level other than OFF needs the account's CloudWatch role
    const updated = await client.send(new UpdateStageCommand({
      restApiId: apiId, stageName: 'dev', patchOperations: [
        { op: 'replace', path: '/variables/color', value: 'green' },
        { op: 'replace', path: '/description', value: 'the dev stage' },
        { op: 'replace', path: '/*/*/logging/loglevel', value: 'INFO' },
      ],
    }));
    assert.deepEqual(updated.variables, { color: 'green' });
    assert.equal(updated.methodSettings!['*/*']!.loggingLevel, 'INFO');
    assert.deepEqual(JSON.parse((await invokeUrl(apiId, 'dev', '/pets')).text), { color: 'green' });
    const stage = await client.send(new GetStageCommand({ restApiId: apiId, stageName: 'dev' }));
    assert.equal(stage.description, 'the dev stage');
  });
});

describe('patches, tags, models, validators, gateway responses', () => {
  test('update-rest-api, update-resource, update-method, update-integration', async () => {
    const { apiId, petsId } = await mockApi('Patches', 1);
    const api = await client.send(new UpdateRestApiCommand({
      restApiId: apiId, patchOperations: [
        { op: 'replace', path: '/name', value: 'Patched' },
        { op: 'replace', path: '/description', value: 'described' },
        { op: 'add', path: '/binaryMediaTypes/image~1png', value: '' },
      ],
    }));
    assert.equal(api.name, 'Patched');
    assert.equal(api.description, 'described');
    assert.deepEqual(api.binaryMediaTypes, ['image/png']);

    const moved = await client.send(new UpdateResourceCommand({ restApiId: apiId, resourceId: petsId, patchOperations: [{ op: 'replace', path: '/pathPart', value: 'dogs' }] }));
    assert.equal(moved.path, '/dogs');

    const method = await client.send(new UpdateMethodCommand({
      restApiId: apiId, resourceId: petsId, httpMethod: 'GET', patchOperations: [
        { op: 'add', path: '/requestParameters/method.request.querystring.breed', value: 'true' },
        { op: 'replace', path: '/operationName', value: 'ListDogs' },
      ],
    }));
    assert.deepEqual(method.requestParameters, { 'method.request.querystring.breed': true });
    assert.equal(method.operationName, 'ListDogs');

    const integration = await client.send(new UpdateIntegrationCommand({
      restApiId: apiId, resourceId: petsId, httpMethod: 'GET', patchOperations: [
        { op: 'add', path: '/requestParameters/integration.request.querystring.breed', value: 'method.request.querystring.breed' },
        { op: 'replace', path: '/timeoutInMillis', value: '5000' },
      ],
    }));
    assert.equal(integration.timeoutInMillis, 5000);
    assert.deepEqual(integration.requestParameters, { 'integration.request.querystring.breed': 'method.request.querystring.breed' });
    const read = await client.send(new GetIntegrationCommand({ restApiId: apiId, resourceId: petsId, httpMethod: 'GET' }));
    assert.equal(read.type, 'MOCK');
    assert.equal(read.passthroughBehavior, 'WHEN_NO_MATCH');
    assert.equal(read.cacheNamespace, petsId);
  });

  test('tags on APIs and stages, models, validators, gateway responses', async () => {
    const { apiId, petsId } = await mockApi('Tagged', 1);
    await client.send(new CreateDeploymentCommand({ restApiId: apiId, stageName: 'tagged' }));
    const apiArn = `arn:aws:apigateway:us-east-1::/restapis/${apiId}`;
    const stageArn = `${apiArn}/stages/tagged`;
    await client.send(new TagResourceCommand({ resourceArn: apiArn, tags: { team: 'data', env: 'dev' } }));
    await client.send(new TagResourceCommand({ resourceArn: stageArn, tags: { tier: 'gold' } }));
    await client.send(new UntagResourceCommand({ resourceArn: apiArn, tagKeys: ['env'] }));
    assert.deepEqual((await client.send(new GetTagsCommand({ resourceArn: apiArn }))).tags, { team: 'data' });
    assert.deepEqual((await client.send(new GetTagsCommand({ resourceArn: stageArn }))).tags, { tier: 'gold' });
    assert.deepEqual((await client.send(new GetRestApiCommand({ restApiId: apiId }))).tags, { team: 'data' });

    const models = (await client.send(new GetModelsCommand({ restApiId: apiId }))).items!.map((m) => m.name);
    assert.deepEqual(models, ['Empty', 'Error'], 'every new API has the Empty and Error models');
    await client.send(new CreateModelCommand({
      restApiId: apiId, name: 'Pet', contentType: 'application/json',
      schema: JSON.stringify({ type: 'object', required: ['name'], properties: { name: { type: 'string' } } }),
    }));
    const validator = await client.send(new CreateRequestValidatorCommand({ restApiId: apiId, name: 'body', validateRequestBody: true }));
    await client.send(new PutMethodCommand({
      restApiId: apiId, resourceId: petsId, httpMethod: 'POST', authorizationType: 'NONE',
      requestModels: { 'application/json': 'Pet' }, requestValidatorId: validator.id!,
    }));
    await client.send(new PutIntegrationCommand({ restApiId: apiId, resourceId: petsId, httpMethod: 'POST', type: 'MOCK', requestTemplates: { 'application/json': '{"statusCode": 200}' } }));
    await client.send(new PutMethodResponseCommand({ restApiId: apiId, resourceId: petsId, httpMethod: 'POST', statusCode: '200' }));
    await client.send(new PutIntegrationResponseCommand({ restApiId: apiId, resourceId: petsId, httpMethod: 'POST', statusCode: '200' }));
    await client.send(new PutGatewayResponseCommand({
      restApiId: apiId, responseType: 'BAD_REQUEST_BODY', statusCode: '422',
      responseTemplates: { 'application/json': '{"problem": "$context.error.message"}' },
    }));
    const responses = (await client.send(new GetGatewayResponsesCommand({ restApiId: apiId }))).items!;
    assert.equal(responses.length, 21);
    assert.equal(responses.find((r) => r.responseType === 'BAD_REQUEST_BODY')!.defaultResponse, false);
    assert.equal(responses.find((r) => r.responseType === 'THROTTLED')!.statusCode, '429');

    await client.send(new CreateDeploymentCommand({ restApiId: apiId, stageName: 'tagged' }));
    const bad = await invokeUrl(apiId, 'tagged', '/pets', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    assert.equal(bad.status, 422);
    assert.deepEqual(JSON.parse(bad.text), { problem: 'Invalid request body' });
    const stage = await client.send(new GetStageCommand({ restApiId: apiId, stageName: 'tagged' }));
    assert.deepEqual(stage.tags, { tier: 'gold' }, 'a redeployment keeps the stage tags');
  });

  test('put-rest-api overwrite and merge', async () => {
    const { apiId } = await mockApi('PutModes', 1);
    const definition = (path: string): Uint8Array => Buffer.from(JSON.stringify({
      openapi: '3.0.1',
      info: { title: 'PutModes', version: '1' },
      paths: { [path]: { get: { responses: { '200': { description: 'ok' } }, 'x-amazon-apigateway-integration': { type: 'mock', requestTemplates: { 'application/json': '{"statusCode": 200}' }, responses: { default: { statusCode: '200' } } } } } },
    }));
    const pathsOf = async (): Promise<string[]> => (await client.send(new GetResourcesCommand({ restApiId: apiId }))).items!.map((r) => r.path!).sort();
    await client.send(new PutRestApiCommand({ restApiId: apiId, mode: 'merge', body: definition('/cats') }));
    assert.deepEqual(await pathsOf(), ['/', '/cats', '/pets']);
    const root = (await client.send(new GetRestApiCommand({ restApiId: apiId }))).rootResourceId;
    await client.send(new PutRestApiCommand({ restApiId: apiId, mode: 'overwrite', body: definition('/birds') }));
    assert.deepEqual(await pathsOf(), ['/', '/birds']);
    assert.equal((await client.send(new GetRestApiCommand({ restApiId: apiId }))).rootResourceId, root, 'the root keeps its id');
  });

  test('the file-deployed KinesisProxy is a REST API like any other', async () => {
    const bundled = (await client.send(new GetRestApisCommand({}))).items!.find((a) => a.id === bundledId)!;
    assert.ok(bundled, 'get-rest-apis lists the bundled API');
    assert.equal(bundled.name, 'KinesisProxy');
    const resources = (await client.send(new GetResourcesCommand({ restApiId: bundled.id!, embed: ['methods'] }))).items!;
    const streams = resources.find((r) => r.path === '/streams')!;
    assert.equal(streams.resourceMethods!['GET']!.methodIntegration!.uri, 'arn:aws:apigateway:us-east-1:kinesis:action/ListStreams');
    const tested = await client.send(new TestInvokeMethodCommand({ restApiId: bundled.id!, resourceId: streams.id!, httpMethod: 'GET' }));
    assert.equal(tested.status, 200);
    assert.equal(JSON.parse(tested.body!).HasMoreStreams, false);
    const stages = (await client.send(new GetStagesCommand({ restApiId: bundled.id! }))).item!;
    assert.deepEqual(stages.map((s) => s.stageName), ['test']);
  });
});

describe('mistakes, answered as AWS answers them', () => {
  test('wrong identifiers', async () => {
    const { apiId, rootId, petsId } = await mockApi('Mistakes', 1);
    await rejects(client.send(new GetRestApiCommand({ restApiId: 'nosuchapi1' })), 'NotFoundException', 'Invalid API identifier specified 000000000000:nosuchapi1');
    await rejects(client.send(new CreateResourceCommand({ restApiId: apiId, parentId: 'nosuchres1', pathPart: 'x' })), 'NotFoundException', 'Invalid Resource identifier specified');
    await rejects(client.send(new GetMethodCommand({ restApiId: apiId, resourceId: petsId, httpMethod: 'DELETE' })), 'NotFoundException', 'Invalid Method identifier specified');
    await rejects(client.send(new GetStageCommand({ restApiId: apiId, stageName: 'nope' })), 'NotFoundException', 'Invalid Stage identifier specified');
    await rejects(client.send(new CreateStageCommand({ restApiId: apiId, stageName: 's', deploymentId: 'nosuchdep1' })), 'NotFoundException', 'Invalid Deployment identifier specified');
    await rejects(client.send(new CreateResourceCommand({ restApiId: apiId, parentId: rootId, pathPart: 'pets' })), 'ConflictException',
      'Another resource with the same parent already has this name: pets');
    await rejects(client.send(new CreateResourceCommand({ restApiId: apiId, parentId: rootId, pathPart: 'a b' })), 'BadRequestException', /path part only allow/);
    await rejects(client.send(new PutMethodCommand({ restApiId: apiId, resourceId: petsId, httpMethod: 'GET', authorizationType: 'NONE' })), 'ConflictException',
      'Method already exists for this resource');
  });

  test('an integration before its method, an integration response before its integration', async () => {
    const api = await client.send(new CreateRestApiCommand({ name: 'OutOfOrder' }));
    const at = { restApiId: api.id!, resourceId: api.rootResourceId!, httpMethod: 'GET' };
    await rejects(client.send(new PutIntegrationCommand({ ...at, type: 'MOCK' })), 'NotFoundException', 'Invalid Method identifier specified');
    await client.send(new PutMethodCommand({ ...at, authorizationType: 'NONE' }));
    await rejects(client.send(new PutIntegrationResponseCommand({ ...at, statusCode: '200' })), 'NotFoundException', 'Invalid Integration identifier specified');
    await rejects(client.send(new GetIntegrationCommand(at)), 'NotFoundException', 'Invalid Integration identifier specified');
    await rejects(client.send(new CreateDeploymentCommand({ restApiId: api.id!, stageName: 'x' })), 'BadRequestException', 'No integration defined for method');
    const empty = await client.send(new CreateRestApiCommand({ name: 'Empty' }));
    await rejects(client.send(new CreateDeploymentCommand({ restApiId: empty.id!, stageName: 'x' })), 'BadRequestException', "The REST API doesn't contain any methods");
  });

  test('bad templates, mappings, URIs and patch paths', async () => {
    const api = await client.send(new CreateRestApiCommand({ name: 'BadInput' }));
    const at = { restApiId: api.id!, resourceId: api.rootResourceId!, httpMethod: 'POST' };
    await client.send(new PutMethodCommand({ ...at, authorizationType: 'NONE' }));
    await rejects(
      client.send(new PutIntegrationCommand({ ...at, type: 'MOCK', requestTemplates: { 'application/json': '{\n  "a": #foreach($x in [1,2]) $x\n}' } })),
      'BadRequestException',
      /^Unable to compile request template for content type application\/json: .*line \d+, column \d+/,
    );
    await rejects(
      client.send(new PutIntegrationCommand({ ...at, type: 'AWS', integrationHttpMethod: 'POST', uri: 'arn:aws:apigateway:us-east-1:kinesis:ListStreams' })),
      'BadRequestException', 'AWS ARN for integration must contain path or action',
    );
    await rejects(
      client.send(new PutIntegrationCommand({ ...at, type: 'AWS', uri: 'arn:aws:apigateway:us-east-1:kinesis:action/ListStreams' })),
      'BadRequestException', 'Enumeration value for HttpMethod must be non-empty',
    );
    await rejects(
      client.send(new PutIntegrationCommand({ ...at, type: 'MOCK', requestParameters: { 'integration.request.header.X': 'method.request.querystring.undeclared' } })),
      'BadRequestException',
      'Invalid mapping expression specified: Validation Result: warnings : [], errors : [Invalid mapping expression parameter specified: method.request.querystring.undeclared]',
    );
    await rejects(
      client.send(new UpdateRestApiCommand({ restApiId: api.id!, patchOperations: [{ op: 'replace', path: '/nme', value: 'x' }] })),
      // A REST API words it as AWS does for its own paths (recorded: localstack test_update_rest_api_behaviour).
      'BadRequestException', 'Invalid patch path /nme',
    );
    // Anything but "true" is false, as AWS reads booleans (recorded for methods: test_update_method_validation "wrong-value-type").
    const patched = await client.send(new UpdateRestApiCommand({ restApiId: api.id!, patchOperations: [{ op: 'replace', path: '/disableExecuteApiEndpoint', value: 'maybe' }] }));
    assert.equal(patched.disableExecuteApiEndpoint, false);
  });

  test('the wire: x-amzn-ErrorType, {"message"} bodies, status codes, validation', async () => {
    let res = await fetch(`${sluice.url}/restapis/nosuchapi1`, { headers: { accept: 'application/json' } });
    assert.equal(res.status, 404);
    assert.equal(res.headers.get('x-amzn-errortype'), 'NotFoundException');
    assert.deepEqual(await res.json(), { message: 'Invalid API identifier specified 000000000000:nosuchapi1' });

    res = await fetch(`${sluice.url}/restapis`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    assert.equal(res.status, 400);
    // Coral's ValidationException, the body's members named from the operation's input.
    assert.equal(res.headers.get('x-amzn-errortype'), 'ValidationException');
    assert.match(((await res.json()) as { message: string }).message, /^1 validation error detected: Value null at 'createRestApiInput.name' failed to satisfy constraint: Member must not be null$/);

    res = await fetch(`${sluice.url}/restapis`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name": "Wire"}' });
    assert.equal(res.status, 201);
    const created = (await res.json()) as { id: string };
    res = await fetch(`${sluice.url}/restapis/${created.id}`, { method: 'DELETE' });
    assert.equal(res.status, 202);

    // An invoke URL is still the runtime's, even for an API the management API knows.
    const { apiId } = await mockApi('Routing', 7);
    await client.send(new CreateDeploymentCommand({ restApiId: apiId, stageName: 'v1' }));
    assert.deepEqual(JSON.parse((await invokeUrl(apiId, 'v1', '/pets')).text), { version: 7 });
    await client.send(new DeleteRestApiCommand({ restApiId: apiId }));
    assert.equal((await invokeUrl(apiId, 'v1', '/pets')).status, 403, 'deleting the API removes its stages');
  });

  test('the CLI shows AWS errors as AWS does', async () => {
    assert.match(await cliError('get-rest-api', '--rest-api-id', 'nosuchapi1'),
      /An error occurred \(NotFoundException\) when calling the GetRestApi operation: Invalid API identifier specified 000000000000:nosuchapi1/);
    const api = await cli('create-rest-api', '--name', 'CliMistakes');
    assert.match(await cliError('put-integration', '--rest-api-id', api.id, '--resource-id', api.rootResourceId, '--http-method', 'GET', '--type', 'MOCK'),
      /\(NotFoundException\) when calling the PutIntegration operation: Invalid Method identifier specified/);
    assert.match(await cliError('update-rest-api', '--rest-api-id', api.id, '--patch-operations', 'op=replace,path=/title,value=x'),
      /\(BadRequestException\) when calling the UpdateRestApi operation: Invalid patch path \/title$/m);
    await cli('delete-resource', '--rest-api-id', api.id, '--resource-id', (await cli('create-resource', '--rest-api-id', api.id, '--parent-id', api.rootResourceId, '--path-part', 'gone')).id);
    const paths = (await cli('get-resources', '--rest-api-id', api.id)).items.map((r: { path: string }) => r.path);
    assert.deepEqual(paths, ['/']);
    await rejects(client.send(new DeleteResourceCommand({ restApiId: api.id, resourceId: api.rootResourceId })), 'BadRequestException', /root resource/);
  });
});

describe('with --auth sigv4', () => {
  test('management calls are verified and authorized as apigateway:{METHOD} on the path', async () => {
    const secured = await startTestSluice({ auth: 'sigv4', rootAccessKeyId: testCredentials.accessKeyId, rootSecretAccessKey: testCredentials.secretAccessKey });
    try {
      const unsigned = await fetch(`${secured.url}/restapis`);
      assert.equal(unsigned.status, 403);
      assert.equal(unsigned.headers.get('x-amzn-errortype'), 'MissingAuthenticationTokenException');
      const root = new APIGatewayClient({ endpoint: secured.url, region: 'us-east-1', credentials: testCredentials });
      const api = await root.send(new CreateRestApiCommand({ name: 'Signed' }));
      assert.match(api.id!, /^[a-z0-9]{10}$/);
      const stranger = new APIGatewayClient({ endpoint: secured.url, region: 'us-east-1', credentials: { accessKeyId: 'AKIANOBODY0000000000', secretAccessKey: 'x' } });
      await rejects(stranger.send(new GetRestApisCommand({})), 'UnrecognizedClientException', /security token included in the request is invalid/);
      root.destroy();
      stranger.destroy();
    } finally {
      await secured.close();
    }
  });
});
