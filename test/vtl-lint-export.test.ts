/**
 * `sluice lint` on AWS's own OpenAPI exports of the tutorial API (test/conformance/aws-kinesis-proxy-export):
 * the Swagger 2.0 file is clean; the OpenAPI 3.0 file has the published defect (the PutRecords
 * templates lost their #foreach lines), which the linter points at.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { compileTemplate, lintFile } from '../src/vtl/index.js';

function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return dir;
}
const EXPORT_DIR = resolve(repoRoot(), 'test/conformance/aws-kinesis-proxy-export');

test('the Swagger 2.0 export lints clean', async () => {
  assert.deepEqual(await lintFile(join(EXPORT_DIR, 'kinesis-proxy.swagger20.json')), []);
});

test('the OpenAPI 3.0 export: $elem used outside any #foreach is reported where it is used', async () => {
  const problems = await lintFile(join(EXPORT_DIR, 'kinesis-proxy.oas30.json'));
  assert.equal(problems.length, 2);
  for (const p of problems) {
    assert.equal(p.severity, 'warning');
    assert.equal(p.path, '/streams/{stream-name}/records');
    assert.equal(p.method, 'PUT');
    assert.equal(p.kind, 'request');
    assert.match(p.message, /\$elem is never set/);
  }
  assert.deepEqual(problems.map((p) => p.contentType).sort(), ['application/json', 'application/x-amz-json-1.1']);
});

test('every template of both exports compiles', async () => {
  const { readFile } = await import('node:fs/promises');
  for (const file of ['kinesis-proxy.swagger20.json', 'kinesis-proxy.oas30.json']) {
    const text = await readFile(join(EXPORT_DIR, file), 'utf8');
    const templates = [...text.matchAll(/"(application\/[^"]+)"\s*:\s*("(?:[^"\\]|\\.)*")/g)].map((m) => JSON.parse(m[2]!) as string);
    assert.ok(templates.length > 5);
    for (const t of templates) assert.doesNotThrow(() => compileTemplate(t), t);
  }
});
