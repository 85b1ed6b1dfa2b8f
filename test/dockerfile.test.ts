/**
 * The container image definition's contract, checked without a Docker engine
 * (none runs on these machines): a multi-stage build, a non-root user, a /data
 * volume, a health check on /_sluice/health, and secure defaults (listening on
 * every interface with --auth sigv4). Then the same start-up the image runs,
 * run directly: its environment and command, and its health check command.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { repoRoot, spawnSluice, tempDir } from './helpers/sluice.js';

const run = promisify(execFile);

interface Instruction {
  readonly op: string;
  readonly args: string;
}

/** Dockerfile instructions, with continuation lines joined and comments dropped. */
function instructions(text: string): Instruction[] {
  const out: Instruction[] = [];
  let pending = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (pending === '' && (line === '' || line.startsWith('#'))) continue;
    pending += (pending ? ' ' : '') + line.replace(/\\$/, '').trim();
    if (line.endsWith('\\')) continue;
    const m = /^(\w+)\s+([\s\S]*)$/.exec(pending)!;
    out.push({ op: m[1]!.toUpperCase(), args: m[2]! });
    pending = '';
  }
  return out;
}

const dockerfile = instructions(readFileSync(join(repoRoot, 'Dockerfile'), 'utf8'));
const last = <T>(xs: T[]): T => xs[xs.length - 1]!;
const finalStage = dockerfile.slice(dockerfile.map((i) => i.op).lastIndexOf('FROM'));
const env: Record<string, string> = {};
for (const i of finalStage.filter((x) => x.op === 'ENV')) {
  for (const m of i.args.matchAll(/(\w+)=(\S+)/g)) env[m[1]!] = m[2]!;
}
const jsonArgs = (op: string): string[] => JSON.parse(last(finalStage.filter((i) => i.op === op)).args.replace(/^CMD\s+/, '')) as string[];

describe('Dockerfile', () => {
  it('builds in one stage and runs from a smaller one', () => {
    assert.ok(dockerfile.filter((i) => i.op === 'FROM').length >= 2);
    assert.match(finalStage[0]!.args, /node:20/);
  });

  it('runs as a user that is not root, with its data on a /data volume', () => {
    const user = last(finalStage.filter((i) => i.op === 'USER')).args;
    assert.ok(!['root', '0'].includes(user), user);
    assert.match(last(finalStage.filter((i) => i.op === 'VOLUME')).args, /"\/data"/);
    assert.equal(env['SLUICE_DATA_DIR'], '/data');
  });

  it('is secure by default: every interface, every call signed', () => {
    assert.equal(env['SLUICE_HOST'], '0.0.0.0');
    assert.equal(env['SLUICE_AUTH'], 'sigv4');
    assert.match(last(finalStage.filter((i) => i.op === 'EXPOSE')).args, /4566/);
  });

  it('checks its health on /_sluice/health', () => {
    assert.match(last(finalStage.filter((i) => i.op === 'HEALTHCHECK')).args, /\/_sluice\/health/);
  });

  it('starts as the image would, and its health check passes', async () => {
    const dir = tempDir();
    try {
      const cmd = jsonArgs('CMD');
      assert.deepEqual(cmd.slice(0, 2), ['node', 'dist/src/cli/main.js']);
      // The image's environment, on a free port and a temporary data dir; the image listens on 0.0.0.0.
      const s = await spawnSluice(['--port', '0'], { ...process.env, ...env, SLUICE_DATA_DIR: dir.path });
      try {
        assert.match(s.output(), /auth: +sigv4/);
        const port = new URL(s.url).port;
        const health = last(finalStage.filter((i) => i.op === 'HEALTHCHECK')).args;
        const check = JSON.parse(health.slice(health.indexOf('CMD') + 3).trim()) as string[];
        await run(process.execPath, check.slice(1), { env: { ...process.env, SLUICE_PORT: port } });
        const anonymous = await fetch(`${s.url}/`, { method: 'POST', headers: { 'x-amz-target': 'Kinesis_20131202.ListStreams', 'content-type': 'application/x-amz-json-1.1' }, body: '{}' });
        assert.equal(anonymous.status, 400);
        assert.equal(anonymous.headers.get('x-amzn-errortype'), 'MissingAuthenticationTokenException');
      } finally {
        await s.stop();
      }
    } finally {
      dir.remove();
    }
  });
});
