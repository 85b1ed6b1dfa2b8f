/**
 * `sluice start` failures a person can act on (issue 16): a port in use, a
 * port out of range, a data dir that cannot be written or is used by another
 * process (refused at once, naming the pid), a stale lock after a crash, and
 * boolean SLUICE_* variables read as booleans. No stack traces.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { cliPath, spawnSluice, tempDir } from './helpers/sluice.js';

const run = promisify(execFile);

/** Runs `sluice start` expecting it to fail; returns what it printed. */
async function failsToStart(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<string> {
  try {
    await run(process.execPath, [cliPath, 'start', ...args], { env, timeout: 15_000 });
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    assert.equal(err.code, 1, `exit code ${err.code}`);
    const out = `${err.stdout ?? ''}${err.stderr ?? ''}`;
    assert.doesNotMatch(out, /\n\s+at /, 'no stack trace');
    return out;
  }
  assert.fail('sluice start succeeded');
}

describe('sluice start refuses what it cannot do, and says why', () => {
  it('a port in use', async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const out = await failsToStart(['--port', String(port), '--in-memory']);
      assert.match(out, new RegExp(`port ${port} is in use: choose another with --port`));
    } finally {
      blocker.close();
    }
  });

  it('a port out of range', async () => {
    assert.match(await failsToStart(['--port', '70000', '--in-memory']), /--port must be a port number from 0 to 65535, got "70000"/);
  });

  it('a data dir that cannot be created or written', async () => {
    const dir = tempDir();
    try {
      writeFileSync(join(dir.path, 'file'), 'x');
      assert.match(await failsToStart(['--port', '0', '--data-dir', join(dir.path, 'file', 'sub')]), /data dir .*file\/sub: .* is not a directory|cannot be written/);
      if (process.getuid?.() !== 0) {
        const ro = join(dir.path, 'ro');
        mkdirSync(ro);
        chmodSync(ro, 0o500);
        assert.match(await failsToStart(['--port', '0', '--data-dir', join(ro, 'data')]), /cannot be written/);
      }
    } finally {
      dir.remove();
    }
  });

  it('a data dir in use by another process, at once and naming it; after a crash the lock is taken over', async () => {
    const dir = tempDir();
    try {
      const first = await spawnSluice(['--port', '0', '--data-dir', dir.path]);
      const started = Date.now();
      const out = await failsToStart(['--port', '0', '--data-dir', dir.path]);
      assert.match(out, new RegExp(`data dir ${dir.path} is in use by another Sluice process \\(pid ${first.process.pid},`));
      assert.ok(Date.now() - started < 10_000);
      await first.stop('SIGKILL');
      assert.ok(existsSync(join(dir.path, 'sluice.lock')), 'a killed process leaves its lock');
      const second = await spawnSluice(['--port', '0', '--data-dir', dir.path]);
      assert.match(second.output(), /took over a stale lock of pid \d+/);
      assert.equal(await second.stop('SIGTERM'), 0);
      assert.ok(!existsSync(join(dir.path, 'sluice.lock')), 'a clean stop releases the lock');
    } finally {
      dir.remove();
    }
  });

  it('boolean variables are booleans: SLUICE_IN_MEMORY=false keeps data on disk', async () => {
    const dir = tempDir();
    try {
      const s = await spawnSluice(['--port', '0'], { ...process.env, SLUICE_DATA_DIR: dir.path, SLUICE_IN_MEMORY: 'false' });
      assert.ok(s.output().includes(`data dir:    ${dir.path}`), s.output());
      await s.stop();
      assert.match(await failsToStart(['--port', '0'], { ...process.env, SLUICE_IN_MEMORY: 'maybe' }), /SLUICE_IN_MEMORY must be true or false, got "maybe"/);
    } finally {
      dir.remove();
    }
  });
});
