/**
 * Specification of the work limits: patterns that backtrack catastrophically end with
 * RegexBudgetExceeded within milliseconds, whichever way a template reaches them (String methods,
 * JSONPath `=~`), while patterns that run in linear time still finish on API Gateway's largest
 * payloads (10 MB).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { VtlRenderError, compileTemplate } from '../index.js';
import { evaluateJsonPath } from '../jsonpath.js';
import { input } from '../testing.js';
import {
  REGEX_BASE_STEPS, REGEX_MAX_BACKTRACK_ENTRIES, REGEX_STEPS_PER_CHAR, RegexBudgetExceeded, StepBudget,
} from './budget.js';
import { compilePattern, javaMatches, javaReplaceAll, javaSplit, withRenderAllowance } from './index.js';
import { matchesWhole } from './operations.js';

/*
 * What bounds the time is the step count, so that is what these tests assert: each refusal names
 * the step limit it hit, which is REGEX_BASE_STEPS + REGEX_STEPS_PER_CHAR per character. Wall-clock
 * times depend on the machine's load, so they are printed, not asserted. Times are taken on a
 * second call: the first call in a process also pays for V8 compiling the matcher (see
 * docs/vtl.md), which a running gateway pays once.
 */

const CATASTROPHIC: [pattern: string, input: string][] = [
  ['(a+)+b', 'a'.repeat(30)],
  ['(a|a)*b', 'a'.repeat(30)],
  ['(a*)*b', 'a'.repeat(30)],
  ['(.*a){20}', 'a'.repeat(30)],
  ['(a+)+b', 'a'.repeat(5000)],
  ['^(\\w+\\s?)*$', 'an ordinary sentence that ends with a bang!'],
];

/** Runs f, which must throw, twice; returns the error and how long the second run took. */
function timedThrow(f: () => unknown): { error: unknown; ms: number } {
  assert.throws(f);
  const start = performance.now();
  try {
    f();
  } catch (error) {
    return { error, ms: performance.now() - start };
  }
  assert.fail('expected the call to throw');
}

describe('catastrophic backtracking ends with RegexBudgetExceeded', () => {
  it('through the engine (String.matches)', (t) => {
    for (const [pattern, s] of CATASTROPHIC) {
      const { error, ms } = timedThrow(() => javaMatches(s, pattern));
      assert.ok(error instanceof RegexBudgetExceeded, String(error));
      assert.equal(error.limit, 'steps');
      assert.match(error.message, /^regular expression exceeded its work limit \(\d+ steps\)$/);
      t.diagnostic(`${pattern} on ${s.length} chars: budget hit after ${ms.toFixed(1)} ms`);
    }
  });

  it('through replaceAll and split, whose finds share one allowance', () => {
    const { error: e1 } = timedThrow(() => javaReplaceAll('a'.repeat(40) + ' ' + 'a'.repeat(40), '(a+)+b', 'x'));
    assert.ok(e1 instanceof RegexBudgetExceeded);
    const { error: e2 } = timedThrow(() => javaSplit('x'.repeat(30), '(x|x)*y'));
    assert.ok(e2 instanceof RegexBudgetExceeded);
  });

  it('through a compiled template: the render fails and says which limit was hit', (t) => {
    const cases = [
      `$input.path('$.s').matches('(a+)+b')`,
      `#set($s = "${'a'.repeat(30)}")$s.matches("(a+)+b")`,
      `$input.path('$.s').replaceAll('(a|a)*b', '')`,
      `$input.path('$.s').split('(a*)*b').size()`,
    ];
    for (const template of cases) {
      const compiled = compileTemplate(template);
      const { error, ms } = timedThrow(() => compiled.render(input({ body: JSON.stringify({ s: 'a'.repeat(30) }) })));
      assert.ok(error instanceof VtlRenderError, String(error));
      assert.match(error.message, /^regular expression exceeded its work limit \(\d+ steps\) \(template line 1, column \d+\)$/);
      assert.ok(error.cause instanceof RegexBudgetExceeded);
      t.diagnostic(`${template}: render failed after ${ms.toFixed(1)} ms`);
    }
  });

  it('through a JSONPath =~ filter, directly and in a template', (t) => {
    const doc = { items: [{ s: 'ok' }, { s: 'a'.repeat(30) }] };
    const direct = timedThrow(() => evaluateJsonPath(doc, '$.items[?(@.s =~ /(a+)+b/)]'));
    assert.ok(direct.error instanceof RegexBudgetExceeded);

    const compiled = compileTemplate(`$input.json('$.items[?(@.s =~ /(a|a)*b/i)]')`);
    const { error, ms } = timedThrow(() => compiled.render(input({ body: JSON.stringify(doc) })));
    assert.ok(error instanceof VtlRenderError);
    assert.match(error.message, /regular expression exceeded its work limit/);
    t.diagnostic(`JSONPath =~ in a template: render failed after ${ms.toFixed(1)} ms`);
  });

  it('a possessive quantifier does not backtrack, so Java\'s remedy for such patterns stays fast', (t) => {
    const start = performance.now();
    assert.equal(javaMatches('a'.repeat(100_000), '(?:a++)++b'), false);
    assert.equal(javaMatches('a'.repeat(100_000), '(?>a+)+b'), false);
    // Had they backtracked, the step budget would have thrown instead of answering false.
    t.diagnostic(`possessive and atomic forms over 100,000 chars: ${(performance.now() - start).toFixed(1)} ms`);
  });
});

