/**
 * Hostile mapping templates through a real server: the invoke answers AWS's 500, the execution
 * log (TestInvokeMethod's too) names the budget that ran out, and other clients are served
 * while the template runs. A large legitimate template still gets through.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { APIGatewayClient, GetResourcesCommand, TestInvokeMethodCommand } from '@aws-sdk/client-api-gateway';
import type { Sluice } from '../src/server/app.js';
import { startTestSluice, testCredentials } from './helpers/sluice.js';

const NESTED_LOOPS = '#foreach($i in [1..1000])#foreach($j in [1..1000])#foreach($k in [1..1000])#end#end#end';
const RANGE_IN_LOOP = '#foreach($i in [1..1000])#set($x = [1..10000000])#end';
const LARGE_TRANSFORM = `{"out": [
#foreach($item in $input.path('$.items'))
  {"id": $item.id, "name": "$item.name", "text": "$item.text"}#if($foreach.hasNext),#end
#end
]}`;

/** YAML with each template as a JSON string (valid YAML, no quoting surprises). */
function definition(backend: string): string {
  const mock = (requestTemplate: string, responseTemplate: string): string => `
      responses: { '200': { description: ok } }
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates: { application/json: ${JSON.stringify(requestTemplate)} }
        responses: { default: { statusCode: '200', responseTemplates: { application/json: ${JSON.stringify(responseTemplate)} } } }`;
  return `
openapi: 3.0.1
info: { title: Budgets, version: '1' }
paths:
  /loops:
    get:${mock(NESTED_LOOPS, '{"unreachable": true}')}
  /ranges:
    get:${mock('{"statusCode": 200}', RANGE_IN_LOOP)}
  /cheap:
    get:${mock('{"statusCode": 200}', '{"cheap": true}')}
  /large:
    post:
      responses: { '200': { description: ok } }
      x-amazon-apigateway-integration:
        type: http
        uri: ${backend}/echo
        httpMethod: POST
        requestTemplates: { application/json: ${JSON.stringify(LARGE_TRANSFORM)} }
        responses: { default: { statusCode: '200' } }
`;
}

