/**
 * `GET /_sluice/metrics`: Prometheus text with CloudWatch's Kinesis and API
 * Gateway metrics, scraped after a known workload and checked for exact
 * counts; shard-level metrics once enhanced monitoring is enabled.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as K from '@aws-sdk/client-kinesis';
import type { Sluice } from '../src/server/app.js';
import { startTestSluice } from './helpers/sluice.js';

let sluice: Sluice;
let kinesis: K.KinesisClient;

async function scrape(): Promise<Map<string, number>> {
  const res = await fetch(`${sluice.url}/_sluice/metrics`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/plain/);
  const series = new Map<string, number>();
  for (const line of (await res.text()).split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    series.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return series;
}

before(async () => {
  sluice = await startTestSluice();
  kinesis = new K.KinesisClient({ endpoint: sluice.url, region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
  await kinesis.send(new K.CreateStreamCommand({ StreamName: 'm', ShardCount: 2 }));
});

after(async () => {
  kinesis.destroy();
  await sluice.close();
});

describe('/_sluice/metrics', () => {
  it('counts what was put and read, by stream, as CloudWatch does', async () => {
    for (let i = 0; i < 3; i++) await kinesis.send(new K.PutRecordCommand({ StreamName: 'm', PartitionKey: `k${i}`, Data: Buffer.from('12345') }));
    await kinesis.send(new K.PutRecordsCommand({ StreamName: 'm', Records: Array.from({ length: 10 }, (_, i) => ({ PartitionKey: `p${i}`, Data: Buffer.from('abcdefghij') })) }));
    let read = 0;
    for (const { ShardId } of (await kinesis.send(new K.ListShardsCommand({ StreamName: 'm' }))).Shards!) {
      const it = await kinesis.send(new K.GetShardIteratorCommand({ StreamName: 'm', ShardId, ShardIteratorType: 'TRIM_HORIZON' }));
      read += (await kinesis.send(new K.GetRecordsCommand({ ShardIterator: it.ShardIterator }))).Records!.length;
    }
    assert.equal(read, 13);
    const m = await scrape();
    const s = '{StreamName="m"}';
    assert.equal(m.get(`kinesis_IncomingRecords${s}`), 13);
    // Bytes: data plus partition key, as CloudWatch counts them.
    assert.equal(m.get(`kinesis_IncomingBytes${s}`), 3 * (5 + 2) + 10 * (10 + 2));
    assert.equal(m.get(`kinesis_PutRecord_Success${s}`), 3);
    assert.equal(m.get(`kinesis_PutRecord_Latency_count${s}`), 3);
    assert.equal(m.get(`kinesis_PutRecords_Success${s}`), 1);
    assert.equal(m.get(`kinesis_PutRecords_TotalRecords${s}`), 10);
    assert.equal(m.get(`kinesis_PutRecords_SuccessfulRecords${s}`), 10);
    assert.equal(m.get(`kinesis_GetRecords_Success${s}`), 2);
    assert.equal(m.get(`kinesis_GetRecords_Records${s}`), 13);
    assert.equal(m.get(`kinesis_GetRecords_Bytes${s}`), 3 * 5 + 10 * 10);
    assert.equal(m.get(`kinesis_OutgoingRecords${s}`), 13);
    assert.ok(m.has('process_cpu_user_seconds_total'), 'process metrics');
    assert.ok(![...m.keys()].some((k) => k.startsWith('kinesis_shard_')), 'no shard-level metrics without enhanced monitoring');
  });

  it('adds shard-level metrics for the metrics enhanced monitoring enables', async () => {
    await kinesis.send(new K.EnableEnhancedMonitoringCommand({ StreamName: 'm', ShardLevelMetrics: ['IncomingRecords'] }));
    const put = await kinesis.send(new K.PutRecordCommand({ StreamName: 'm', PartitionKey: 'x', Data: Buffer.from('y') }));
    const m = await scrape();
    assert.equal(m.get(`kinesis_shard_IncomingRecords{StreamName="m",ShardId="${put.ShardId}"}`), 1);
    assert.ok(![...m.keys()].some((k) => k.startsWith('kinesis_shard_IncomingBytes')));
  });

  it("counts API Gateway requests per API and stage, with 4XX and 5XX", async () => {
    const [api] = sluice.deployedApis();
    await (await fetch(`${api!.invokeUrl}/streams`)).arrayBuffer();
    await (await fetch(`${api!.invokeUrl}/streams/m/record`, { method: 'PUT', headers: { 'content-type': 'text/plain' }, body: 'x' })).arrayBuffer();
    const m = await scrape();
    const l = `{ApiName="KinesisProxy",Stage="${api!.stage}"}`;
    assert.equal(m.get(`apigateway_Count${l}`), 2);
    assert.equal(m.get(`apigateway_4XXError${l}`), 1);
    assert.equal(m.get(`apigateway_Latency_count${l}`), 2);
    assert.equal(m.get(`apigateway_IntegrationLatency_count${l}`), 1);
  });
});
