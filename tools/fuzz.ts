/**
 * `npm run fuzz -- --seed N --cases M [--url http://host:port]`: the fuzz run of
 * test/fuzz.test.ts, for as long as you like. Without --url it starts an
 * in-memory server of its own. Prints each failure and a summary; exits 1 on
 * any failure.
 */
import { parseArgs } from 'node:util';
import { startSluice } from '../src/server/app.js';
import { defaultConfig } from '../src/server/config.js';
import { ROUND_TRIP_STREAM, runFuzz } from '../test/fuzz/engine.js';

const { values } = parseArgs({
  options: { seed: { type: 'string', default: String(Date.now() % 1_000_000_000) }, cases: { type: 'string', default: '3000' }, url: { type: 'string' } },
});
const seed = Number(values.seed);
const cases = Number(values.cases);
if (!Number.isSafeInteger(seed) || !Number.isSafeInteger(cases) || cases < 1) {
  console.error('usage: npm run fuzz -- [--seed N] [--cases M] [--url http://host:port]');
  process.exit(2);
}

const own = values.url ? undefined : await startSluice({ ...defaultConfig, port: 0, dataDir: undefined, createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0 });
const url = values.url ?? own!.url;
try {
  for (const name of [ROUND_TRIP_STREAM, 'fuzz-a', 'fuzz-b']) {
    await fetch(`${url}/`, { method: 'POST', headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'Kinesis_20131202.CreateStream' }, body: JSON.stringify({ StreamName: name, ShardCount: 2 }) });
  }
  const health = (await (await fetch(`${url}/_sluice/health`)).json()) as { apis: Array<{ invokeUrl: string }> };
  const stageBase = new URL(health.apis[0]!.invokeUrl).pathname;
  console.error(`fuzz: seed ${seed}, ${cases} cases against ${url}`);
  const report = await runFuzz(url, { seed, cases, stageBase });
  for (const f of report.failures) console.log(`#${f.index} ${f.target} ${f.description}: ${f.problem}`);
  console.log(`fuzz: seed ${seed}: ${report.cases} cases in ${(report.ms / 1000).toFixed(1)} s, ${report.failures.length} failed; by target ${JSON.stringify(report.byTarget)}`);
  process.exitCode = report.failures.length > 0 ? 1 : 0;
} finally {
  await own?.close();
}
