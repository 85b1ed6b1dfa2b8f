/** The execute pipeline called directly, with a fake Kinesis behind `dispatch`. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { defaultConfig } from '../server/config.js';
import type { SluiceRequest } from '../server/types.js';
import type { DocumentStore } from '../store/documents.js';
import { SqliteStore } from '../store/sqlite.js';
import { createApiGateway } from './index.js';

function memoryStore(): DocumentStore {
  return new SqliteStore(undefined);
}

const EXAMPLE = fileURLToPath(new URL('../../../examples/kinesis-proxy/kinesis-proxy.yaml', import.meta.url));

test('KinesisProxy requests reach dispatch as signed Kinesis requests would look; the log tells the story', async () => {
  const seen: SluiceRequest[] = [];
  const gateway = await createApiGateway({
    config: { ...defaultConfig, dataDir: undefined, accountId: '111122223333' },
    documents: memoryStore(),
    deployConfigured: false,
    dispatch: async (req) => {
      seen.push(req);
      return { status: 200, headers: { 'content-type': 'application/x-amz-json-1.1' }, body: Buffer.from('{"StreamNames":[],"HasMoreStreams":false}') };
    },
  });
  const api = await gateway.deployDefinition(readFileSync(EXAMPLE, 'utf8'), 'prod');

  const create = await gateway.invoke({ apiId: api.id, stage: 'prod', httpMethod: 'POST', path: '/streams/s1', rawQuery: '', headers: { 'content-type': 'application/json' }, body: Buffer.from('{}') });
  assert.equal(create.status, 200);
  const req = seen[0]!;
  assert.equal(req.method, 'POST');
  assert.equal(req.path, '/');
  assert.equal(req.query.get('Action'), 'CreateStream');
  assert.equal(req.headers['content-type'], 'application/x-amz-json-1.1');
  assert.deepEqual(JSON.parse(req.body.toString()), { ShardCount: 5, StreamName: 's1' });

  await gateway.invoke({ apiId: api.id, stage: 'prod', httpMethod: 'POST', path: '/streams/s2', rawQuery: '', headers: {}, body: Buffer.from('{"ShardCount": 0}') });
  assert.deepEqual(JSON.parse(seen[1]!.body.toString()), { ShardCount: 0, StreamName: 's2' }, '0 is a count, not missing');

  const put = await gateway.invoke({ apiId: api.id, stage: 'prod', httpMethod: 'PUT', path: '/streams/s1/record', rawQuery: '', headers: {}, body: Buffer.from('{"Data":"some data","PartitionKey":"k"}') });
  assert.equal(put.status, 200);
  const putBody = JSON.parse(seen[2]!.body.toString());
  assert.equal(Buffer.from(putBody.Data, 'base64').toString(), '"some data"');

  const log = put.log;
  for (const line of [
    'Starting execution for request: ',
    'HTTP Method: PUT, Resource Path: /streams/s1/record',
    'Method request path: {stream-name=s1}',
    'Endpoint request URI: https://kinesis.us-east-1.amazonaws.com/?Action=PutRecord',
    'Endpoint request body after transformations: {',
    'Received response. Status: 200, Integration latency: ',
    'Method response headers: {Content-Type=application/json',
    'Successfully completed execution',
    'Method completed with status: 200',
  ]) assert.ok(log.includes(line), `log has "${line}":\n${log}`);
  assert.match(log, /^Execution log for request [0-9a-f-]{36}\n\w{3} \w{3} \d{2} \d{2}:\d{2}:\d{2} UTC \d{4} : Starting/);
  assert.ok(put.latency >= 0);
  assert.equal(gateway.executionLogs({ apiId: api.id })[0]!.requestId, put.requestId);
  assert.equal(gateway.executionLogs().length, 3);
});

test('a dispatch that never answers times out as 504 within the integration timeout', async () => {
  const gateway = await createApiGateway({
    config: { ...defaultConfig, dataDir: undefined },
    documents: memoryStore(),
    deployConfigured: false,
    dispatch: () => new Promise(() => {}),
  });
  const text = readFileSync(EXAMPLE, 'utf8').replace(
    'uri: arn:aws:apigateway:${AWS::Region}:kinesis:action/ListStreams',
    'uri: arn:aws:apigateway:${AWS::Region}:kinesis:action/ListStreams\n        timeoutInMillis: 50',
  );
  const api = await gateway.deployDefinition(text, 'test');
  const r = await gateway.invoke({ apiId: api.id, stage: 'test', httpMethod: 'GET', path: '/streams', rawQuery: '', headers: {}, body: Buffer.alloc(0) });
  assert.equal(r.status, 504);
  assert.equal(r.body.toString(), '{"message": "Endpoint request timed out"}');
  assert.match(r.log, /Execution failed due to a timeout error\n.* : Method completed with status: 504\n$/);
});

test('path-style AWS URIs, stage variables in mappings and templates, $context in templates', async () => {
  const seen: SluiceRequest[] = [];
  const gateway = await createApiGateway({
    config: { ...defaultConfig, dataDir: undefined },
    documents: memoryStore(),
    deployConfigured: false,
    dispatch: async (req) => {
      seen.push(req);
      return { status: 200, headers: { 'content-type': 'application/json' }, body: Buffer.from('{"ok":true}') };
    },
  });
  const definition = JSON.stringify({
    openapi: '3.0.1',
    info: { title: 'PathStyle', version: '1' },
    paths: {
      '/things/{id}': {
        get: {
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
          responses: { 200: { description: 'ok' } },
          'x-amazon-apigateway-integration': {
            type: 'aws',
            uri: 'arn:aws:apigateway:us-east-1:s3:path/bucket/{key}',
            httpMethod: 'GET',
            requestParameters: {
              'integration.request.path.key': 'method.request.path.id',
              'integration.request.header.x-env': 'stageVariables.env',
            },
            requestTemplates: { 'application/json': '{"stage": "$context.stage", "env": "$stageVariables.env", "resource": "$context.resourcePath"}' },
            responses: { default: { statusCode: '200' } },
          },
        },
      },
    },
  });
  const api = await gateway.deployDefinition(definition, 'dev', { variables: { env: 'development' } });
  const r = await gateway.invoke({ apiId: api.id, stage: 'dev', httpMethod: 'GET', path: '/things/a%2Fb', rawQuery: '', headers: {}, body: Buffer.alloc(0) });
  assert.equal(r.status, 200, r.log);
  const req = seen[0]!;
  assert.equal(req.method, 'GET');
  assert.equal(req.path, '/bucket/a%2Fb');
  assert.equal(req.headers['host'], 's3.us-east-1.amazonaws.com');
  assert.equal(req.headers['x-env'], 'development');
  assert.deepEqual(JSON.parse(req.body.toString()), { stage: 'dev', env: 'development', resource: '/things/{id}' });

  // TestInvokeMethod-style override of the stage variables.
  await gateway.invoke({ apiId: api.id, stage: 'dev', httpMethod: 'GET', path: '/things/x', rawQuery: '', headers: {}, body: Buffer.alloc(0), stageVariables: { env: 'other' } });
  assert.equal(seen[1]!.headers['x-env'], 'other');
});

/** A gateway whose APIs use MOCK integrations only: AWS calls would get an empty 200. */
const mockOnlyGateway = (): ReturnType<typeof createApiGateway> =>
  createApiGateway({
    config: { ...defaultConfig, dataDir: undefined },
    documents: memoryStore(),
    deployConfigured: false,
    dispatch: async () => ({ status: 200, headers: {}, body: Buffer.alloc(0) }),
  });

