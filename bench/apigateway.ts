/**
 * API Gateway suite: what the KinesisProxy API costs on top of calling Kinesis
 * directly, in the same Sluice process and the same run.
 *   1. PUT /streams/{name}/records with 500 records (mapping template with
 *      #foreach + base64) vs a direct PutRecords of the same 500 records.
 *      Target: ≥ 50% of direct throughput.
 *   2. PUT /streams/{name}/record p50 latency vs a direct PutRecord.
 *      Target: within 0.3 ms.
 * Sequential requests over one keep-alive connection each. Bounded: stops by
 * itself in well under a minute (BENCH_APIGW_MEASURE_MS per measurement).
 */
import { Pool } from 'undici';
import { startSluice } from '../src/server/app.js';
import { defaultConfig } from '../src/server/config.js';
import { fmtNumber, percentile, perSecond } from './lib/stats.js';
import { bullet, markdownTable } from './lib/table.js';

const MEASURE_MS = Number(process.env['BENCH_APIGW_MEASURE_MS'] ?? 3000);
const WARMUP_MS = Math.min(1000, MEASURE_MS / 3);
const BATCH = 500;
const RECORD_BYTES = 100;
const STREAM = 'bench-apigw';

const log = (line: string): void => {
  process.stderr.write(`[apigateway] ${line}\n`);
};

interface Endpoint {
  readonly pool: Pool;
  readonly path: string;
  readonly headers: Record<string, string>;
}

async function send(e: Endpoint, method: 'PUT' | 'POST', body: string): Promise<string> {
  const res = await e.pool.request({ method, path: e.path, headers: e.headers, body });
  const text = await res.body.text();
  if (res.statusCode !== 200 || text.includes('__type')) throw new Error(`${method} ${e.path}: ${res.statusCode} ${text.slice(0, 300)}`);
  return text;
}

/** Sequential calls for `ms`; returns per-call latencies. */
async function loop(ms: number, call: () => Promise<unknown>): Promise<{ latencies: number[]; elapsed: number }> {
  const latencies: number[] = [];
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    const t = performance.now();
    await call();
    now = performance.now();
    latencies.push(now - t);
  }
  return { latencies, elapsed: now - start };
}

