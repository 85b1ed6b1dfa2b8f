import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyMappings, compileMappings, MappingError, parseMappingSource, type MappingInput } from './mapping.js';
import { compileSelectionPattern, isValidSelectionPattern, selectIntegrationResponse } from './response-selection.js';
import { firstAccept, isBinaryMediaType, mediaType, selectRequestTemplate } from './template-selection.js';

const input: MappingInput = {
  path: { id: '42' },
  querystring: { q: ['a', 'b'] },
  header: { 'x-thing': ['v1'] },
  body: '{"pets":[{"name":"rex"}],"n":3}',
  stageVariables: { env: 'dev' },
  context: { requestId: 'r-1', identity: { sourceIp: '1.2.3.4' } },
};

test('every request mapping source', () => {
  const out = applyMappings(compileMappings({
    'integration.request.path.id': 'method.request.path.id',
    'integration.request.querystring.last': 'method.request.querystring.q',
    'integration.request.querystring.all': 'method.request.multivaluequerystring.q',
    'integration.request.header.X-Thing': 'method.request.header.X-Thing',
    'integration.request.header.multi': 'method.request.multivalueheader.x-thing',
    'integration.request.header.body': 'method.request.body',
    'integration.request.header.name': 'method.request.body.pets[0].name',
    'integration.request.header.env': 'stageVariables.env',
    'integration.request.header.ip': 'context.identity.sourceIp',
    'integration.request.header.static': "'fixed'",
    'integration.request.header.missing': 'method.request.header.nope',
  }, 'integrationRequest'), input);
  assert.deepEqual(out.path, { id: ['42'] });
  assert.deepEqual(out.querystring, { last: ['b'], all: ['a', 'b'] });
  assert.deepEqual(out.header, {
    'X-Thing': ['v1'], multi: ['v1'], body: [input.body], name: ['rex'], env: ['dev'], ip: ['1.2.3.4'], static: ['fixed'],
  });
});

test('bad expressions are refused', () => {
  assert.throws(() => parseMappingSource('method.request.cookie.x', 'integrationRequest'), MappingError);
  assert.throws(() => compileMappings({ 'integration.response.header.x': "'a'" }, 'integrationRequest'), MappingError);
  assert.throws(() => parseMappingSource('integration.response.body', 'integrationRequest'), MappingError);
});

test('body mappings read JSONPath, and a bad path is refused when the mapping compiles', () => {
  assert.deepEqual(parseMappingSource("method.request.body.a['b-c'][1]", 'integrationRequest'), { kind: 'methodBody', path: "$.a['b-c'][1]" });
  assert.throws(() => parseMappingSource('method.request.body.a[', 'integrationRequest'), MappingError);
});

test('selection patterns are whole-string Java regexes', () => {
  assert.ok(isValidSelectionPattern('4\\d{2}'));
  assert.ok(!isValidSelectionPattern('4\\d{2'));
  // Java semantics: a possessive quantifier gives nothing back.
  assert.equal(compileSelectionPattern('4\\d*+4')!.test('404'), false);
  assert.equal(compileSelectionPattern('(4|5)\\d++')!.test('503'), true);
  const sel = [
    { pattern: compileSelectionPattern('4\\d{2}'), value: '400' },
    { pattern: compileSelectionPattern('5\\d{2}'), value: '500' },
  ];
  assert.equal(selectIntegrationResponse(sel, '200', '404'), '400');
  assert.equal(selectIntegrationResponse(sel, '200', '503'), '500');
  assert.equal(selectIntegrationResponse(sel, '200', '201'), '200');
  assert.equal(selectIntegrationResponse([{ pattern: compileSelectionPattern('4'), value: 'x' }], undefined, '404'), undefined);
});

test('template selection and passthrough behaviors', () => {
  const one = new Map([['application/json', 'T']]);
  const none = new Map<string, string>();
  assert.equal(mediaType('Application/JSON; charset=utf-8'), 'application/json');
  assert.equal(mediaType(undefined), 'application/json');
  assert.equal(firstAccept('text/html, application/json'), 'text/html');
  assert.equal(selectRequestTemplate(one, 'application/json', 'NEVER').kind, 'template');
  assert.equal(selectRequestTemplate(one, 'application/xml', 'WHEN_NO_MATCH').kind, 'passthrough');
  assert.equal(selectRequestTemplate(one, 'application/xml', 'WHEN_NO_TEMPLATES').kind, 'unsupported');
  assert.equal(selectRequestTemplate(one, 'application/xml', 'NEVER').kind, 'unsupported');
  assert.equal(selectRequestTemplate(none, 'application/xml', 'WHEN_NO_MATCH').kind, 'passthrough');
  assert.equal(selectRequestTemplate(none, 'application/xml', 'WHEN_NO_TEMPLATES').kind, 'passthrough');
  assert.equal(selectRequestTemplate(none, 'application/xml', 'NEVER').kind, 'unsupported');
  assert.ok(isBinaryMediaType('image/png', ['image/*']));
  assert.ok(!isBinaryMediaType('text/plain', ['image/*']));
});
