/** The `sluice` command: help, banner, environment, health, clean shutdown. */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cliPath, kinesisRaw, repoRoot, spawnSluice, tempDir } from './helpers/sluice.js';

const run = promisify(execFile);

describe('sluice start', () => {
  it('documents its options in --help', async () => {
    const { stdout } = await run(process.execPath, [cliPath, 'start', '--help']);
    for (const flag of ['--port', '--host', '--data-dir', '--in-memory', '--region', '--account-id', '--create-stream-ms', '--shard-limit', '--api', '--stage', '--aws-endpoint']) {
      assert.ok(stdout.includes(flag), `missing ${flag}`);
    }
    assert.match(stdout, /SLUICE_PORT/);
  });

  it('prints what it serves, takes SLUICE_* settings, and shuts down cleanly on SIGTERM keeping its data', async () => {
    const dir = tempDir();
    try {
      const env = { ...process.env, SLUICE_DATA_DIR: dir.path, SLUICE_REGION: 'eu-west-1', SLUICE_ACCOUNT_ID: '123456789012', SLUICE_CREATE_STREAM_MS: '0' };
      const s = await spawnSluice(['--port', '0'], env);
      assert.match(s.output(), /health: +http:\/\/127\.0\.0\.1:\d+\/_sluice\/health/);
      assert.ok(s.output().includes(dir.path), 'banner names the data dir');
      const health = await (await fetch(`${s.url}/_sluice/health`)).json() as any;
      assert.equal(health.status, 'ok');
      assert.ok(Array.isArray(health.apis));
      assert.equal(typeof health.version, 'string');
      assert.equal((await kinesisRaw(s.url, 'CreateStream', { StreamName: 'kept', ShardCount: 1 })).status, 200);
      const d = await kinesisRaw(s.url, 'DescribeStreamSummary', { StreamName: 'kept' });
      assert.equal(d.json.StreamDescriptionSummary.StreamARN, 'arn:aws:kinesis:eu-west-1:123456789012:stream/kept');
      assert.equal(await s.stop('SIGTERM'), 0);

      const again = await spawnSluice(['--port', '0'], env);
      assert.deepEqual((await kinesisRaw(again.url, 'ListStreams', {})).json.StreamNames, ['kept']);
      assert.equal(await again.stop('SIGINT'), 0);
    } finally {
      dir.remove();
    }
  });

  it('refuses an API definition that does not import, and exits', async () => {
    const dir = tempDir();
    try {
      const file = join(dir.path, 'broken.yaml');
      writeFileSync(file, 'openapi: 3.0.1\ninfo: {title: t, version: "1"}\npaths:\n  /a:\n    get:\n      x-amazon-apigateway-integration: {type: mock, requestTemplates: {application/json: "#if("}}\n');
      await assert.rejects(run(process.execPath, [cliPath, 'start', '--port', '0', '--data-dir', join(dir.path, 'data'), '--api', file], { timeout: 15_000 }), (e: any) => {
        assert.equal(e.code, 1);
        assert.match(e.stderr, /^sluice: /m);
        return true;
      });
    } finally {
      dir.remove();
    }
  });

  it('refuses a bad setting with a clear message', async () => {
    await assert.rejects(run(process.execPath, [cliPath, 'start', '--account-id', '42']), (e: any) => {
      assert.match(e.stderr, /--account-id must be 12 digits/);
      return true;
    });
  });
});

describe('sluice lint', () => {
  it('reports a template error with where it is, and exits non-zero', async () => {
    const dir = tempDir();
    try {
      const file = `${dir.path}/api.yaml`;
      writeFileSync(file, [
        'openapi: 3.0.1',
        'info: {title: t, version: "1"}',
        'paths:',
        '  /a:',
        '    get:',
        '      x-amazon-apigateway-integration:',
        '        type: mock',
        '        requestTemplates:',
        '          application/json: |',
        '            {"x": #if($a) 1 }',
        '',
      ].join('\n'));
      await assert.rejects(run(process.execPath, [cliPath, 'lint', file]), (e: any) => {
        assert.equal(e.code, 1);
        assert.match(e.stdout, /GET \/a request template \[application\/json\] 1:7: #if has no matching #end/);
        return true;
      });
    } finally {
      dir.remove();
    }
  });

  it('passes AWS\'s own export of the tutorial API', async () => {
    const { stdout } = await run(process.execPath, [cliPath, 'lint', join(repoRoot, 'test/conformance/aws-kinesis-proxy-export/kinesis-proxy.swagger20.json')]);
    assert.match(stdout, /no problems/);
  });
});