export async function run(): Promise<string> {
  const sluice = await startSluice({ ...defaultConfig, port: 0, dataDir: undefined, createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0, apis: [] });
  try {
    const api = sluice.deployedApis().find((a) => a.name === 'KinesisProxy');
    if (!api) throw new Error('the bundled KinesisProxy example is not deployed');
    const invokePath = new URL(api.invokeUrl).pathname;
    const origin = sluice.url;
    const pools = [new Pool(origin, { connections: 1, pipelining: 1 }), new Pool(origin, { connections: 1, pipelining: 1 })];
    const kinesis = (action: string): Endpoint => ({
      pool: pools[0]!,
      path: '/',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `Kinesis_20131202.${action}` },
    });
    const gateway = (path: string): Endpoint => ({ pool: pools[1]!, path: `${invokePath}${path}`, headers: { 'content-type': 'application/json' } });

    await send(kinesis('CreateStream'), 'POST', JSON.stringify({ StreamName: STREAM, ShardCount: 4 }));

    const payload = (i: number): string => `r${i}-`.padEnd(RECORD_BYTES, 'x');
    const proxyBatch = JSON.stringify({ records: Array.from({ length: BATCH }, (_, i) => ({ data: payload(i), 'partition-key': `pk-${i}` })) });
    const directBatch = JSON.stringify({
      StreamName: STREAM,
      Records: Array.from({ length: BATCH }, (_, i) => ({ Data: Buffer.from(payload(i)).toString('base64'), PartitionKey: `pk-${i}` })),
    });
    const proxyOne = JSON.stringify({ Data: payload(0), PartitionKey: 'pk-one' });
    const directOne = JSON.stringify({ StreamName: STREAM, Data: Buffer.from(JSON.stringify(payload(0))).toString('base64'), PartitionKey: 'pk-one' });

    const directRecords = (): Promise<string> => send(kinesis('PutRecords'), 'POST', directBatch);
    const proxyRecords = (): Promise<string> => send(gateway(`/streams/${STREAM}/records`), 'PUT', proxyBatch);
    const directRecord = (): Promise<string> => send(kinesis('PutRecord'), 'POST', directOne);
    const proxyRecord = (): Promise<string> => send(gateway(`/streams/${STREAM}/record`), 'PUT', proxyOne);

    // Check the two paths store the same thing before timing them.
    const check = JSON.parse(await proxyRecords()) as { FailedRecordCount: number };
    if (check.FailedRecordCount !== 0) throw new Error('PutRecords through the gateway failed records');

    log('warming up');
    for (const f of [directRecords, proxyRecords, directRecord, proxyRecord]) await loop(WARMUP_MS / 2, f);

    // Halves interleaved (direct, proxy, direct, proxy) so drift hits both sides alike.
    const measure = async (a: () => Promise<string>, b: () => Promise<string>): Promise<[number[], number, number[], number]> => {
      const la: number[] = [];
      const lb: number[] = [];
      let ea = 0;
      let eb = 0;
      for (let half = 0; half < 2; half++) {
        const ra = await loop(MEASURE_MS / 2, a);
        la.push(...ra.latencies);
        ea += ra.elapsed;
        const rb = await loop(MEASURE_MS / 2, b);
        lb.push(...rb.latencies);
        eb += rb.elapsed;
      }
      return [la, ea, lb, eb];
    };

    log('PutRecords 500 direct vs through KinesisProxy');
    const [dl, de, pl, pe] = await measure(directRecords, proxyRecords);
    const directRps = perSecond(dl.length * BATCH, de);
    const proxyRps = perSecond(pl.length * BATCH, pe);

    log('PutRecord latency direct vs through KinesisProxy');
    const [d1, , p1] = await measure(directRecord, proxyRecord);
    const d50 = percentile(d1, 50);
    const p50 = percentile(p1, 50);
    const d99 = percentile(d1, 99);
    const p99 = percentile(p1, 99);

    for (const p of pools) await p.close();

    const ratio = proxyRps / directRps;
    const delta = p50 - d50;
    const table = markdownTable(
      ['Workload', 'Direct Kinesis', 'Through KinesisProxy', 'Result', 'Target'],
      [
        [`PutRecords ${BATCH} × ${RECORD_BYTES} B, sequential (records/s)`, fmtNumber(directRps), fmtNumber(proxyRps), `${(ratio * 100).toFixed(0)}% of direct`, '≥ 50% ' + (ratio >= 0.5 ? '✅' : '❌')],
        ['PutRecord sequential, p50 latency (ms)', d50.toFixed(3), p50.toFixed(3), `+${delta.toFixed(3)} ms`, '≤ +0.3 ms ' + (delta <= 0.3 ? '✅' : '❌')],
        ['PutRecord sequential, p99 latency (ms)', d99.toFixed(3), p99.toFixed(3), `+${(p99 - d99).toFixed(3)} ms`, '—'],
      ],
      ['l', 'r', 'r', 'r', 'l'],
    );
    return [
      '## apigateway',
      '',
      'The bundled KinesisProxy API against direct Kinesis calls in the same Sluice process (in memory), same records, one keep-alive HTTP/1.1 connection each, sequential.',
      '',
      table,
      '',
      bullet([
        `Measured ${MEASURE_MS} ms per side per workload, in two interleaved halves, after ${WARMUP_MS} ms of warm-up.`,
        `Samples: PutRecords ${dl.length} direct / ${pl.length} proxied; PutRecord ${d1.length} direct / ${p1.length} proxied.`,
        'The proxied path adds routing, the mapping template (#foreach + $util.base64Encode per record), an in-process dispatch to Kinesis, integration response selection and the execution log.',
      ]),
      '',
    ].join('\n');
  } finally {
    await sluice.close();
  }
}
