/**
 * Replays responses recorded on real API Gateway (test/conformance/apigateway-recordings,
 * see its README) against Sluice and compares them field for field, with the
 * recordings' own normalisation: ids, names and dates stand as placeholders
 * (`<id:1>`, `datetime`) that must bind to one value each, consistently.
 *
 * Every recording must match except those known-differences.json lists, each
 * with the reason; a listed recording that starts matching fails the test too,
 * so the list stays the exact set of differences.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import type { Sluice } from '../src/server/app.js';
import { awsEnv, repoRoot, startTestSluice } from './helpers/sluice.js';

const run = promisify(execFile);
const DIR = join(repoRoot, 'test/conformance/apigateway-recordings');

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
interface Recorded {
  readonly [test: string]: { readonly 'recorded-content': Record<string, Json> };
}
interface Replayed {
  readonly [test: string]: { results: Record<string, Json>; setupErrors: unknown[] };
}

/** Placeholders the recordings' transformers left: labelled values (`<id:1>`) and a few named ones. */
const PLACEHOLDER = /<([a-z][a-z-]*:\d+|upper-id|latency|log-group-arn|region|request-id-\d+)>/g;
const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

class Bindings {
  private readonly byLabel = new Map<string, string>();
  private readonly byValue = new Map<string, string>();

  /** Whether `actual` fits `expected`, binding its placeholders (each label to one value, each value to one label). */
  matchString(expected: string, actual: string): boolean {
    const labels: string[] = [];
    let pattern = '';
    let last = 0;
    for (const m of expected.matchAll(PLACEHOLDER)) {
      pattern += escape(expected.slice(last, m.index));
      const label = m[1]!;
      const bound = this.byLabel.get(label);
      if (bound !== undefined) pattern += escape(bound);
      else if (labels.includes(label)) pattern += `\\k<g${labels.indexOf(label)}>`;
      else {
        pattern += `(?<g${labels.length}>.+?)`;
        labels.push(label);
      }
      last = m.index! + m[0].length;
    }
    pattern += escape(expected.slice(last));
    const m = new RegExp(`^${pattern}$`, 's').exec(actual);
    if (!m) return false;
    for (let i = 0; i < labels.length; i++) {
      const value = m.groups![`g${i}`]!;
      const other = this.byValue.get(value);
      if (other !== undefined && other !== labels[i]) return false;
      this.byLabel.set(labels[i]!, value);
      this.byValue.set(value, labels[i]!);
    }
    return true;
  }
}

function diff(expected: Json, actual: Json, b: Bindings, path: string, out: string[]): void {
  if (typeof expected === 'string' && typeof actual === 'string') {
    if (!b.matchString(expected, actual)) out.push(`${path}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
    return;
  }
  if (Array.isArray(expected) && Array.isArray(actual)) {
    if (expected.length !== actual.length) out.push(`${path}: expected ${expected.length} items, got ${actual.length}: ${JSON.stringify(actual).slice(0, 300)}`);
    for (let i = 0; i < Math.min(expected.length, actual.length); i++) diff(expected[i]!, actual[i]!, b, `${path}[${i}]`, out);
    return;
  }
  if (expected && actual && typeof expected === 'object' && typeof actual === 'object' && !Array.isArray(expected) && !Array.isArray(actual)) {
    for (const k of Object.keys(expected)) {
      if (!(k in actual)) out.push(`${path}.${k}: missing (expected ${JSON.stringify(expected[k]).slice(0, 200)})`);
      else diff(expected[k]!, actual[k]!, b, `${path}.${k}`, out);
    }
    for (const k of Object.keys(actual)) if (!(k in expected)) out.push(`${path}.${k}: unexpected ${JSON.stringify(actual[k]).slice(0, 200)}`);
    return;
  }
  if (expected !== actual) out.push(`${path}: expected ${JSON.stringify(expected)?.slice(0, 300)}, got ${JSON.stringify(actual)?.slice(0, 300)}`);
}

/** Every recording's comparison: `test::key` → differences (empty when it matches). `dir` holds recorded.json and scenarios.json. */
export async function replayAll(url: string, only?: string, dir = DIR): Promise<Map<string, string[]>> {
  const recorded = JSON.parse(readFileSync(join(dir, 'recorded.json'), 'utf8')) as Recorded;
  const args = [join(DIR, 'replay.py'), join(dir, 'scenarios.json'), ...(only ? [only] : [])];
  const { stdout } = await run('python3', args, { env: awsEnv(url), maxBuffer: 64 * 1024 * 1024 });
  const replayed = JSON.parse(stdout) as Replayed;
  const outcome = new Map<string, string[]>();
  for (const [test, { 'recorded-content': content }] of Object.entries(recorded)) {
    if (only && !test.includes(only)) continue;
    const got = replayed[test];
    const bindings = new Bindings();
    const short = test.replace(/^tests\/aws\/services\/apigateway\//, '');
    for (const [key, expected] of Object.entries(content)) {
      const out: string[] = [];
      if (!got || !(key in got.results)) out.push(`not replayed (setup: ${JSON.stringify(got?.setupErrors ?? 'scenario missing')})`);
      else diff(expected, got.results[key]!, bindings, '', out);
      outcome.set(`${short}::${key}`, out);
    }
  }
  return outcome;
}

describe('API Gateway management API against responses recorded on AWS', () => {
  let sluice: Sluice;
  before(async () => {
    // The recordings were made in us-east-1 by account 111111111111 (as their messages show).
    sluice = await startTestSluice({ region: 'us-east-1', accountId: '111111111111' });
  });
  after(() => sluice.close());

  it('answers every recorded request as AWS did, except the listed differences', async () => {
    // The REST API recordings, and those of API keys and usage plans (usage-plans/, from two more snapshot files).
    const dirs = [DIR, join(DIR, 'usage-plans')];
    const known: Record<string, string> = {};
    const outcome = new Map<string, string[]>();
    for (const dir of dirs) {
      Object.assign(known, JSON.parse(readFileSync(join(dir, 'known-differences.json'), 'utf8')) as Record<string, string>);
      for (const [name, differences] of await replayAll(sluice.url, undefined, dir)) outcome.set(name, differences);
    }
    const matching = [...outcome.values()].filter((d) => d.length === 0).length;
    console.log(`# apigateway recordings: ${matching} of ${outcome.size} match AWS`);
    // SLUICE_RECORDINGS_REPORT=file.json keeps every comparison, for working through the differences.
    const report = process.env['SLUICE_RECORDINGS_REPORT'];
    if (report) writeFileSync(report, JSON.stringify(Object.fromEntries(outcome), null, 1));
    const unexpected: string[] = [];
    const stale: string[] = [];
    for (const [name, differences] of outcome) {
      if (differences.length > 0 && !(name in known)) unexpected.push(`${name}\n    ${differences.slice(0, 6).join('\n    ')}`);
      if (differences.length === 0 && name in known) stale.push(name);
    }
    for (const name of Object.keys(known)) if (!outcome.has(name)) stale.push(`${name} (no such recording)`);
    assert.deepEqual(unexpected, [], `recordings that differ from AWS:\n${unexpected.join('\n')}`);
    assert.deepEqual(stale, [], 'known-differences.json lists recordings that now match (remove them)');
  });
});
