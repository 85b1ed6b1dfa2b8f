import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ApiGatewayError } from './errors.js';
import { exportOpenApi } from './export-openapi.js';
import { importOpenApi } from './import-openapi.js';
import type { RestApi } from './model.js';

const opts = { region: 'us-east-1', accountId: '123456789012' };
const EXAMPLE = fileURLToPath(new URL('../../../examples/kinesis-proxy/kinesis-proxy.yaml', import.meta.url));
const EXPORTS = fileURLToPath(new URL('../../../test/conformance/aws-kinesis-proxy-export/', import.meta.url));

function sources(): Array<[string, string]> {
  const out: Array<[string, string]> = [['example', readFileSync(EXAMPLE, 'utf8')]];
  for (const f of ['kinesis-proxy.oas30.json', 'kinesis-proxy.swagger20.json']) {
    if (existsSync(EXPORTS + f)) out.push([f, readFileSync(EXPORTS + f, 'utf8')]);
  }
  return out;
}

function methods(api: RestApi): string[] {
  return Object.values(api.resources).flatMap((r) => Object.keys(r.resourceMethods).map((m) => `${m} ${r.path}`)).sort();
}

test('the example and both AWS exports import with all eight methods', () => {
  for (const [name, text] of sources()) {
    const { api } = importOpenApi(text, opts);
    assert.equal(api.name, 'KinesisProxy', name);
    assert.match(api.id, /^[a-z0-9]{10}$/);
    assert.deepEqual(methods(api), [
      'DELETE /streams/{stream-name}', 'GET /streams', 'GET /streams/{stream-name}', 'GET /streams/{stream-name}/records',
      'GET /streams/{stream-name}/sharditerator', 'POST /streams/{stream-name}', 'PUT /streams/{stream-name}/record',
      'PUT /streams/{stream-name}/records',
    ], name);
    assert.deepEqual(api.executionRoles.map((r) => r.arn), ['arn:aws:iam::123456789012:role/apigAwsProxyRole'], name);
  }
});

test('the example names the account of the running Sluice', () => {
  const { api } = importOpenApi(readFileSync(EXAMPLE, 'utf8'), { region: 'eu-west-1', accountId: '000000000000' });
  const streams = Object.values(api.resources).find((r) => r.path === '/streams')!;
  const integ = streams.resourceMethods.GET!.methodIntegration!;
  assert.equal(integ.type, 'AWS');
  if (integ.type === 'AWS') {
    assert.equal(integ.uri, 'arn:aws:apigateway:eu-west-1:kinesis:action/ListStreams');
    assert.equal(integ.credentials, 'arn:aws:iam::000000000000:role/apigAwsProxyRole');
  }
});

test('import → export → import is stable in both formats', () => {
  for (const [name, text] of sources()) {
    for (const format of ['oas30', 'swagger20'] as const) {
      const once = exportOpenApi(importOpenApi(text, opts).api, format);
      const twice = exportOpenApi(importOpenApi(JSON.stringify(once), opts).api, format);
      assert.deepEqual(twice, once, `${name} as ${format}`);
      const other = format === 'oas30' ? 'swagger20' : 'oas30';
      const crossed = exportOpenApi(importOpenApi(JSON.stringify(exportOpenApi(importOpenApi(JSON.stringify(once), opts).api, other)), opts).api, format);
      assert.deepEqual(crossed, once, `${name} through ${other}`);
    }
  }
});

function refusal(text: string): ApiGatewayError {
  try {
    importOpenApi(text, opts);
  } catch (err) {
    assert.ok(err instanceof ApiGatewayError);
    return err;
  }
  assert.fail('import should have failed');
}

test('bad definitions are refused with AWS messages', () => {
  for (const bad of ['not: [valid', '{"hello": 1}', '{"openapi": "3.1.0", "paths": {}}', '[]']) {
    const e = refusal(bad);
    assert.equal(e.type, 'BadRequestException');
    assert.equal(e.message, 'Invalid OpenAPI input.');
  }
  const base = (integration: string): string => `
openapi: 3.0.1
info: { title: T }
paths:
  /x:
    get:
      responses: { '200': { description: ok } }
      x-amazon-apigateway-integration:
${integration.split('\n').map((l) => '        ' + l).join('\n')}
`;
  let e = refusal(base(`type: mock\nrequestTemplates:\n  application/json: '#if($x'`));
  assert.match(e.message, /^Errors found during import:\n\tUnable to compile 'GET' for resource at path '\/x' \(request template application\/json\): Invalid mapping template at line 1, column \d+/);
  e = refusal(base(`type: http\nuri: not-a-url\nhttpMethod: GET`));
  assert.match(e.message, /Invalid HTTP endpoint specified for URI/);
  e = refusal(base(`type: aws\nuri: arn:aws:apigateway:us-east-1:kinesis:nope\nhttpMethod: POST`));
  assert.match(e.message, /AWS ARN for integration must contain path or action/);
  e = refusal(base(`type: mock\nrequestParameters:\n  integration.request.header.x: method.request.querystring.undeclared`));
  assert.match(e.message, /Invalid mapping expression parameter specified: method.request.querystring.undeclared/);
  e = refusal(base(`type: mock\ntimeoutInMillis: 30000`));
  assert.match(e.message, /Timeout should be between 50 ms and 29000 ms/);
  e = refusal(base(`type: lambda`));
  assert.match(e.message, /Invalid integration type specified: lambda/);
});

test('Swagger path-level parameters, $refs into parameters, ANY and validators', () => {
  const { api } = importOpenApi(JSON.stringify({
    swagger: '2.0',
    info: { title: 'S', version: '1' },
    parameters: { Id: { name: 'id', in: 'path', required: true, type: 'string' } },
    'x-amazon-apigateway-request-validators': { body: { validateRequestBody: true, validateRequestParameters: false } },
    'x-amazon-apigateway-request-validator': 'body',
    'x-amazon-apigateway-binary-media-types': ['image/png'],
    paths: {
      '/things/{id}': {
        parameters: [{ $ref: '#/parameters/Id' }],
        'x-amazon-apigateway-any-method': {
          responses: { 200: { description: 'ok' } },
          'x-amazon-apigateway-integration': { type: 'mock', requestTemplates: { 'application/json': '{"statusCode": 200}' } },
        },
      },
    },
  }), opts);
  const r = Object.values(api.resources).find((x) => x.path === '/things/{id}')!;
  const any = r.resourceMethods.ANY!;
  assert.deepEqual(any.requestParameters, { 'method.request.path.id': true });
  assert.equal(api.requestValidators[any.requestValidatorId!]!.name, 'body');
  assert.deepEqual(api.binaryMediaTypes, ['image/png']);
});
