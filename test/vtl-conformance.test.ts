/**
 * Replays the mapping-template renders recorded from real API Gateway
 * (test/conformance/vtl/, see its README) and reports how many we reproduce exactly.
 *
 * Vectors listed in KNOWN_DIFFERENCES are expected to differ (each with its reason, also in
 * docs/vtl.md); every other vector must match, and a known difference that starts to match fails
 * the test so that the list stays honest.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { compileTemplate, type RenderInput, type RenderResult } from '../src/vtl/index.js';

/** The repository root: the nearest parent folder holding package.json (compiled files live in dist/test/). */
function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('package.json not found above ' + fileURLToPath(import.meta.url));
    dir = up;
  }
  return dir;
}

const DATA_DIR = resolve(repoRoot(), 'test/conformance/vtl');

/** Vectors we knowingly do not reproduce, with the reason. */
export const KNOWN_DIFFERENCES: Record<string, string> = {};

interface Vector {
  id: string;
  kind: string;
  template: string;
  aws_output: string;
  aws_output_parsed?: unknown;
  output_is_normalized_json: boolean;
  output_whitespace_normalized?: boolean;
  aws_request_body?: string;
  aws_response_template?: string;
  request?: { body?: string; path?: Record<string, string>; querystring?: Record<string, string>; headers?: Record<string, string> };
  request_template?: string;
  response_template?: string;
  integration_response_body?: string;
  stage_variables?: Record<string, string>;
  context_values?: Record<string, unknown>;
  aws_status_code?: number;
  expected_rendered_json_semantics?: unknown;
  expected_rendered_output_inferred?: string;
}

function load(name: string): Vector[] {
  return JSON.parse(readFileSync(join(DATA_DIR, name), 'utf8')) as Vector[];
}

function requestInput(v: Vector, body: string, context: Record<string, unknown> = {}): RenderInput {
  const r = v.request ?? {};
  return {
    body,
    params: { path: r.path ?? {}, querystring: r.querystring ?? {}, header: r.headers ?? {} },
    context: { ...(v.context_values ?? {}), ...context },
    stageVariables: v.stage_variables ?? {},
  };
}

function render(template: string, input: RenderInput): RenderResult {
  return compileTemplate(template).render(input);
}

/** Renders a vector the way AWS did (see the README's "How the values were produced"). */
function replay(v: Vector): { output: string; status?: number } {
  switch (v.kind) {
    case 'airspeed-render': {
      // The response template reads the JSON body back through $context.requestOverride.path.body.
      const body = v.aws_request_body!;
      const input = requestInput(v, body, { requestOverride: { path: { body }, header: {}, querystring: {} } });
      return { output: render(v.aws_response_template!, input).output };
    }
    case 'apigw-integration-response-template':
      return { output: render(v.template, requestInput(v, v.integration_response_body ?? v.request?.body ?? '')).output };
    case 'apigw-integration-response-template(test-invoke-method)':
    case 'apigw-request-template(observed-via-lambda-echo)':
    case 'apigw-request-template(observed-via-kinesis)':
    case 'apigw-request-template(observed-via-sqs)':
      return { output: render(v.template, requestInput(v, v.request?.body ?? '')).output };
    case 'apigw-request-template+echo+response-template': {
      const first = render(v.request_template!, requestInput(v, v.request?.body ?? '')).output;
      return { output: render(v.response_template!, requestInput(v, first)).output };
    }
    case 'apigw-mock-request-template+response-template': {
      const first = render(v.request_template!, requestInput(v, v.request?.body ?? ''));
      const second = render(v.response_template!, requestInput(v, first.output, { ...first.overrides }));
      return { output: second.output, status: first.overrides.responseOverride.status };
    }
    case 'apigw-response-template(after-lambda)': {
      const r = render(v.template, requestInput(v, v.integration_response_body ?? ''));
      return { output: r.output, status: r.overrides.responseOverride.status };
    }
    default:
      throw new Error(`unknown vector kind ${v.kind}`);
  }
}

function normalizeWhitespace(s: string): string {
  return s.replace(/\n/g, ' ').trim().replace(/\s+/g, ' ');
}

