import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderAccessLog } from './access-log.js';

const context = {
  requestId: 'r-1',
  status: 502,
  identity: { sourceIp: '10.0.0.1', userAgent: '' },
  integrationLatency: 7,
  integrationStatus: 500,
  error: { message: 'Internal server error', messageString: '"Internal server error"' },
  flag: true,
};

test('substitutes $context variables as text, leaving everything else as written', () => {
  assert.equal(renderAccessLog('[$context.requestId] $context.status $input.body $stageVariables.x', context), '[r-1] 502 $input.body $stageVariables.x');
  assert.equal(renderAccessLog('{"m":$context.error.messageString,"t":"$context.error.message"}', context), '{"m":"Internal server error","t":"Internal server error"}');
  assert.equal(renderAccessLog('$context.flag', context), 'true');
});

test('renders - for what has no value: unknown names, empty strings, objects, paths past a value', () => {
  assert.equal(renderAccessLog('$context.nope $context.identity.userAgent $context.identity $context.status.code $context.identity.caller', context), '- - - - -');
});

test("reads the access-log names of the integration's values", () => {
  assert.equal(renderAccessLog('$context.integration.latency $context.integration.status $context.integration.error', context), '7 500 -');
});

test('a dot after a variable ends it; a trailing newline is dropped', () => {
  assert.equal(renderAccessLog('id=$context.requestId.\n', context), 'id=r-1.');
});
