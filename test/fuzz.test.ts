/**
 * The seeded fuzz run (issue 14): ~3,000 generated and broken requests across
 * Kinesis JSON and CBOR, IAM/STS Query, the management API, invoke URLs and
 * raw HTTP/1.1 and HTTP/2 framing, with a fixed seed so a failure replays.
 * Longer runs: `npm run fuzz -- --seed N --cases M`.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ROUND_TRIP_STREAM, runFuzz } from './fuzz/engine.js';
import { kinesisRaw, startTestSluice } from './helpers/sluice.js';

const SEED = 20261204;
const CASES = 3000;

test(`fuzz: ${CASES} cases, seed ${SEED}: every answer bounded and well-formed, the server keeps serving`, { timeout: 180_000 }, async () => {
  const sluice = await startTestSluice();
  try {
    for (const name of [ROUND_TRIP_STREAM, 'fuzz-a', 'fuzz-b']) await kinesisRaw(sluice.url, 'CreateStream', { StreamName: name, ShardCount: 2 });
    const stageBase = new URL(sluice.deployedApis()[0]!.invokeUrl).pathname;
    const report = await runFuzz(sluice.url, { seed: SEED, cases: CASES, stageBase });
    const shown = report.failures.slice(0, 20).map((f) => `#${f.index} ${f.target} ${f.description}: ${f.problem}`).join('\n');
    assert.equal(report.failures.length, 0, `${report.failures.length} of ${report.cases} cases failed (seed ${SEED}):\n${shown}`);
    assert.ok(Object.keys(report.byTarget).length >= 8, JSON.stringify(report.byTarget));
  } finally {
    await sluice.close();
  }
});
