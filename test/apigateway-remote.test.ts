/**
 * With awsEndpoint set, AWS integrations leave the process: signed with SigV4
 * and sent over HTTP. Here one Sluice's KinesisProxy drives another Sluice's Kinesis.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { request } from 'undici';
import { startSluice, type Sluice } from '../src/server/app.js';
import { defaultConfig, type SluiceConfig } from '../src/server/config.js';

const base: SluiceConfig = { ...defaultConfig, port: 0, dataDir: undefined, createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0, apis: [] };
let backend: Sluice;
let front: Sluice;

before(async () => {
  backend = await startSluice(base);
  front = await startSluice({ ...base, awsEndpoint: backend.url });
});
after(async () => {
  await front?.close();
  await backend?.close();
});

test('KinesisProxy on one Sluice creates and writes streams on the remote one', async () => {
  const invoke = front.deployedApis().find((a) => a.name === 'KinesisProxy')!.invokeUrl;
  let res = await request(`${invoke}/streams/remote1`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"ShardCount": 1}' });
  assert.equal(res.statusCode, 200);
  assert.equal(await res.body.text(), '', 'CreateStream answers with an empty body');

  res = await request(`${invoke}/streams/remote1/record`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"Data":"x","PartitionKey":"k"}' });
  const put = (await res.body.json()) as { ShardId?: string };
  assert.equal(put.ShardId, 'shardId-000000000000', JSON.stringify(put));

  // The stream exists on the backend, not on the front.
  const list = async (s: Sluice): Promise<string[]> => {
    const r = await request(`${s.url}/`, { method: 'POST', headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'Kinesis_20131202.ListStreams' }, body: '{}' });
    return ((await r.body.json()) as { StreamNames: string[] }).StreamNames;
  };
  assert.deepEqual(await list(backend), ['remote1']);
  assert.deepEqual(await list(front), []);
});