describe('mapping template budgets through the gateway', () => {
  let sluice: Sluice;
  let backend: http.Server;
  let client: APIGatewayClient;
  let apiId: string;
  let base: string;

  before(async () => {
    backend = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        res.setHeader('content-type', 'application/json');
        res.end(Buffer.concat(chunks));
      });
    });
    await new Promise<void>((r) => backend.listen(0, '127.0.0.1', r));
    sluice = await startTestSluice({ iam: 'off' });
    const deployed = await sluice.apiGateway.deployDefinition(definition(`http://127.0.0.1:${(backend.address() as AddressInfo).port}`), 'prod');
    apiId = deployed.id;
    base = `${sluice.url}/restapis/${apiId}/prod/_user_request_`;
    client = new APIGatewayClient({ endpoint: sluice.url, region: 'us-east-1', credentials: testCredentials });
  });
  after(async () => {
    client?.destroy();
    await sluice?.close();
    backend?.close();
  });

  async function timed(url: string, init: RequestInit = {}): Promise<{ status: number; text: string; ms: number }> {
    const started = performance.now();
    const res = await fetch(url, init);
    const text = await res.text();
    return { status: res.status, text, ms: performance.now() - started };
  }

  /** Calls `probe` every 20 ms until `work` settles; returns the slowest probe's time. */
  async function slowestProbeWhile(work: Promise<unknown>, probe: () => Promise<{ status: number; ms: number }>): Promise<{ slowestMs: number; probes: number }> {
    let done = false;
    void work.finally(() => (done = true)).catch(() => {});
    let slowestMs = 0;
    let probes = 0;
    while (!done) {
      const p = await probe();
      assert.equal(p.status, 200);
      slowestMs = Math.max(slowestMs, p.ms);
      probes++;
      await new Promise((r) => setTimeout(r, 20));
    }
    return { slowestMs, probes };
  }

  test('a request template that loops 10^9 times: 500 Internal server error, while other clients are served', async (t) => {
    const attack = timed(`${base}/loops`);
    const health = await slowestProbeWhile(attack, () => timed(`${sluice.url}/_sluice/health`));
    const r = await attack;
    t.diagnostic(`nested loops refused in ${r.ms.toFixed(0)} ms; slowest of ${health.probes} health checks meanwhile: ${health.slowestMs.toFixed(0)} ms`);
    assert.equal(r.status, 500);
    assert.equal(r.text, '{"message": "Internal server error"}');
    assert.ok(health.probes >= 1);
    assert.ok(health.slowestMs < 1000, `health answered in ${health.slowestMs} ms`);
    const logged = sluice.apiGateway.executionLogs({ apiId, limit: 5 }).find((l) => l.resourcePath === '/loops');
    assert.match(logged!.log, /Execution failed due to configuration error: Unable to transform request: Mapping template exceeded its budget of 10000000 steps \(template line 1, column \d+\)\n/);
  });

  test('a response template building ranges of 10^7: 500, and a cheap method answers meanwhile', async (t) => {
    const attack = timed(`${base}/ranges`);
    const cheap = await slowestProbeWhile(attack, () => timed(`${base}/cheap`));
    const r = await attack;
    t.diagnostic(`range bomb refused in ${r.ms.toFixed(0)} ms; slowest cheap call meanwhile: ${cheap.slowestMs.toFixed(0)} ms`);
    assert.equal(r.status, 500);
    assert.equal(r.text, '{"message": "Internal server error"}');
    assert.ok(cheap.slowestMs < 1000);
    const logged = sluice.apiGateway.executionLogs({ apiId, limit: 5 }).find((l) => l.resourcePath === '/ranges');
    assert.match(logged!.log, /Execution failed due to configuration error: Unable to transform response: Mapping template created more than its budget of 1000000 list and map elements/);
  });

  test("TestInvokeMethod's log names the limit", async () => {
    const resources = (await client.send(new GetResourcesCommand({ restApiId: apiId }))).items!;
    const loops = resources.find((r) => r.path === '/loops')!;
    const tested = await client.send(new TestInvokeMethodCommand({ restApiId: apiId, resourceId: loops.id!, httpMethod: 'GET' }));
    assert.equal(tested.status, 500);
    assert.equal(tested.body, '{"message": "Internal server error"}');
    assert.match(tested.log!, /: Execution failed due to configuration error: Unable to transform request: Mapping template exceeded its budget of 10000000 steps/);
    assert.match(tested.log!, /Method completed with status: 500/);
  });

  test('a flood of hostile requests gets 500s (429s once the renderers are full), and the server keeps answering', async (t) => {
    const started = performance.now();
    const flood = Promise.all(Array.from({ length: 30 }, () => timed(`${base}/loops`)));
    const health = await slowestProbeWhile(flood, () => timed(`${sluice.url}/_sluice/health`));
    const answers = await flood;
    const statuses = answers.map((a) => a.status);
    t.diagnostic(`30 concurrent attacks answered in ${(performance.now() - started).toFixed(0)} ms (${statuses.filter((s) => s === 500).length} × 500, ${statuses.filter((s) => s === 429).length} × 429); slowest health check ${health.slowestMs.toFixed(0)} ms`);
    for (const a of answers) {
      assert.ok(a.status === 500 || a.status === 429, `status ${a.status}`);
      if (a.status === 429) assert.equal(a.text, '{"message":"Too Many Requests"}');
    }
    assert.ok(statuses.includes(500));
    assert.ok(health.slowestMs < 1000, `health answered in ${health.slowestMs} ms`);
    assert.equal((await timed(`${base}/cheap`)).text, '{"cheap": true}');
  });

  test('a large legitimate template (1000 items of a 1 MB body) gets through intact', async () => {
    const items = Array.from({ length: 1000 }, (_, i) => ({ id: i, name: `item-${i}`, text: 'lorem ipsum '.repeat(85) }));
    const body = JSON.stringify({ items });
    const r = await timed(`${base}/large`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    assert.equal(r.status, 200);
    assert.ok(r.text.length > 1_000_000);
    assert.deepEqual(JSON.parse(r.text), { out: items });
  });
});
