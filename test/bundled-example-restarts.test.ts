/**
 * The bundled KinesisProxy API is imported once, on a fresh data dir; after
 * that it is the user's API: an edit made through the management API, the
 * resource ids, and a deployment of the user's own survive a restart. A data
 * dir first served with --auth off has the example's methods made AWS_IAM on
 * its first start with --auth sigv4 (once: the user may open them again).
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import * as AG from '@aws-sdk/client-api-gateway';
import type { Sluice } from '../src/server/app.js';
import { startTestSluice, tempDir, testCredentials } from './helpers/sluice.js';

const dir = tempDir();
after(() => dir.remove());

async function withServer<T>(auth: 'off' | 'sigv4', work: (s: Sluice, apig: AG.APIGatewayClient) => Promise<T>): Promise<T> {
  const s = await startTestSluice({ dataDir: dir.path, auth, rootAccessKeyId: testCredentials.accessKeyId, rootSecretAccessKey: testCredentials.secretAccessKey });
  const apig = new AG.APIGatewayClient({ endpoint: s.url, region: 'us-east-1', credentials: testCredentials, maxAttempts: 1 });
  try {
    return await work(s, apig);
  } finally {
    apig.destroy();
    await s.close();
  }
}

const kinesisProxy = async (apig: AG.APIGatewayClient): Promise<AG.RestApi> => (await apig.send(new AG.GetRestApisCommand({}))).items!.find((a) => a.name === 'KinesisProxy')!;

describe('the bundled KinesisProxy API across restarts', () => {
  let apiId = '';
  let resources: string[] = [];
  const edited = '{"StreamName": "$input.params(\'stream-name\')", "Edited": true}';

  it('is imported on a fresh data dir; the user edits it and deploys it to a stage of their own', async () => {
    await withServer('off', async (s, apig) => {
      const api = await kinesisProxy(apig);
      apiId = api.id!;
      const all = (await apig.send(new AG.GetResourcesCommand({ restApiId: apiId, limit: 500 }))).items!;
      resources = all.map((r) => `${r.id} ${r.path}`).sort();
      const streams = all.find((r) => r.path === '/streams/{stream-name}')!;
      await apig.send(new AG.UpdateIntegrationCommand({
        restApiId: apiId, resourceId: streams.id!, httpMethod: 'GET',
        patchOperations: [{ op: 'replace', path: '/requestTemplates/application~1json', value: edited }],
      }));
      await apig.send(new AG.CreateDeploymentCommand({ restApiId: apiId, stageName: 'mine', description: 'my own' }));
      assert.deepEqual(s.deployedApis().map((a) => a.stage).sort(), ['mine', 'test']);
    });
  });

  it('keeps the edit, the ids and the deployment after a restart', async () => {
    await withServer('off', async (s, apig) => {
      const api = await kinesisProxy(apig);
      assert.equal(api.id, apiId);
      const all = (await apig.send(new AG.GetResourcesCommand({ restApiId: apiId, limit: 500 }))).items!;
      assert.deepEqual(all.map((r) => `${r.id} ${r.path}`).sort(), resources);
      const streams = all.find((r) => r.path === '/streams/{stream-name}')!;
      const integration = await apig.send(new AG.GetIntegrationCommand({ restApiId: apiId, resourceId: streams.id!, httpMethod: 'GET' }));
      assert.equal(integration.requestTemplates!['application/json'], edited);
      const deployments = (await apig.send(new AG.GetDeploymentsCommand({ restApiId: apiId }))).items!;
      assert.ok(deployments.some((d) => d.description === 'my own'));
      assert.deepEqual(s.deployedApis().map((a) => a.stage).sort(), ['mine', 'test']);
    });
  });

  it('is made AWS_IAM on the first start with --auth sigv4, once', async () => {
    await withServer('sigv4', async (s, apig) => {
      for (const api of s.deployedApis()) assert.deepEqual(api.openMethods, []);
      const anonymous = await fetch(`${s.deployedApis()[0]!.invokeUrl}/streams`);
      assert.equal(anonymous.status, 403);
      // The user opens one method on purpose.
      const streams = (await apig.send(new AG.GetResourcesCommand({ restApiId: apiId, limit: 500 }))).items!.find((r) => r.path === '/streams')!;
      await apig.send(new AG.UpdateMethodCommand({ restApiId: apiId, resourceId: streams.id!, httpMethod: 'GET', patchOperations: [{ op: 'replace', path: '/authorizationType', value: 'NONE' }] }));
      await apig.send(new AG.CreateDeploymentCommand({ restApiId: apiId, stageName: 'test' }));
    });
    await withServer('sigv4', async (s) => {
      assert.deepEqual(s.deployedApis().find((a) => a.stage === 'test')!.openMethods, ['GET /streams']);
    });
  });

  it('stays deleted once the user deletes it', async () => {
    await withServer('off', async (_s, apig) => apig.send(new AG.DeleteRestApiCommand({ restApiId: apiId })));
    await withServer('off', async (s, apig) => {
      assert.equal(await kinesisProxy(apig), undefined);
      assert.deepEqual(s.deployedApis(), []);
    });
  });
});
