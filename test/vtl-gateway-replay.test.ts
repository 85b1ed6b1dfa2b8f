/**
 * The recorded API Gateway renders (test/conformance/vtl/), replayed through
 * the gateway exactly as they were recorded on AWS (see that README): one
 * POST method per vector on a MOCK integration whose request template stores
 * the request body in $context.requestOverride.path.body, and whose
 * integration response template is the recorded preamble plus the template
 * under test; the vector's body is sent as JSON and the answer compared with
 * what AWS answered. This exercises the whole pipeline (routing, MOCK,
 * requestOverride carried from the request to the response template,
 * response templates), not only the template engine.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Sluice } from '../src/server/app.js';
import { startTestSluice } from './helpers/sluice.js';

interface Vector {
  id: string;
  kind: string;
  aws_output: string;
  aws_output_parsed?: unknown;
  output_is_normalized_json: boolean;
  /** The recording kept the output with its whitespace collapsed. */
  output_whitespace_normalized?: boolean;
  aws_request_body?: string;
  aws_response_template?: string;
}

const vectors = (JSON.parse(readFileSync(fileURLToPath(new URL('../../test/conformance/vtl/vtl-aws-golden.json', import.meta.url)), 'utf8')) as Vector[])
  .filter((v) => v.kind === 'airspeed-render');

/** The integration request template of the recording, byte for byte (not JSON; AWS accepts it). */
const REQUEST_TEMPLATE = '#set($context.requestOverride.path.body = $input.body)\n{\n  "statusCode": 200,\n}';

/** Vectors the gateway knowingly does not reproduce, with the reason (kept in step with vtl-conformance.test.ts). */
const KNOWN_DIFFERENCES: Record<string, string> = {};

/** As the recording tool collapsed whitespace (see the README). */
const normalizeWhitespace = (s: string): string => s.replace(/\s+/g, ' ').trim();

let sluice: Sluice;
let base = '';

before(async () => {
  sluice = await startTestSluice();
  const paths: Record<string, unknown> = {};
  vectors.forEach((v, i) => {
    paths[`/v${i}`] = {
      post: {
        'x-amazon-apigateway-integration': {
          type: 'mock',
          passthroughBehavior: 'when_no_match',
          requestTemplates: { 'application/json': REQUEST_TEMPLATE },
          responses: { default: { statusCode: '200', responseTemplates: { 'application/json': v.aws_response_template } } },
        },
        responses: { '200': { description: 'ok' } },
      },
    };
  });
  const definition = JSON.stringify({ openapi: '3.0.1', info: { title: 'vtl-replay', version: '1' }, paths });
  const imported = await fetch(`${sluice.url}/restapis?mode=import`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: definition });
  assert.equal(imported.status, 201, await imported.clone().text());
  const api = (await imported.json()) as { id: string };
  const deployed = await fetch(`${sluice.url}/restapis/${api.id}/deployments`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ stageName: 'replay' }) });
  assert.equal(deployed.status, 201, await deployed.text());
  base = `${sluice.url}/restapis/${api.id}/replay/_user_request_`;
});

after(() => sluice.close());

test(`the ${vectors.length} recorded renders, replayed through MOCK integrations as AWS recorded them`, async () => {
  const mismatches: string[] = [];
  let matched = 0;
  for (const [i, v] of vectors.entries()) {
    const res = await fetch(`${base}/v${i}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: v.aws_request_body ?? '{}' });
    const text = Buffer.from(await res.arrayBuffer()).toString('utf8');
    const got = v.output_whitespace_normalized ? normalizeWhitespace(text) : text;
    let same = res.status === 200 && got === v.aws_output;
    if (!same && v.output_is_normalized_json) {
      try {
        same = JSON.stringify(JSON.parse(text)) === JSON.stringify(v.aws_output_parsed ?? JSON.parse(v.aws_output));
      } catch {
        same = false;
      }
    }
    if (same) matched++;
    if (same === Object.hasOwn(KNOWN_DIFFERENCES, v.id)) {
      mismatches.push(same ? `${v.id}: now matches; take it off KNOWN_DIFFERENCES` : `${v.id}: ${res.status} ${JSON.stringify(text.slice(0, 200))} ≠ AWS ${JSON.stringify(v.aws_output.slice(0, 200))}`);
    }
  }
  console.log(`gateway replay: ${matched} of ${vectors.length} recorded renders reproduced exactly`);
  assert.deepEqual(mismatches, []);
});