describe('the allowance', () => {
  it('grows with the input: linear patterns finish on 10 MB', (t) => {
    const big = 'word, '.repeat(10 * 1024 * 1024 / 6);
    const start = performance.now();
    assert.equal(javaReplaceAll(big, '\\s+', '').length, big.length * 5 / 6);
    assert.equal(javaSplit(big, ',\\s*').length, big.length / 6);
    assert.equal(javaMatches(big, '[\\w, ]*'), true);
    assert.equal(javaMatches(big, '.*word, '), true);
    t.diagnostic(`four operations over 10 MB: ${(performance.now() - start).toFixed(0)} ms`);
  });

  it('is REGEX_BASE_STEPS + REGEX_STEPS_PER_CHAR per character of input', () => {
    assert.equal(StepBudget.forInput(1000).steps, REGEX_BASE_STEPS + 1000 * REGEX_STEPS_PER_CHAR);
    // Linear patterns stay well inside it: a few steps per character.
    const budget = StepBudget.forInput(0);
    const s = 'key=value; '.repeat(1000);
    matchesWhole(compilePattern('(?:(\\w+)=(\\w+); )*'), s, budget);
    assert.ok(budget.used < 6 * s.length, `${budget.used} steps for ${s.length} characters`);
  });

  it('caps the backtracking state an operation may hold', () => {
    // Every iteration of (?:a|b)* leaves two choice points; Java itself overflows its stack far sooner.
    const s = 'ab'.repeat(REGEX_MAX_BACKTRACK_ENTRIES / 2);
    const { error } = timedThrow(() => javaMatches(s, '(?:a|b)*c'));
    assert.ok(error instanceof RegexBudgetExceeded);
    assert.equal(error.limit, 'backtrack');
    assert.match(error.message, /^regular expression exceeded its backtracking memory limit/);
  });

  it('is shared by a render: many calls that each stay under their own limit still end', () => {
    // Each call costs about 600,000 steps, under its own 1,000,000; ten of them pass the render's limit.
    const compiled = compileTemplate(`#foreach($s in $input.path('$.list'))$s.matches('(a+)+b')#end`);
    const body = JSON.stringify({ list: Array.from({ length: 10 }, () => 'a'.repeat(16)) });
    const { error } = timedThrow(() => compiled.render(input({ body })));
    assert.ok(error instanceof VtlRenderError);
    assert.match(error.message, /^regular expressions exceeded the work limit of this template render \(\d+ steps\)/);
    // Outside a render each call has only its own limit, and each succeeds.
    for (let i = 0; i < 10; i++) assert.equal(javaMatches('a'.repeat(16), '(a+)+b'), false);
    // A render with one such call is fine.
    assert.equal(withRenderAllowance(() => javaMatches('a'.repeat(16), '(a+)+b')), false);
  });
});
