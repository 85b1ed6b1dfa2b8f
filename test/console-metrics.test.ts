/**
 * The console's Monitoring tabs, without a browser: the Prometheus text parser (against Sluice's
 * own /_sluice/metrics and odd input) and the arithmetic that turns cumulative scrapes into
 * CloudWatch-style Sum, Average and Maximum data points.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as K from '@aws-sdk/client-kinesis';
import type { Sluice } from '../src/server/app.js';
import { STREAM_CHARTS } from '../src/console/web/src/lib/metric-catalog.js';
import { series, snapshotOf, latestTotal, type Snapshot } from '../src/console/web/src/lib/metric-series.js';
import { parsePrometheusText, parseSampleLine } from '../src/console/web/src/lib/prometheus.js';
import { startTestSluice, testCredentials } from './helpers/sluice.js';

describe('Prometheus text parser', () => {
  it('reads names, labels with escapes, special values and timestamps', () => {
    const { samples, types, skipped } = parsePrometheusText(
      [
        '# HELP x_total A counter',
        '# TYPE x_total counter',
        'x_total{a="1",b="q\\"uote\\\\slash\\nline"} 42',
        'x_total{a="2",} 1.5e3 1700000000000',
        'plain 7',
        'up{ job = "x" } +Inf',
        'down -Inf',
        'nan NaN',
        'lag_mean Nan',
        '  ',
        'broken{a="1"',
        'novalue{a="1"}',
        '3bad 1',
        'x_total{a="1"} notanumber',
      ].join('\n'),
    );
    assert.equal(types.get('x_total'), 'counter');
    assert.deepEqual(samples[0], { name: 'x_total', labels: { a: '1', b: 'q"uote\\slash\nline' }, value: 42 });
    assert.deepEqual(samples[1], { name: 'x_total', labels: { a: '2' }, value: 1500 });
    assert.deepEqual(samples[2], { name: 'plain', labels: {}, value: 7 });
    assert.equal(samples[3]!.value, Infinity);
    assert.deepEqual(samples[3]!.labels, { job: 'x' });
    assert.equal(samples[4]!.value, -Infinity);
    assert.ok(Number.isNaN(samples[5]!.value));
    assert.ok(Number.isNaN(samples[6]!.value), 'prom-client writes NaN as Nan');
    assert.equal(samples.length, 7);
    assert.equal(skipped, 4);
  });

  it('keeps commas, braces and spaces inside label values', () => {
    assert.deepEqual(parseSampleLine('m{path="/a,b {c} d"} 1'), { name: 'm', labels: { path: '/a,b {c} d' }, value: 1 });
  });
});

const snap = (t: number, text: string): Snapshot => snapshotOf(t, parsePrometheusText(text).samples);
const opts = { periodMs: 0, maxIntervalMs: 15_000 };
const S = { StreamName: 's' };

describe('data points from cumulative scrapes', () => {
  it('Sum: the increase per interval; a series appearing counts from zero; a drop is a restart', () => {
    const snaps = [
      snap(0, 'kinesis_IncomingRecords{StreamName="other"} 5'),
      snap(5000, 'kinesis_IncomingRecords{StreamName="s"} 10'),
      snap(10000, 'kinesis_IncomingRecords{StreamName="s"} 10'),
      snap(15000, 'kinesis_IncomingRecords{StreamName="s"} 13'),
      snap(20000, 'kinesis_IncomingRecords{StreamName="s"} 2'),
    ];
    const points = series(snaps, { metric: 'kinesis_IncomingRecords', stat: 'Sum', labels: S }, opts);
    assert.deepEqual(points, [
      { t: 5000, value: 10 },
      { t: 10000, value: 0 },
      { t: 15000, value: 3 },
      { t: 20000, value: 2 },
    ]);
    assert.equal(latestTotal(snaps, 'kinesis_IncomingRecords', S), 2);
  });

  it('Sum adds series that differ in other labels (consumers of a stream)', () => {
    const snaps = [
      snap(0, 'kinesis_SubscribeToShardEvent_Records{StreamName="s",ConsumerName="a"} 1'),
      snap(5000, 'kinesis_SubscribeToShardEvent_Records{StreamName="s",ConsumerName="a"} 4\nkinesis_SubscribeToShardEvent_Records{StreamName="s",ConsumerName="b"} 6'),
    ];
    assert.deepEqual(series(snaps, { metric: 'kinesis_SubscribeToShardEvent_Records', stat: 'Sum', labels: S }, opts), [{ t: 5000, value: 9 }]);
  });

  it('Average: the change of _sum over the change of _count; no requests, no data point', () => {
    const h = (sum: number, count: number): string => `apigateway_Latency_sum{ApiName="a",Stage="p"} ${sum}\napigateway_Latency_count{ApiName="a",Stage="p"} ${count}`;
    const snaps = [snap(0, h(10, 1)), snap(5000, h(40, 4)), snap(10000, h(40, 4))];
    const points = series(snaps, { metric: 'apigateway_Latency', stat: 'Average', labels: { ApiName: 'a', Stage: 'p' } }, opts);
    assert.deepEqual(points, [
      { t: 5000, value: 10 },
      { t: 10000, value: null },
    ]);
  });

  it('Maximum: the gauge at each scrape, the largest over its series', () => {
    const snaps = [snap(0, ''), snap(5000, 'kinesis_SubscribeToShardEvent_MillisBehindLatest{StreamName="s",ConsumerName="a"} 3\nkinesis_SubscribeToShardEvent_MillisBehindLatest{StreamName="s",ConsumerName="b"} 8')];
    assert.deepEqual(series(snaps, { metric: 'kinesis_SubscribeToShardEvent_MillisBehindLatest', stat: 'Maximum', labels: S }, opts), [{ t: 5000, value: 8 }]);
  });

  it('a pause in polling is a gap, not one long period', () => {
    const snaps = [snap(0, 'kinesis_IncomingRecords{StreamName="s"} 1'), snap(60_000, 'kinesis_IncomingRecords{StreamName="s"} 9'), snap(65_000, 'kinesis_IncomingRecords{StreamName="s"} 10')];
    assert.deepEqual(series(snaps, { metric: 'kinesis_IncomingRecords', stat: 'Sum', labels: S }, opts), [
      { t: 60_000, value: null },
      { t: 65_000, value: 1 },
    ]);
  });

  it('periods group scrape intervals by the clock, as CloudWatch periods', () => {
    const snaps = [0, 20, 40, 60, 80].map((s, i) => snap(s * 1000 + 1, `kinesis_IncomingRecords{StreamName="s"} ${i * 10}`));
    assert.deepEqual(series(snaps, { metric: 'kinesis_IncomingRecords', stat: 'Sum', labels: S }, { periodMs: 60_000, maxIntervalMs: 30_000 }), [
      { t: 0, value: 20 },
      { t: 60_000, value: 20 },
    ]);
  });
});

describe("the stream charts read Sluice's own metrics", () => {
  let sluice: Sluice;
  let kinesis: K.KinesisClient;
  before(async () => {
    sluice = await startTestSluice();
    kinesis = new K.KinesisClient({ endpoint: sluice.url, region: 'us-east-1', credentials: testCredentials });
    await kinesis.send(new K.CreateStreamCommand({ StreamName: 'charted', ShardCount: 1 }));
  });
  after(async () => {
    kinesis.destroy();
    await sluice.close();
  });

  it('every chart names a family /_sluice/metrics has, and a PutRecords of 7 is one data point of 7', async () => {
    const scrape = async (): Promise<Snapshot> => {
      const text = await (await fetch(`${sluice.url}/_sluice/metrics`)).text();
      const exposition = parsePrometheusText(text);
      const unread = text.split('\n').filter((l) => l.trim() !== '' && parsePrometheusText(l).skipped > 0);
      assert.deepEqual(unread, [], 'every line of Sluice’s exposition is read');
      assert.equal(exposition.skipped, 0);
      for (const c of STREAM_CHARTS) {
        assert.ok(exposition.types.has(c.metric), `${c.title}: ${c.metric} is exposed`);
      }
      return snapshotOf(Date.now(), exposition.samples);
    };
    const first = await scrape();
    await kinesis.send(new K.PutRecordsCommand({ StreamName: 'charted', Records: Array.from({ length: 7 }, (_, i) => ({ PartitionKey: `k${i}`, Data: Buffer.from('abc') })) }));
    const second = await scrape();
    const points = (metric: string, stat: 'Sum' | 'Average'): ReturnType<typeof series> =>
      series([first, second], { metric, stat, labels: { StreamName: 'charted' } }, { periodMs: 0, maxIntervalMs: 60_000 });
    assert.equal(points('kinesis_IncomingRecords', 'Sum')[0]!.value, 7);
    assert.equal(points('kinesis_PutRecords_TotalRecords', 'Sum')[0]!.value, 7);
    assert.equal(points('kinesis_IncomingBytes', 'Sum')[0]!.value, 7 * (3 + 2));
    const latency = points('kinesis_PutRecords_Latency', 'Average')[0]!.value;
    assert.ok(latency !== null && latency >= 0);
  });
});
