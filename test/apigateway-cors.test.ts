/**
 * CORS as API Gateway does it: nothing automatic (an OPTIONS request to a
 * resource without an OPTIONS method is AWS's 403 Missing Authentication
 * Token), preflights answered by OPTIONS methods with MOCK integrations and
 * static Access-Control-* mappings, gateway responses that add the headers to
 * errors, and the console's "Enable CORS" (src/apigateway/cors.ts) made through
 * the management API and checked as AWS's console leaves the API.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as AG from '@aws-sdk/client-api-gateway';
import { enableCorsCalls, type CorsResource, type ManagementCall } from '../src/apigateway/cors.js';
import type { Sluice } from '../src/server/app.js';
import { startTestSluice, testCredentials } from './helpers/sluice.js';

let sluice: Sluice;
let client: AG.APIGatewayClient;

before(async () => {
  sluice = await startTestSluice();
  client = new AG.APIGatewayClient({ endpoint: sluice.url, region: 'us-east-1', credentials: testCredentials, maxAttempts: 1 });
});
after(async () => {
  client?.destroy();
  await sluice?.close();
});

/** Makes the calls with the SDK, one command per operation. */
async function apply(calls: readonly ManagementCall[]): Promise<void> {
  const commands = AG as unknown as Record<string, new (input: unknown) => AG.PutMethodCommand>;
  for (const call of calls) await client.send(new commands[`${call.operation}Command`]!(call.input));
}

async function invoke(apiId: string, method: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string; headers: Headers }> {
  const res = await fetch(`${sluice.url}/restapis/${apiId}/prod/_user_request_${path}`, { method, headers });
  return { status: res.status, body: await res.text(), headers: res.headers };
}

const PREFLIGHT = { origin: 'https://app.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-api-key' };