test('a template that fails to render is a 500 with the reason in the log', async () => {
  const gateway = await mockOnlyGateway();
  const definition = JSON.stringify({
    openapi: '3.0.1',
    info: { title: 'Broken', version: '1' },
    paths: {
      '/x': {
        get: {
          responses: { 200: { description: 'ok' } },
          'x-amazon-apigateway-integration': {
            type: 'mock',
            requestTemplates: { 'application/json': '{"statusCode": 200}' },
            responses: { default: { statusCode: '200', responseTemplates: { 'application/json': '$util.parseJson("{not json")' } } },
          },
        },
      },
    },
  });
  const api = await gateway.deployDefinition(definition, 'test');
  const r = await gateway.invoke({ apiId: api.id, stage: 'test', httpMethod: 'GET', path: '/x', rawQuery: '', headers: {}, body: Buffer.alloc(0) });
  assert.equal(r.status, 500);
  assert.equal(r.body.toString(), '{"message": "Internal server error"}');
  assert.equal(r.headers['x-amzn-errortype'], 'InternalServerErrorException');
  assert.match(r.log, /Execution failed due to configuration error: /);
});

test('a request template whose regular expression runs away is a 500 that names the limit, and is quick about it', async () => {
  const gateway = await mockOnlyGateway();
  const definition = JSON.stringify({
    openapi: '3.0.1',
    info: { title: 'Regex', version: '1' },
    paths: {
      '/check': {
        post: {
          responses: { 200: { description: 'ok' } },
          'x-amazon-apigateway-integration': {
            type: 'mock',
            requestTemplates: { 'application/json': `{"statusCode": 200, "ok": $input.path('$.name').matches('(a+)+b')}` },
            responses: { default: { statusCode: '200' } },
          },
        },
      },
    },
  });
  const api = await gateway.deployDefinition(definition, 'test');
  const start = performance.now();
  const r = await gateway.invoke({
    apiId: api.id, stage: 'test', httpMethod: 'POST', path: '/check', rawQuery: '',
    headers: { 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify({ name: 'a'.repeat(40) })),
  });
  assert.ok(performance.now() - start < 1000);
  assert.equal(r.status, 500);
  assert.equal(r.body.toString(), '{"message": "Internal server error"}');
  assert.match(r.log, /Execution failed due to configuration error: Unable to transform request: regular expression exceeded its work limit \(\d+ steps\)/);
});