/** Null when the vector is reproduced, else a description of the difference. */
function check(v: Vector): string | null {
  let got: { output: string; status?: number };
  try {
    got = replay(v);
  } catch (e) {
    return `threw ${(e as Error).message}`;
  }
  if (v.aws_status_code !== undefined && got.status !== undefined && got.status !== v.aws_status_code) {
    return `status ${got.status}, AWS ${v.aws_status_code}`;
  }
  if (v.output_is_normalized_json) {
    const expected = v.expected_rendered_json_semantics ?? v.aws_output_parsed ?? JSON.parse(v.aws_output);
    try {
      assert.deepStrictEqual(JSON.parse(got.output), expected);
      return null;
    } catch {
      return `JSON ${JSON.stringify(got.output)} ≠ AWS ${JSON.stringify(expected)}`;
    }
  }
  const expected = v.expected_rendered_output_inferred ?? v.aws_output;
  const actual = v.output_whitespace_normalized ? normalizeWhitespace(got.output) : got.output;
  return actual === expected ? null : `${JSON.stringify(actual)} ≠ AWS ${JSON.stringify(expected)}`;
}

function runSet(file: string, filter: (v: Vector) => boolean = () => true): { passed: number; total: number; failures: string[] } {
  const vectors = load(file).filter(filter);
  const failures: string[] = [];
  let passed = 0;
  for (const v of vectors) {
    const diff = check(v);
    const known = KNOWN_DIFFERENCES[v.id];
    if (diff === null) {
      passed++;
      if (known) failures.push(`${v.id}: now matches AWS; remove it from KNOWN_DIFFERENCES`);
    } else if (!known) {
      failures.push(`${v.id}: ${diff}`);
    }
  }
  return { passed, total: vectors.length, failures };
}

test('VTL conformance: renders recorded from real API Gateway (vtl-aws-golden.json)', () => {
  const r = runSet('vtl-aws-golden.json');
  console.log(`VTL conformance: ${r.passed}/${r.total} AWS vectors reproduced exactly`);
  assert.deepEqual(r.failures, []);
});

test('VTL conformance: airspeed vectors also match when rendered directly with their context as variables', () => {
  // The simpler replay the README mentions: `template` with `context` as $variables, no preamble.
  const failures: string[] = [];
  const vectors = load('vtl-aws-golden.json').filter((v) => v.kind === 'airspeed-render');
  for (const v of vectors) {
    let out = compileTemplate(v.template).render(requestInput(v, '{}'), (v as { context?: Record<string, unknown> }).context).output;
    if (v.output_whitespace_normalized) out = normalizeWhitespace(out);
    const ok = v.output_is_normalized_json ? JSON.stringify(JSON.parse(out)) === JSON.stringify(v.aws_output_parsed) : out === v.aws_output;
    if (!ok && !KNOWN_DIFFERENCES[v.id]) failures.push(`${v.id}: ${JSON.stringify(out)}`);
  }
  assert.deepEqual(failures, []);
});

test('VTL conformance side set: results observed through Kinesis/SQS (vtl-aws-golden-derived.json)', () => {
  // Only the JSON semantics (Kinesis) or the inferred form-encoded text (SQS) are known; the
  // SQS MessageAttribute vectors are only known after SQS parsing, so just the body part is checked.
  const r = runSet('vtl-aws-golden-derived.json', (v) => v.expected_rendered_json_semantics !== undefined || v.expected_rendered_output_inferred !== undefined);
  assert.deepEqual(r.failures, []);
  const partial = load('vtl-aws-golden-derived.json').filter((x) => x.id.includes('MessageAttribute'));
  for (const v of partial) {
    const out = replay(v).output;
    assert.match(out, /MessageBody=\{"foo": "bar"\}&/);
    assert.match(out, /StringValue=BAR-Header$/);
  }
  console.log(`VTL conformance (derived): ${r.passed + partial.length}/${r.total + partial.length} agree (${partial.length} only checkable in part)`);
});

test('VTL conformance side set: #macro/#evaluate/#return not run (vtl-aws-golden-stale-recovered.json)', () => {
  // Alignment of these recordings is inferred (README): rendered with the recorded empty context.
  const vectors = load('vtl-aws-golden-stale-recovered.json');
  let passed = 0;
  const failures: string[] = [];
  for (const v of vectors) {
    const out = render(v.template, requestInput(v, '{}')).output;
    if (out === v.aws_output) passed++;
    else failures.push(`${v.id}: ${JSON.stringify(out)} ≠ AWS ${JSON.stringify(v.aws_output)}`);
  }
  console.log(`VTL conformance (stale-recovered): ${passed}/${vectors.length} reproduced`);
  assert.deepEqual(failures, []);
});
