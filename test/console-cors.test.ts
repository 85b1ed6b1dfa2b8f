/**
 * The console's "Enable CORS" plan (src/console/web/src/lib/cors.ts) against a real Sluice: the
 * calls it plans are accepted by the management API, a preflight to the deployed stage answers
 * the Access-Control-Allow-* headers, and planning again changes nothing (or only what differs).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Sluice } from '../src/server/app.js';
import { planCors, type CorsCall, type CorsCurrent, type CorsOptions } from '../src/console/web/src/lib/cors.js';
import type { GatewayResponse, Method } from '../src/console/web/src/clients/apigateway-types.js';
import { startTestSluice } from './helpers/sluice.js';

let sluice: Sluice;
let apiId: string;
let resourceId: string;

async function call<T = any>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(sluice.url + path, { method, headers: { 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const text = await res.text();
  assert.ok(res.status < 300, `${method} ${path} → ${res.status} ${text}`);
  return (text ? JSON.parse(text) : {}) as T;
}

const m = (verb: string): string => `/restapis/${apiId}/resources/${resourceId}/methods/${verb}`;

/** The management call a planned step stands for, as the console's CorsForm makes it. */
function perform(c: CorsCall): Promise<unknown> {
  switch (c.kind) {
    case 'putMethod':
      return call('PUT', m(c.verb), c.input);
    case 'putMethodResponse':
      return call('PUT', `${m(c.verb)}/responses/${c.status}`, c.input);
    case 'updateMethodResponse':
      return call('PATCH', `${m(c.verb)}/responses/${c.status}`, { patchOperations: c.ops });
    case 'putIntegration':
      return call('PUT', `${m(c.verb)}/integration`, c.input);
    case 'putIntegrationResponse':
      return call('PUT', `${m(c.verb)}/integration/responses/${c.status}`, c.input);
    case 'updateIntegrationResponse':
      return call('PATCH', `${m(c.verb)}/integration/responses/${c.status}`, { patchOperations: c.ops });
    case 'putGatewayResponse':
      return call('PUT', `/restapis/${apiId}/gatewayresponses/${c.type}`, c.input);
  }
}

async function current(gatewayTypes: readonly string[]): Promise<CorsCurrent> {
  const resource = await call<{ resourceMethods?: Record<string, unknown> }>('GET', `/restapis/${apiId}/resources/${resourceId}`);
  const methods: Record<string, Method> = {};
  for (const verb of Object.keys(resource.resourceMethods ?? {})) methods[verb] = await call<Method>('GET', m(verb));
  const gatewayResponses: Record<string, GatewayResponse> = {};
  for (const t of gatewayTypes) gatewayResponses[t] = await call<GatewayResponse>('GET', `/restapis/${apiId}/gatewayresponses/${t}`);
  const models = (await call<{ item?: { name: string }[] }>('GET', `/restapis/${apiId}/models`)).item?.map((x) => x.name) ?? [];
  return { methods, gatewayResponses, models };
}

const OPTIONS: CorsOptions = {
  methods: ['GET', 'POST'],
  allowHeaders: 'Content-Type,X-Amz-Date,Authorization,X-Api-Key,X-Amz-Security-Token',
  allowOrigin: '*',
  gatewayResponses: ['DEFAULT_4XX', 'DEFAULT_5XX'],
};

before(async () => {
  sluice = await startTestSluice();
  apiId = (await call<{ id: string }>('POST', '/restapis', { name: 'cors-plan' })).id;
  const root = (await call<{ item: { id: string; path: string }[] }>('GET', `/restapis/${apiId}/resources`)).item.find((r) => r.path === '/')!;
  resourceId = (await call<{ id: string }>('POST', `/restapis/${apiId}/resources/${root.id}`, { pathPart: 'items' })).id;
  await call('PUT', m('GET'), { authorizationType: 'NONE' });
  await call('PUT', `${m('GET')}/integration`, { type: 'MOCK', requestTemplates: { 'application/json': '{"statusCode": 200}' } });
  await call('PUT', `${m('GET')}/responses/200`, { responseParameters: { 'method.response.header.X-Kept': false } });
  await call('PUT', `${m('GET')}/integration/responses/200`, { selectionPattern: '', responseTemplates: { 'application/json': '{"items": []}' } });
  await call('PUT', m('POST'), { authorizationType: 'NONE' });
  await call('PUT', `${m('POST')}/integration`, { type: 'HTTP_PROXY', httpMethod: 'POST', uri: 'http://127.0.0.1:9/items' });
});

after(async () => {
  await sluice.close();
});

