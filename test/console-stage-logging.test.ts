/**
 * The console's stage "Logs and tracing" patches (src/console/web/src/lib/stage-logging.ts) against
 * a real Sluice's UpdateStage: only changed paths are sent, each example format is accepted as is,
 * turning access logging off removes it, and what AWS refuses is caught before sending.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Sluice } from '../src/server/app.js';
import type { Stage } from '../src/console/web/src/clients/apigateway-types.js';
import { ACCESS_LOG_FORMATS, accessLogDraft, accessLogPatch, accessLogProblems, stageLogging, stageLoggingPatch } from '../src/console/web/src/lib/stage-logging.js';
import { setCloudWatchRole } from './helpers/cloudwatch-role.js';
import { startTestSluice } from './helpers/sluice.js';

let sluice: Sluice;
let stagePath: string;

async function call<T = any>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(sluice.url + path, { method, headers: { 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const text = await res.text();
  assert.ok(res.status < 300, `${method} ${path} → ${res.status} ${text}`);
  return JSON.parse(text) as T;
}

before(async () => {
  sluice = await startTestSluice();
  const apiId = (await call<{ id: string }>('POST', '/restapis', { name: 'logged' })).id;
  const root = (await call<{ item: { id: string }[] }>('GET', `/restapis/${apiId}/resources`)).item[0]!;
  await call('PUT', `/restapis/${apiId}/resources/${root.id}/methods/GET`, { authorizationType: 'NONE' });
  await call('PUT', `/restapis/${apiId}/resources/${root.id}/methods/GET/integration`, { type: 'MOCK', requestTemplates: { 'application/json': '{"statusCode": 200}' } });
  await call('POST', `/restapis/${apiId}/deployments`, { stageName: 'dev' });
  stagePath = `/restapis/${apiId}/stages/dev`;
  // Stages may log once the account has its CloudWatch role, as on AWS.
  await setCloudWatchRole(sluice.url);
});

after(async () => {
  await sluice.close();
});

describe('stage logging patches', () => {
  it('sets and clears the CloudWatch settings of every method, sending only what changed', async () => {
    let stage = await call<Stage>('GET', stagePath);
    const before = stageLogging(stage);
    assert.deepEqual(before, { logLevel: 'OFF', dataTrace: false, detailedMetrics: false, tracing: false });
    const ops = stageLoggingPatch(before, { ...before, logLevel: 'ERROR', dataTrace: true, detailedMetrics: true });
    assert.deepEqual(ops.map((o) => o.path), ['/*/*/logging/loglevel', '/*/*/logging/dataTrace', '/*/*/metrics/enabled']);
    stage = await call<Stage>('PATCH', stagePath, { patchOperations: ops });
    assert.deepEqual(stageLogging(stage), { logLevel: 'ERROR', dataTrace: true, detailedMetrics: true, tracing: false });
    stage = await call<Stage>('PATCH', stagePath, { patchOperations: stageLoggingPatch(stageLogging(stage), { ...stageLogging(stage), logLevel: 'OFF', tracing: true }) });
    assert.deepEqual(stageLogging(stage), { logLevel: 'OFF', dataTrace: true, detailedMetrics: true, tracing: true });
  });

  it('saves each example access log format as is, replaces one by another and removes the settings', async () => {
    const destinationArn = 'arn:aws:logs:us-east-1:000000000000:log-group:access';
    for (const { format } of ACCESS_LOG_FORMATS) {
      assert.doesNotMatch(format, /\n/);
      const stage = await call<Stage>('GET', stagePath);
      const draft = { enabled: true, destinationArn, format };
      assert.deepEqual(accessLogProblems(draft), []);
      const saved = await call<Stage>('PATCH', stagePath, { patchOperations: accessLogPatch(stage, draft) });
      assert.deepEqual(saved.accessLogSettings, { destinationArn, format });
      assert.deepEqual(accessLogPatch(saved, accessLogDraft(saved)), [], 'nothing left to send');
    }
    const stage = await call<Stage>('GET', stagePath);
    const off = accessLogPatch(stage, { ...accessLogDraft(stage), enabled: false });
    assert.deepEqual(off, [{ op: 'remove', path: '/accessLogSettings' }]);
    assert.equal((await call<Stage>('PATCH', stagePath, { patchOperations: off })).accessLogSettings, undefined);
  });

  it('says what UpdateStage would refuse before anything is sent, in its words', async () => {
    const ok = { enabled: true, destinationArn: 'arn:aws:firehose:us-east-1:000000000000:deliverystream/amazon-apigateway-logs', format: '$context.extendedRequestId' };
    assert.deepEqual(accessLogProblems(ok), []);
    assert.deepEqual(accessLogProblems({ ...ok, format: '$context.requestId\n' }), [], 'a newline at the end is allowed');
    assert.deepEqual(accessLogProblems({ enabled: false, destinationArn: '', format: '' }), []);
    const refused = [
      { ...ok, destinationArn: 'arn:aws:firehose:us-east-1:000000000000:deliverystream/logs' },
      { ...ok, destinationArn: 'arn:aws:logs:us-east-1:000000000000:log-group:access:*' },
      { ...ok, destinationArn: 'log-group' },
      { ...ok, format: '$context.status' },
      { ...ok, format: '$context.requestId\n$context.status' },
    ];
    const stage = await call<Stage>('GET', stagePath);
    for (const draft of refused) {
      const problems = accessLogProblems(draft);
      assert.equal(problems.length, 1, JSON.stringify(draft));
      // The server refuses the same draft with the same message.
      const res = await fetch(sluice.url + stagePath, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ patchOperations: accessLogPatch(stage, draft) }) });
      assert.equal(res.status, 400);
      assert.equal(((await res.json()) as { message: string }).message, problems[0]);
    }
    assert.match(accessLogProblems({ ...ok, format: '$context.status' }).join(), /must include either \$context\.requestId or \$context\.extendedRequestId/);
    assert.match(accessLogProblems({ ...ok, format: '$context.requestId\n$context.status' }).join(), /must be single line/);
  });
});
