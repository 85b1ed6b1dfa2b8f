/**
 * One test per gateway mechanism, through the real HTTP endpoint: routing,
 * validation, passthrough behaviors, mapping sources, selection patterns,
 * overrides, gateway responses, HTTP / HTTP_PROXY / MOCK integrations against
 * a local node:http backend, timeouts and backend failures.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { request } from 'undici';
import { startSluice, type Sluice } from '../src/server/app.js';
import { defaultConfig, type SluiceConfig } from '../src/server/config.js';

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function definition(backend: string, deadPort: number): string {
  return `
openapi: 3.0.1
info: { title: Mechanisms, version: '1' }
x-amazon-apigateway-binary-media-types: [application/octet-stream]
x-amazon-apigateway-request-validators:
  all: { validateRequestBody: true, validateRequestParameters: true }
x-amazon-apigateway-gateway-responses:
  DEFAULT_4XX:
    responseParameters:
      gatewayresponse.header.Access-Control-Allow-Origin: "'*'"
  BAD_REQUEST_BODY:
    statusCode: '422'
    responseTemplates:
      application/json: '{"error": "$context.error.message", "details": "$context.error.validationErrorString", "stage": "$context.stage"}'
paths:
  /mock:
    get:
      responses: { '200': { description: ok }, '201': { description: created, headers: { X-Custom: { schema: { type: string } } } } }
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates: { application/json: '{"statusCode": 200}' }
        responses:
          default:
            statusCode: '200'
            responseTemplates:
              application/json: |-
                #set($context.responseOverride.status = 201)
                #set($context.responseOverride.header.X-Custom = "overridden")
                {"name": "$input.params('name')", "resource": "$context.resourcePath"}
  /mock/{code}:
    get:
      parameters: [{ name: code, in: path, required: true, schema: { type: string } }]
      responses: { '200': { description: ok }, '400': { description: bad }, '500': { description: err } }
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates: { application/json: '{"statusCode": $input.params(''code'')}' }
        responses:
          default: { statusCode: '200', responseTemplates: { application/json: '{"picked": "default"}' } }
          '4\\d{2}': { statusCode: '400', responseTemplates: { application/json: '{"picked": "4xx"}' } }
          '5\\d{2}': { statusCode: '500', responseTemplates: { application/json: '{"picked": "5xx"}' } }
  /nodefault:
    get:
      responses: { '500': { description: err } }
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates: { application/json: '{"statusCode": 404}' }
        responses:
          '5\\d{2}': { statusCode: '500' }
  /validated:
    post:
      x-amazon-apigateway-request-validator: all
      parameters:
        - { name: q, in: query, required: true, schema: { type: string } }
        - { name: X-Req, in: header, required: true, schema: { type: string } }
      requestBody:
        content: { application/json: { schema: { $ref: '#/components/schemas/Named' } } }
      responses: { '200': { description: ok } }
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates: { application/json: '{"statusCode": 200}' }
        responses: { default: { statusCode: '200', responseTemplates: { application/json: '{"ok": true}' } } }
  /pt/match:
    post:
      responses: { '200': { description: ok } }
      x-amazon-apigateway-integration:
        type: http
        uri: ${backend}/echo
        httpMethod: POST
        passthroughBehavior: when_no_match
        requestTemplates: { application/json: '{"templated": $input.json(''$'')}' }
        responses: { default: { statusCode: '200' } }
  /pt/templates:
    post:
      responses: { '200': { description: ok } }
      x-amazon-apigateway-integration:
        type: http
        uri: ${backend}/echo
        httpMethod: POST
        passthroughBehavior: when_no_templates
        requestTemplates: { application/json: '{}' }
        responses: { default: { statusCode: '200' } }
  /pt/never:
    post:
      responses: { '200': { description: ok } }
      x-amazon-apigateway-integration:
        type: http
        uri: ${backend}/echo
        httpMethod: POST
        passthroughBehavior: never
        responses: { default: { statusCode: '200' } }
  /http/{id}:
    post:
      parameters:
        - { name: id, in: path, required: true, schema: { type: string } }
        - { name: tag, in: query, schema: { type: string } }
        - { name: X-In, in: header, schema: { type: string } }
      responses:
        '200':
          description: ok
          headers: { X-From-Backend: { schema: { type: string } }, X-Body-Field: { schema: { type: string } }, X-Static: { schema: { type: string } } }
      x-amazon-apigateway-integration:
        type: http
        uri: ${backend}/echo/{itemId}
        httpMethod: PUT
        requestParameters:
          integration.request.path.itemId: method.request.path.id
          integration.request.querystring.tags: method.request.multivaluequerystring.tag
          integration.request.header.X-Copied: method.request.header.X-In
          integration.request.header.X-Body-Name: method.request.body.pet.name
          integration.request.header.X-Request-Id: context.requestId
          integration.request.header.X-Static: "'fixed'"
        requestTemplates:
          application/json: |-
            #set($context.requestOverride.header.X-Overridden = "by-template")
            {"id": "$input.params('id')", "name": $input.json('$.pet.name')}
        responses:
          default:
            statusCode: '200'
            responseParameters:
              method.response.header.X-From-Backend: integration.response.header.X-Backend
              method.response.header.X-Body-Field: integration.response.body.method
              method.response.header.X-Static: "'static-value'"
            responseTemplates:
              application/json: '{"backendSaw": $input.json(''$'')}'
  /proxy/{proxy+}:
    x-amazon-apigateway-any-method:
      parameters: [{ name: proxy, in: path, required: true, schema: { type: string } }]
      responses: {}
      x-amazon-apigateway-integration:
        type: http_proxy
        uri: ${backend}/{proxy}
        httpMethod: ANY
        requestParameters:
          integration.request.path.proxy: method.request.path.proxy
  /binary:
    post:
      responses: { '200': { description: ok } }
      x-amazon-apigateway-integration:
        type: http
        uri: ${backend}/b64
        httpMethod: POST
        contentHandling: CONVERT_TO_TEXT
        responses:
          default: { statusCode: '200', contentHandling: CONVERT_TO_BINARY }
  /slow:
    get:
      responses: { '200': { description: ok } }
      x-amazon-apigateway-integration:
        type: http
        uri: ${backend}/slow
        httpMethod: GET
        timeoutInMillis: 100
        responses: { default: { statusCode: '200' } }
  /down:
    get:
      responses: { '200': { description: ok } }
      x-amazon-apigateway-integration:
        type: http
        uri: http://127.0.0.1:${deadPort}/
        httpMethod: GET
        responses: { default: { statusCode: '200' } }
components:
  schemas:
    Named:
      type: object
      required: [name]
      properties: { name: { type: string } }
`;
}

describe('API Gateway mechanisms', () => {
  let backend: http.Server;
  let sluice: Sluice;
  let base: string;
  let dir: string;
  const seen: Seen[] = [];

  before(async () => {
    backend = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const s: Seen = { method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks).toString() };
        seen.push(s);
        if (req.url === '/b64') {
          res.setHeader('content-type', 'text/plain');
          res.end(s.body);
          return;
        }
        if (req.url === '/slow') {
          setTimeout(() => res.end('late'), 1000).unref();
          return;
        }
        res.setHeader('content-type', 'application/json');
        res.setHeader('x-backend', 'yes');
        res.setHeader('www-authenticate', 'Basic realm="x"');
        res.end(JSON.stringify({ method: s.method, url: s.url, body: s.body, copied: s.headers['x-copied'] ?? null }));
      });
    });
    await new Promise<void>((r) => backend.listen(0, '127.0.0.1', r));
    const port = (backend.address() as AddressInfo).port;
    // A port nobody listens on: bind, note, close.
    const probe = http.createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const deadPort = (probe.address() as AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));

    dir = mkdtempSync(join(tmpdir(), 'sluice-apigw-'));
    const file = join(dir, 'mechanisms.yaml');
    writeFileSync(file, definition(`http://127.0.0.1:${port}`, deadPort));
    const config: SluiceConfig = { ...defaultConfig, port: 0, dataDir: undefined, createStreamMs: 0, apis: [file] };
    sluice = await startSluice(config);
    base = sluice.deployedApis().find((a) => a.name === 'Mechanisms')!.invokeUrl;
  });
  after(async () => {
    await sluice?.close();
    backend?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function call(method: string, path: string, body?: string, headers: Record<string, string> = {}) {
    const res = await request(`${base}${path}`, { method: method as 'GET', headers, body: body ?? null });
    const text = await res.body.text();
    return { status: res.statusCode, headers: res.headers as Record<string, string>, text };
  }

  test('MOCK integration with responseOverride of status and header', async () => {
    const r = await call('GET', '/mock?name=rex');
    assert.equal(r.status, 201);
    assert.equal(r.headers['x-custom'], 'overridden');
    assert.deepEqual(JSON.parse(r.text), { name: 'rex', resource: '/mock' });
  });

  test('selection patterns match the whole status code', async () => {
    for (const [code, picked, status] of [['200', 'default', 200], ['404', '4xx', 400], ['503', '5xx', 500], ['201', 'default', 200]] as const) {
      const r = await call('GET', `/mock/${code}`);
      assert.equal(r.status, status, code);
      assert.deepEqual(JSON.parse(r.text), { picked });
    }
  });

  test('no match and no default: 500 Internal server error', async () => {
    const r = await call('GET', '/nodefault');
    assert.equal(r.status, 500);
    assert.equal(r.text, '{"message": "Internal server error"}');
    assert.equal(r.headers['x-amzn-errortype'], 'InternalServerErrorException');
  });

  test('validation: required parameters, then the body model; gateway responses customised', async () => {
    let r = await call('POST', '/validated', '{"name":"x"}', { 'content-type': 'application/json' });
    assert.equal(r.status, 400);
    assert.equal(r.text, '{"message": "Missing required request parameters: [X-Req, q]"}');
    assert.equal(r.headers['access-control-allow-origin'], '*', 'DEFAULT_4XX header applies');
    assert.equal(r.headers['x-amzn-errortype'], 'BadRequestException');

    r = await call('POST', '/validated?q=1', '{"nom":"x"}', { 'content-type': 'application/json', 'x-req': 'v' });
    assert.equal(r.status, 422, 'BAD_REQUEST_BODY customised to 422');
    const body = JSON.parse(r.text);
    assert.equal(body.error, 'Invalid request body');
    assert.match(body.details, /name/);
    assert.equal(body.stage, 'test');

    r = await call('POST', '/validated?q=1', '{"name":"x"}', { 'content-type': 'application/json', 'x-req': 'v' });
    assert.equal(r.status, 200);
    assert.deepEqual(JSON.parse(r.text), { ok: true });
  });

  test('passthrough behaviors', async () => {
    let r = await call('POST', '/pt/match', '{"a":1}', { 'content-type': 'application/json' });
    assert.equal(JSON.parse(JSON.parse(r.text).body).templated.a, 1, 'template applied');
    r = await call('POST', '/pt/match', '<a/>', { 'content-type': 'application/xml' });
    assert.equal(r.status, 200);
    assert.equal(JSON.parse(r.text).body, '<a/>', 'WHEN_NO_MATCH passes an unmatched type through');
    r = await call('POST', '/pt/templates', '<a/>', { 'content-type': 'application/xml' });
    assert.equal(r.status, 415);
    assert.equal(r.text, '{"message": "Unsupported Media Type"}');
    r = await call('POST', '/pt/never', '<a/>', { 'content-type': 'application/xml' });
    assert.equal(r.status, 415, 'NEVER without templates refuses');
  });

  test('HTTP integration: every mapping source, requestOverride, response mappings', async () => {
    seen.length = 0;
    const r = await call('POST', '/http/item%201?tag=a&tag=b', '{"pet":{"name":"rex"}}', { 'content-type': 'application/json', 'x-in': 'hello' });
    assert.equal(r.status, 200, r.text);
    const got = seen.at(-1)!;
    assert.equal(got.method, 'PUT');
    assert.equal(got.url, '/echo/item%201?tags=a&tags=b');
    assert.equal(got.headers['x-copied'], 'hello');
    assert.equal(got.headers['x-body-name'], 'rex');
    assert.equal(got.headers['x-static'], 'fixed');
    assert.equal(got.headers['x-overridden'], 'by-template');
    assert.match(String(got.headers['x-request-id']), /^[0-9a-f-]{36}$/);
    assert.deepEqual(JSON.parse(got.body), { id: 'item 1', name: 'rex' });
    assert.equal(r.headers['x-from-backend'], 'yes');
    assert.equal(r.headers['x-body-field'], 'PUT');
    assert.equal(r.headers['x-static'], 'static-value');
    assert.equal(JSON.parse(r.text).backendSaw.url, '/echo/item%201?tags=a&tags=b');
  });

  test('HTTP_PROXY with {proxy+} passes everything through and remaps reserved headers', async () => {
    seen.length = 0;
    const r = await call('DELETE', '/proxy/a/b?x=1', '', { 'x-thing': 't' });
    assert.equal(r.status, 200);
    const got = seen.at(-1)!;
    assert.equal(got.method, 'DELETE');
    assert.equal(got.url, '/a/b?x=1');
    assert.equal(got.headers['x-thing'], 't');
    assert.equal(r.headers['x-amzn-remapped-www-authenticate'], 'Basic realm="x"');
    assert.equal(r.headers['x-backend'], 'yes');
  });

  test('content handling: binary in as base64 text, base64 text out as binary', async () => {
    seen.length = 0;
    const bytes = Buffer.from([0, 1, 2, 250, 251, 255]);
    const res = await request(`${base}/binary`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: bytes });
    const got = Buffer.from(await res.body.arrayBuffer());
    assert.equal(res.statusCode, 200);
    assert.equal(seen.at(-1)!.body, bytes.toString('base64'), 'CONVERT_TO_TEXT sent base64 to the backend');
    assert.deepEqual(got, bytes, 'CONVERT_TO_BINARY decoded the base64 answer');
  });

  test('integration timeout: 504', async () => {
    const r = await call('GET', '/slow');
    assert.equal(r.status, 504);
    assert.equal(r.text, '{"message": "Endpoint request timed out"}');
  });

  test('unreachable backend: 502', async () => {
    const r = await call('GET', '/down');
    assert.equal(r.status, 502);
    assert.equal(r.text, '{"message": "Internal server error"}');
  });

  test('unknown stage: 403 Forbidden', async () => {
    const api = sluice.deployedApis().find((a) => a.name === 'Mechanisms')!;
    const res = await request(`${sluice.url}/restapis/${api.id}/nostage/_user_request_/mock`);
    assert.equal(res.statusCode, 403);
    assert.equal(await res.body.text(), '{"message":"Forbidden"}');
  });
});

describe('persistence', () => {
  test('a deployed API survives a restart with the same id, without duplicates', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sluice-apigw-data-'));
    try {
      const config: SluiceConfig = { ...defaultConfig, port: 0, dataDir, createStreamMs: 0, apis: [] };
      let s = await startSluice(config);
      const first = s.deployedApis();
      await s.close();
      s = await startSluice(config);
      const second = s.deployedApis();
      await s.close();
      assert.equal(first.length, 1);
      assert.equal(second.length, 1);
      assert.equal(second[0]!.id, first[0]!.id);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
