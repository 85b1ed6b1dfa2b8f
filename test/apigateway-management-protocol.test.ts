/**
 * The pieces under the management API, by themselves: REST-JSON routing and
 * (de)serialization driven by botocore's model, and the patch-operation engine.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { applyPatch, type PatchSpec } from '../src/apigateway/management/patch.js';
import { apiGatewayModel } from '../src/apigateway/management/service.js';
import { handleRestJson, RestRouter } from '../src/protocol/rest-json.js';
import type { SluiceRequest } from '../src/server/types.js';

const router = new RestRouter(apiGatewayModel);

function request(method: string, url: string, body = '', headers: Record<string, string> = {}): SluiceRequest {
  const q = url.indexOf('?');
  const rawQuery = q >= 0 ? url.slice(q + 1) : '';
  return {
    method, path: q >= 0 ? url.slice(0, q) : url, rawQuery, query: new URLSearchParams(rawQuery), headers,
    body: Buffer.from(body), requestId: 'r', remoteAddress: '127.0.0.1', scheme: 'http',
  };
}

describe('REST-JSON routing from the model', () => {
  const route = (method: string, url: string): string | undefined => {
    const r = request(method, url);
    return router.match(r.method, r.path, r.query)?.operation.name;
  };

  test('operations are told apart by method, literal segments and fixed query strings', () => {
    assert.equal(route('POST', '/restapis'), 'CreateRestApi');
    assert.equal(route('POST', '/restapis?mode=import'), 'ImportRestApi');
    assert.equal(route('PUT', '/restapis/abc?mode=overwrite'), 'PutRestApi');
    assert.equal(route('GET', '/restapis/abc/resources'), 'GetResources');
    assert.equal(route('PUT', '/restapis/abc/resources/r1/methods/GET'), 'PutMethod');
    assert.equal(route('POST', '/restapis/abc/resources/r1/methods/GET'), 'TestInvokeMethod');
    assert.equal(route('PUT', '/restapis/abc/resources/r1/methods/GET/integration/responses/200'), 'PutIntegrationResponse');
    assert.equal(route('GET', '/restapis/abc/stages/prod/exports/oas30'), 'GetExport');
    assert.equal(route('GET', '/nothing/here'), undefined);
    assert.ok(router.owns('/restapis/abc') && router.owns('/tags/x') && router.owns('/account'));
    assert.ok(!router.owns('/') && !router.owns('/_sluice/health'));
  });

  test('labels are decoded; an ARN travels in one segment', () => {
    const r = request('GET', `/tags/${encodeURIComponent('arn:aws:apigateway:us-east-1::/restapis/abc')}`);
    const m = router.match(r.method, r.path, r.query)!;
    assert.equal(m.operation.name, 'GetTags');
    assert.deepEqual(m.labels, { resource_arn: 'arn:aws:apigateway:us-east-1::/restapis/abc' });
  });
});

describe('REST-JSON input and output', () => {
  const echo = async (req: SluiceRequest, name: string, reply: Record<string, unknown> | void = undefined): Promise<{ input: any; status: number; headers: Record<string, string>; body: string }> => {
    let seen: unknown;
    const res = await handleRestJson({ model: apiGatewayModel, handlers: { [name]: (input) => { seen = input; return reply; } } }, router, req);
    return { input: seen, status: res.status, headers: res.headers, body: (res.body as Buffer).toString() };
  };

  test('uri labels, querystring lists and maps, headers, payload blobs and locationName body keys', async () => {
    const resources = await echo(request('GET', '/restapis/abc/resources?limit=5&embed=methods'), 'GetResources', { items: [{ id: 'r1', path: '/' }], position: '5' });
    assert.deepEqual(resources.input, { restApiId: 'abc', limit: 5, embed: ['methods'] });
    assert.deepEqual(JSON.parse(resources.body), { item: [{ id: 'r1', path: '/' }], position: '5' }, 'items travel as "item"');

    const imported = await echo(request('POST', '/restapis?mode=import&failonwarnings=true&basepath=ignore', '{"openapi":"3.0.1"}'), 'ImportRestApi', { id: 'x', createdDate: new Date(1_700_000_000_000) });
    assert.equal(imported.status, 201);
    assert.equal(imported.input.failOnWarnings, true);
    assert.deepEqual(imported.input.parameters, { basepath: 'ignore' });
    assert.equal(Buffer.from(imported.input.body).toString(), '{"openapi":"3.0.1"}');
    assert.deepEqual(JSON.parse(imported.body), { id: 'x', createdDate: 1_700_000_000 }, 'timestamps are epoch seconds');

    const integration = await echo(request('PUT', '/restapis/a/resources/r/methods/GET/integration', '{"type":"AWS","httpMethod":"POST"}'), 'PutIntegration', {});
    assert.equal(integration.input.integrationHttpMethod, 'POST', 'the body key is the locationName');

    const exported = await echo(request('GET', '/restapis/a/stages/s/exports/oas30', '', { accept: 'application/yaml' }), 'GetExport', { contentType: 'application/yaml', body: Buffer.from('openapi: 3.0.1') });
    assert.equal(exported.input.accepts, 'application/yaml');
    assert.equal(exported.headers['content-type'], 'application/yaml');
    assert.equal(exported.body, 'openapi: 3.0.1');
  });

  test('errors: the code in x-amzn-ErrorType, the status from the model, {"message"} as the body', async () => {
    const res = await handleRestJson({ model: apiGatewayModel, handlers: {} }, router, request('DELETE', '/restapis/abc'));
    assert.equal(res.headers['x-amzn-errortype'], 'NotImplementedException');
    const invalid = await handleRestJson(
      { model: apiGatewayModel, handlers: { CreateRestApi: () => ({}) }, inputError: (m) => Object.assign(new Error(m), { code: 'x' }) as never },
      router,
      request('POST', '/restapis', '{"name": 5}'),
    );
    assert.equal(invalid.status, 500, 'a non-AWS error from inputError is an internal failure');
  });
});

describe('patch operations', () => {
  const spec: PatchSpec = {
    name: { kind: 'string' },
    description: { kind: 'string', ops: ['add', 'replace', 'remove'] },
    enabled: { kind: 'boolean' },
    timeout: { kind: 'integer', min: 50, max: 29000 },
    types: { kind: 'set' },
    templates: { kind: 'map', value: 'string' },
    params: { kind: 'map', value: 'boolean' },
  };

  test('fields, set items and map entries (with ~1 for "/")', () => {
    const target: Record<string, unknown> = { name: 'a', description: 'd', types: ['x'], templates: {}, params: {} };
    applyPatch(target, spec, [
      { op: 'replace', path: '/name', value: 'b' },
      { op: 'remove', path: '/description' },
      { op: 'replace', path: '/enabled', value: 'true' },
      { op: 'replace', path: '/timeout', value: '5000' },
      { op: 'add', path: '/types/image~1png' },
      { op: 'remove', path: '/types/x' },
      { op: 'add', path: '/templates/application~1json', value: '{}' },
      { op: 'add', path: '/params/method.request.header.X' },
    ]);
    assert.deepEqual(target, {
      name: 'b', enabled: true, timeout: 5000, types: ['image/png'], templates: { 'application/json': '{}' }, params: { 'method.request.header.X': false },
    });
  });

  test("AWS's errors for paths and values it doesn't take", () => {
    assert.throws(() => applyPatch({}, spec, [{ op: 'replace', path: '/nope', value: 'x' }]),
      { message: "Invalid patch path  '/nope' specified for op 'replace'. Must be one of: [/name, /description, /enabled, /timeout, /types/*, /templates/*, /params/*]" });
    assert.throws(() => applyPatch({}, spec, [{ op: 'remove', path: '/name' }]), { message: /Invalid patch path {2}'\/name' specified for op 'remove'\. Must be one of: \[\/description, / });
    assert.throws(() => applyPatch({}, spec, [{ op: 'replace', path: '/timeout', value: '10' }]), { message: /Must be an integer between 50 and 29000/ });
    assert.throws(() => applyPatch({}, spec, [{ op: 'frobnicate', path: '/name' }]), { message: /Invalid patch operation specified/ });
  });
});
