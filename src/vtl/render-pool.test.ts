/** The render workers: errors cross threads intact, a full queue refuses, and stuck or bloated workers are replaced. */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { RENDER_LIMITS } from './budget.js';
import { VtlBudgetError, VtlOverloadError, VtlRenderError } from './errors.js';
import { RenderPool } from './render-pool.js';
import { input } from './testing.js';

const HEAVY = '#foreach($i in [1..1000])#foreach($j in [1..1000])#foreach($k in [1..1000])#end#end#end';

describe('RenderPool', () => {
  const pools: RenderPool[] = [];
  const pool = (options: ConstructorParameters<typeof RenderPool>[0] = {}): RenderPool => {
    const p = new RenderPool(options);
    pools.push(p);
    return p;
  };
  after(async () => {
    await Promise.all(pools.map((p) => p.close()));
  });

  it('renders a template from its source, with overrides', async () => {
    const { result } = await pool().render(
      '#set($context.responseOverride.status = 201)#set($context.requestOverride.header.X = [1, 2])$input.path(\'$.a\')-$context.requestId',
      input({ body: '{"a": 5}', context: { requestId: 'r1' } }),
      RENDER_LIMITS,
    );
    assert.equal(result.output, '5-r1');
    assert.deepEqual(result.overrides, {
      requestOverride: { header: { X: '1,2' }, querystring: {}, path: {} },
      responseOverride: { status: 201, header: {} },
    });
  });

  it('hands back render errors with their kind and template position', async () => {
    const p = pool();
    await assert.rejects(p.render('\n  $util.parseJson("{")', input(), RENDER_LIMITS), (e: unknown) => {
      assert.ok(e instanceof VtlRenderError && !(e instanceof VtlBudgetError));
      assert.equal(e.line, 2);
      assert.equal(e.column, 3);
      assert.match(e.message, /JsonParseException.*\(template line 2, column 3\)$/);
      return true;
    });
    await assert.rejects(p.render(HEAVY, input(), { ...RENDER_LIMITS, steps: 5000 }), (e: unknown) => {
      assert.ok(e instanceof VtlBudgetError);
      assert.equal(e.limit, 'steps');
      assert.equal(e.message, 'Mapping template exceeded its budget of 5000 steps (template line 1, column 51)');
      return true;
    });
  });

  it('refuses renders beyond its queue with VtlOverloadError, and serves the queued ones', async () => {
    const p = pool({ workers: 1, maxQueued: 1 });
    const limits = { ...RENDER_LIMITS, steps: 3_000_000 };
    const accepted = Promise.allSettled([p.render(HEAVY, input(), limits), p.render(HEAVY, input(), limits)]);
    await assert.rejects(p.render(HEAVY, input(), limits), VtlOverloadError);
    for (const r of await accepted) {
      assert.ok(r.status === 'rejected' && r.reason instanceof VtlBudgetError && r.reason.limit === 'steps');
    }
    assert.equal((await p.render('ok', input(), limits)).result.output, 'ok');
  });

  it('terminates a worker stuck past its time budget, and starts a new one for the next render', async () => {
    const p = pool({ workers: 1, graceMs: 1 });
    // Parsing an 8 MB body is one long step the meter cannot interrupt: only the watchdog can.
    const body = JSON.stringify({ a: 'y'.repeat(8 * 1024 * 1024) });
    const started = performance.now();
    await assert.rejects(p.render('$input.path("$.a").length()', input({ body }), { ...RENDER_LIMITS, timeMs: 1 }),
      (e: unknown) => e instanceof VtlBudgetError && e.limit === 'time' && /time budget of 1 ms/.test(e.message));
    assert.ok(performance.now() - started < 1000);
    assert.equal((await p.render('$input.path("$.a").length()', input({ body: '{"a": "xyz"}' }), RENDER_LIMITS)).result.output, '3');
  });

  it('a worker that fills its heap fails its render with the memory budget, and is replaced', async () => {
    const p = pool({ workers: 1, heapMb: 64 });
    const body = JSON.stringify({ a: 'x'.repeat(2 * 1024 * 1024) });
    // Each new upper-case copy is kept: 1000 × 2 MB, far beyond 64 MB.
    const hoard = '#set($l = [])#foreach($i in [1..1000])#set($s = "$i$input.body")#set($d = $l.add($s.toUpperCase()))#end$l.size()';
    await assert.rejects(p.render(hoard, input({ body }), RENDER_LIMITS),
      (e: unknown) => e instanceof VtlBudgetError && e.limit === 'memory' && /memory budget of 64 MB/.test(e.message));
    assert.equal((await p.render('fine', input(), RENDER_LIMITS)).result.output, 'fine');
  });

  it('a worker that cannot start fails the render it was started for (no endless restarts)', async () => {
    const p = pool({ script: new URL('./no-such-render-worker.js', import.meta.url) });
    await assert.rejects(p.render('x', input(), RENDER_LIMITS), (e: unknown) => e instanceof VtlRenderError && /renderer failed/.test(e.message));
    assert.equal(p.size, 0);
  });

  it('input that is not plain data fails the render, not the worker', async () => {
    const p = pool({ workers: 1 });
    await assert.rejects(p.render('x', input({ context: { f: () => 1 } }), RENDER_LIMITS), /cannot be rendered in a worker/);
    assert.equal((await p.render('y', input(), RENDER_LIMITS)).result.output, 'y');
  });
});
