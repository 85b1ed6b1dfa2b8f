/** Specification of $input, $context (with overrides) and $stageVariables, and render errors. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { VtlRenderError, compileTemplate } from './index.js';
import { input, render, renderFull } from './testing.js';

const params = { path: { id: '42', shared: 'from-path' }, querystring: { q: 'x', shared: 'from-query' }, header: { 'X-H': 'h' } };

describe('$input', () => {
  it('body is the raw payload, and {} when the payload is empty', () => {
    assert.equal(render('$input.body', {}, { body: '{"a": 1}' }), '{"a": 1}');
    assert.equal(render('$input.body', {}, { body: '' }), '{}');
    assert.equal(render('[$input.body.anything]', {}, { body: 'raw' }), '[]');
  });
  it('path() gives values: maps print Java-style, lists as JSON, missing as nothing', () => {
    const body = '{"m": {"foo": "bar"}, "l": [{"a": 1}], "n": null}';
    assert.equal(render("$input.path('$.m')|$input.path('$.l')|[$input.path('$.n')]|[$input.path('$.x')]|$input.path('$.l')[0].a", {}, { body }), '{foo=bar}|[{"a":1}]|[]|[]|1');
  });
  it('json() gives compact JSON text', () => {
    const body = '{"m": {"foo": "b/r"}, "s": "t", "d": 2.50, "e": 1.0}';
    assert.equal(render("$input.json('$.m')|$input.json('$.s')|$input.json('$.d')|$input.json('$.e')|$input.json('$.none')", {}, { body }), '{"foo":"b\\/r"}|"t"|2.5|1.0|""');
  });
  it('params(name) searches path, then query string, then headers; missing is ""', () => {
    assert.equal(render("$input.params('shared')|$input.params('q')|$input.params('X-H')|[$input.params('x-h')]", {}, { params }), 'from-path|x|h|[]');
  });
  it('params() is a map of path, querystring and header maps', () => {
    assert.equal(render('$input.params().path.id|#foreach($k in $input.params().header.keySet())$k#end', {}, { params }), '42|X-H');
  });
  it('parses the body only when needed: a non-JSON body is fine until path() is used', () => {
    assert.equal(render('$input.body', {}, { body: 'not json' }), 'not json');
    assert.throws(() => render("$input.path('$.a')", {}, { body: 'not json' }), VtlRenderError);
  });
  it('keeps Double values from the JSON body as Doubles', () => {
    assert.equal(render("$input.path('$.a') $input.path('$.b')", {}, { body: '{"a": 1.0, "b": 1e2}' }), '1.0 100.0');
  });
});

describe('the tutorial templates', () => {
  it('CreateStream uses 5 shards when ShardCount is missing, null or empty', () => {
    const t = compileTemplate(`{
    "ShardCount": #if($input.path('$.ShardCount') == '') 5 #else $input.path('$.ShardCount') #end,
    "StreamName": "$input.params('stream-name')"
}`);
    const run = (body: string) => JSON.parse(t.render(input({ body, params: { path: { 'stream-name': 's' }, querystring: {}, header: {} } })).output);
    assert.deepEqual(run('{"ShardCount": 3}'), { ShardCount: 3, StreamName: 's' });
    assert.deepEqual(run('{"ShardCount": 0}'), { ShardCount: 0, StreamName: 's' });
    assert.deepEqual(run(''), { ShardCount: 5, StreamName: 's' });
    assert.deepEqual(run('{"ShardCount": null}'), { ShardCount: 5, StreamName: 's' });
  });
});

describe('$context and overrides', () => {
  it('reads the variables the gateway provides', () => {
    const context = { requestId: 'r-1', stage: 'prod', identity: { sourceIp: '1.2.3.4' }, isCanaryRequest: false };
    assert.equal(render('$context.requestId $context.stage $context.identity.sourceIp $context.isCanaryRequest', {}, { context }), 'r-1 prod 1.2.3.4 false');
  });
  it('returns request and response overrides set by the template', () => {
    const r = renderFull(`#set($context.requestOverride.header.X-Amz-Target = "Kinesis_20131202.PutRecords")
#set($context.requestOverride.querystring["q"] = "1")
#set($context.responseOverride.status = 400)
#set($context.responseOverride.header.Multi = ["a", "b"])
body`);
    assert.equal(r.output, 'body');
    assert.deepEqual(r.overrides.requestOverride, { header: { 'X-Amz-Target': 'Kinesis_20131202.PutRecords' }, querystring: { q: '1' }, path: {} });
    assert.deepEqual(r.overrides.responseOverride, { header: { Multi: 'a,b' }, status: 400 });
  });
  it('starts from overrides passed in the context, without changing the caller\'s objects', () => {
    const given = { requestOverride: { path: { body: 'b' }, header: {}, querystring: {} } };
    const r = renderFull('$context.requestOverride.path.body#set($context.requestOverride.path.x = 1)', { context: given });
    assert.equal(r.output, 'b');
    assert.deepEqual(given.requestOverride.path, { body: 'b' });
    assert.deepEqual(r.overrides.requestOverride.path, { body: 'b', x: '1' });
  });
});

describe('$stageVariables', () => {
  it('reads by property and by index; a missing variable prints nothing', () => {
    assert.equal(render("$stageVariables.env|$stageVariables['env']|${stageVariables['env']}|[$stageVariables.nope]", {}, { stageVariables: { env: 'dev' } }), 'dev|dev|dev|[]');
  });
});

describe('render errors', () => {
  it('are VtlRenderError with the template position of the failing construct', () => {
    const t = compileTemplate('{\n  "a": $util.parseJson($input.body).x\n}');
    assert.throws(() => t.render(input({ body: '{bad' })), (e: unknown) => {
      assert.ok(e instanceof VtlRenderError);
      assert.equal(e.line, 2);
      assert.equal(e.column, 8);
      assert.match(e.message, /invalid JSON/);
      return true;
    });
  });
  it('do not poison the compiled template: the next render works', () => {
    const t = compileTemplate("$input.path('$.a')");
    assert.throws(() => t.render(input({ body: 'x' })));
    assert.equal(t.render(input({ body: '{"a": 7}' })).output, '7');
  });
});