describe('Enable CORS, as planned by the console', () => {
  it('creates the OPTIONS method, its MOCK integration and responses, and the headers on GET and the gateway responses', async () => {
    const plan = planCors(await current(OPTIONS.gatewayResponses), OPTIONS);
    assert.deepEqual(
      plan.steps.map((s) => `${s.call.kind} ${'verb' in s.call ? s.call.verb : s.call.type}`),
      [
        'putMethod OPTIONS',
        'putMethodResponse OPTIONS',
        'putIntegration OPTIONS',
        'putIntegrationResponse OPTIONS',
        'updateMethodResponse GET',
        'updateIntegrationResponse GET',
        'putGatewayResponse DEFAULT_4XX',
        'putGatewayResponse DEFAULT_5XX',
      ],
    );
    assert.match(plan.notes.join('\n'), /POST uses a HTTP_PROXY integration/);
    for (const step of plan.steps) await perform(step.call);

    const options = await call<Method>('GET', m('OPTIONS'));
    assert.equal(options.authorizationType, 'NONE');
    assert.deepEqual(options.methodResponses?.['200']?.responseModels, { 'application/json': 'Empty' });
    assert.equal(options.methodIntegration?.type, 'MOCK');
    assert.deepEqual(options.methodIntegration?.requestTemplates, { 'application/json': '{"statusCode": 200}' });
    assert.deepEqual(options.methodIntegration?.integrationResponses?.['200']?.responseParameters, {
      'method.response.header.Access-Control-Allow-Headers': "'Content-Type,X-Amz-Date,Authorization,X-Api-Key,X-Amz-Security-Token'",
      'method.response.header.Access-Control-Allow-Methods': "'GET,OPTIONS,POST'",
      'method.response.header.Access-Control-Allow-Origin': "'*'",
    });
    const get = await call<Method>('GET', m('GET'));
    assert.deepEqual(get.methodResponses?.['200']?.responseParameters, { 'method.response.header.X-Kept': false, 'method.response.header.Access-Control-Allow-Origin': false });
    assert.equal(get.methodIntegration?.integrationResponses?.['200']?.responseParameters?.['method.response.header.Access-Control-Allow-Origin'], "'*'");
    assert.deepEqual(get.methodIntegration?.integrationResponses?.['200']?.responseTemplates, { 'application/json': '{"items": []}' });
    const e4 = await call<GatewayResponse>('GET', `/restapis/${apiId}/gatewayresponses/DEFAULT_4XX`);
    assert.equal(e4.responseParameters?.['gatewayresponse.header.Access-Control-Allow-Origin'], "'*'");
    assert.equal(e4.responseParameters?.['gatewayresponse.header.Access-Control-Allow-Methods'], "'GET,OPTIONS,POST'");
  });

  it('a preflight to the deployed stage answers the Access-Control-Allow-* headers, and so does a 4XX', async () => {
    await call('POST', `/restapis/${apiId}/deployments`, { stageName: 'cors' });
    const base = `${sluice.url}/restapis/${apiId}/cors/_user_request_`;
    const preflight = await fetch(`${base}/items`, {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example', 'access-control-request-method': 'GET', 'access-control-request-headers': 'content-type' },
    });
    await preflight.arrayBuffer();
    assert.equal(preflight.status, 200);
    assert.equal(preflight.headers.get('access-control-allow-origin'), '*');
    assert.equal(preflight.headers.get('access-control-allow-methods'), 'GET,OPTIONS,POST');
    assert.equal(preflight.headers.get('access-control-allow-headers'), OPTIONS.allowHeaders);
    const get = await fetch(`${base}/items`);
    assert.deepEqual(await get.json(), { items: [] });
    assert.equal(get.headers.get('access-control-allow-origin'), '*');
    const missing = await fetch(`${base}/nowhere`);
    await missing.arrayBuffer();
    assert.ok(missing.status >= 400 && missing.status < 500);
    assert.equal(missing.headers.get('access-control-allow-origin'), '*');
  });

  it('running it again changes nothing; another origin only replaces the values', async () => {
    assert.deepEqual(planCors(await current(OPTIONS.gatewayResponses), OPTIONS).steps, []);
    const plan = planCors(await current(OPTIONS.gatewayResponses), { ...OPTIONS, allowOrigin: "'https://app.example'" });
    assert.deepEqual(
      plan.steps.map((s) => s.call.kind),
      ['updateIntegrationResponse', 'updateIntegrationResponse', 'putGatewayResponse', 'putGatewayResponse'],
    );
    for (const step of plan.steps) await perform(step.call);
    const options = await call<Method>('GET', m('OPTIONS'));
    assert.equal(options.methodIntegration?.integrationResponses?.['200']?.responseParameters?.['method.response.header.Access-Control-Allow-Origin'], "'https://app.example'");
    assert.deepEqual(planCors(await current(OPTIONS.gatewayResponses), { ...OPTIONS, allowOrigin: 'https://app.example' }).steps, []);
  });

  it('refuses values a quoted literal cannot hold', () => {
    assert.throws(() => planCors({ methods: {}, gatewayResponses: {}, models: [] }, { ...OPTIONS, allowOrigin: "it's" }), /Access-Control-Allow-Origin/);
    assert.throws(() => planCors({ methods: {}, gatewayResponses: {}, models: [] }, { ...OPTIONS, allowHeaders: '  ' }), /Access-Control-Allow-Headers/);
  });
});