describe('CORS', () => {
  test('no automatic OPTIONS: the bundled API has no OPTIONS methods, so a preflight is 403 Missing Authentication Token, as on AWS', async () => {
    const bundled = sluice.apiGateway.deployedApis(sluice.url)[0]!;
    const res = await fetch(`${bundled.invokeUrl}/streams`, { method: 'OPTIONS', headers: PREFLIGHT });
    assert.equal(res.status, 403);
    assert.equal(await res.text(), '{"message":"Missing Authentication Token"}');
    assert.equal(res.headers.get('x-amzn-errortype'), 'MissingAuthenticationTokenException');
    assert.equal(res.headers.get('access-control-allow-origin'), null);
  });

  test('an imported OPTIONS method with a MOCK integration answers the preflight with its Access-Control-* mappings', async () => {
    // The shape of AWS's recorded swagger-mock-cors.json import (test_apigateway_import.snapshot.json).
    const swagger = {
      swagger: '2.0',
      info: { title: 'mock cors', version: '1.0' },
      paths: {
        '/product': {
          options: {
            consumes: ['application/json'],
            produces: ['application/json'],
            responses: {
              '200': {
                description: '200 response',
                headers: { 'Access-Control-Allow-Origin': { type: 'string' }, 'Access-Control-Allow-Methods': { type: 'string' }, 'Access-Control-Allow-Headers': { type: 'string' } },
              },
            },
            'x-amazon-apigateway-integration': {
              type: 'mock',
              requestTemplates: { 'application/json': '{"statusCode": 200}' },
              passthroughBehavior: 'when_no_match',
              responses: {
                default: {
                  statusCode: '200',
                  responseParameters: {
                    'method.response.header.Access-Control-Allow-Headers': "'Content-Type'",
                    'method.response.header.Access-Control-Allow-Methods': "'OPTIONS,POST,GET'",
                    'method.response.header.Access-Control-Allow-Origin': "'http://localhost:8080'",
                  },
                  responseTemplates: { 'application/json': '{}' },
                },
              },
            },
          },
        },
      },
    };
    const api = await client.send(new AG.ImportRestApiCommand({ body: Buffer.from(JSON.stringify(swagger)) }));
    await client.send(new AG.CreateDeploymentCommand({ restApiId: api.id!, stageName: 'prod' }));
    const res = await invoke(api.id!, 'OPTIONS', '/product', PREFLIGHT);
    assert.equal(res.status, 200, res.body);
    assert.equal(res.headers.get('access-control-allow-origin'), 'http://localhost:8080');
    assert.equal(res.headers.get('access-control-allow-methods'), 'OPTIONS,POST,GET');
    assert.equal(res.headers.get('access-control-allow-headers'), 'Content-Type');
    // Other verbs of the resource are not defined: 403 as on AWS.
    assert.equal((await invoke(api.id!, 'DELETE', '/product')).status, 403);
  });

  test('"Enable CORS" creates what AWS\'s console creates, through the management API, and preflights and actual requests carry the headers', async () => {
    const api = await client.send(new AG.CreateRestApiCommand({ name: 'cors' }));
    const id = api.id!;
    const items = await client.send(new AG.CreateResourceCommand({ restApiId: id, parentId: api.rootResourceId!, pathPart: 'items' }));
    const at = { restApiId: id, resourceId: items.id! };
    // GET: a MOCK with 200 responses; POST: a MOCK without any response yet; a proxy under /items/{proxy+} is left alone.
    await client.send(new AG.PutMethodCommand({ ...at, httpMethod: 'GET', authorizationType: 'NONE', apiKeyRequired: true }));
    await client.send(new AG.PutMethodResponseCommand({ ...at, httpMethod: 'GET', statusCode: '200', responseParameters: { 'method.response.header.X-Count': false } }));
    await client.send(new AG.PutIntegrationCommand({ ...at, httpMethod: 'GET', type: 'MOCK', requestTemplates: { 'application/json': '{"statusCode": 200}' } }));
    await client.send(new AG.PutIntegrationResponseCommand({ ...at, httpMethod: 'GET', statusCode: '200', selectionPattern: '', responseParameters: { 'method.response.header.X-Count': "'3'" }, responseTemplates: { 'application/json': '{"items": []}' } }));
    await client.send(new AG.PutMethodCommand({ ...at, httpMethod: 'POST', authorizationType: 'NONE' }));
    await client.send(new AG.PutIntegrationCommand({ ...at, httpMethod: 'POST', type: 'MOCK', requestTemplates: { 'application/json': '{"statusCode": 200}' } }));

    const resource = (await client.send(new AG.GetResourceCommand({ ...at, embed: ['methods'] }))) as CorsResource;
    const calls = enableCorsCalls(id, resource, { gatewayResponses: ['DEFAULT_4XX'] });
    assert.deepEqual(calls.map((c) => `${c.operation} ${String(c.input['httpMethod'] ?? c.input['responseType'])}`), [
      'PutMethod OPTIONS',
      'PutMethodResponse OPTIONS',
      'PutIntegration OPTIONS',
      'PutIntegrationResponse OPTIONS',
      'UpdateMethodResponse GET',
      'UpdateIntegrationResponse GET',
      'PutMethodResponse POST',
      'PutIntegrationResponse POST',
      'PutGatewayResponse DEFAULT_4XX',
    ]);
    await apply(calls);

    const cors = {
      'method.response.header.Access-Control-Allow-Headers': "'Content-Type,X-Amz-Date,Authorization,X-Api-Key,X-Amz-Security-Token'",
      'method.response.header.Access-Control-Allow-Methods': "'GET,OPTIONS,POST'",
      'method.response.header.Access-Control-Allow-Origin': "'*'",
    };
    const options = await client.send(new AG.GetMethodCommand({ ...at, httpMethod: 'OPTIONS' }));
    assert.equal(options.authorizationType, 'NONE');
    assert.equal(options.apiKeyRequired, false);
    assert.deepEqual(options.methodResponses, {
      '200': {
        statusCode: '200',
        responseParameters: {
          'method.response.header.Access-Control-Allow-Headers': false,
          'method.response.header.Access-Control-Allow-Methods': false,
          'method.response.header.Access-Control-Allow-Origin': false,
        },
        responseModels: { 'application/json': 'Empty' },
      },
    });
    const integration = options.methodIntegration!;
    assert.equal(integration.type, 'MOCK');
    assert.deepEqual(integration.requestTemplates, { 'application/json': '{"statusCode": 200}' });
    assert.equal(integration.passthroughBehavior, 'WHEN_NO_MATCH');
    assert.deepEqual(integration.integrationResponses, { '200': { statusCode: '200', responseParameters: cors } });

    const get = await client.send(new AG.GetMethodCommand({ ...at, httpMethod: 'GET' }));
    assert.deepEqual(get.methodResponses!['200']!.responseParameters, { 'method.response.header.X-Count': false, 'method.response.header.Access-Control-Allow-Origin': false });
    assert.deepEqual(get.methodIntegration!.integrationResponses!['200']!.responseParameters, { 'method.response.header.X-Count': "'3'", 'method.response.header.Access-Control-Allow-Origin': "'*'" });
    const post = await client.send(new AG.GetMethodCommand({ ...at, httpMethod: 'POST' }));
    assert.deepEqual(post.methodResponses!['200']!.responseParameters, { 'method.response.header.Access-Control-Allow-Origin': false });
    assert.deepEqual(post.methodIntegration!.integrationResponses!['200']!.responseParameters, { 'method.response.header.Access-Control-Allow-Origin': "'*'" });

    await client.send(new AG.CreateDeploymentCommand({ restApiId: id, stageName: 'prod' }));
    // The preflight needs no key (OPTIONS doesn't require one) and gets the three headers.
    const preflight = await invoke(id, 'OPTIONS', '/items', PREFLIGHT);
    assert.equal(preflight.status, 200, preflight.body);
    assert.equal(preflight.headers.get('access-control-allow-origin'), '*');
    assert.equal(preflight.headers.get('access-control-allow-methods'), 'GET,OPTIONS,POST');
    assert.equal(preflight.headers.get('access-control-allow-headers'), 'Content-Type,X-Amz-Date,Authorization,X-Api-Key,X-Amz-Security-Token');

    const posted = await invoke(id, 'POST', '/items', { origin: 'https://app.example', 'content-type': 'application/json' });
    assert.equal(posted.status, 200);
    assert.equal(posted.headers.get('access-control-allow-origin'), '*');

    // GET requires a key: its 403 comes from INVALID_API_KEY, which DEFAULT_4XX now gives the headers too.
    const refused = await invoke(id, 'GET', '/items', { origin: 'https://app.example' });
    assert.equal(refused.status, 403);
    assert.equal(refused.body, '{"message":"Forbidden"}');
    assert.equal(refused.headers.get('access-control-allow-origin'), '*');
    assert.equal(refused.headers.get('access-control-allow-methods'), 'GET,OPTIONS,POST');
    // And so does the 403 of a route that doesn't exist.
    const missing = await invoke(id, 'GET', '/nothing-here');
    assert.equal(missing.status, 403);
    assert.equal(missing.body, '{"message":"Missing Authentication Token"}');
    assert.equal(missing.headers.get('access-control-allow-origin'), '*');

    // Enabling again changes nothing it already did: the OPTIONS method is kept, mappings are replaced.
    const again = enableCorsCalls(id, (await client.send(new AG.GetResourceCommand({ ...at, embed: ['methods'] }))) as CorsResource, { methods: ['GET'], allowOrigin: 'https://app.example' });
    assert.ok(!again.some((c) => c.operation === 'PutMethod'));
    await apply(again);
    await client.send(new AG.CreateDeploymentCommand({ restApiId: id, stageName: 'prod' }));
    const narrowed = await invoke(id, 'OPTIONS', '/items', PREFLIGHT);
    assert.equal(narrowed.headers.get('access-control-allow-methods'), 'GET,OPTIONS');
    assert.equal(narrowed.headers.get('access-control-allow-origin'), 'https://app.example');
  });

  test('a proxy method is left alone (its backend answers CORS), and ANY allows every method', () => {
    const calls = enableCorsCalls('api', {
      id: 'res',
      resourceMethods: { ANY: { methodIntegration: { type: 'HTTP_PROXY' } } },
    });
    assert.deepEqual(calls.map((c) => c.operation), ['PutMethod', 'PutMethodResponse', 'PutIntegration', 'PutIntegrationResponse']);
    const mapped = calls[3]!.input['responseParameters'] as Record<string, string>;
    assert.equal(mapped['method.response.header.Access-Control-Allow-Methods'], "'DELETE,GET,HEAD,OPTIONS,PATCH,POST,PUT'");
  });
});
