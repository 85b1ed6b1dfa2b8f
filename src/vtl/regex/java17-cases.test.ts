/**
 * Replays java17-cases.ts: every case must give what OpenJDK 17's java.util.regex gave, down to
 * group bounds and exception messages.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StepBudget } from './budget.js';
import { compilePattern, javaMatches, javaReplaceAll, javaReplaceFirst, javaSplit } from './index.js';
import { CURATED, RANDOM, type JavaCase } from './java17-cases.js';
import { Matcher } from './match.js';

/** Cases whose error message knowingly differs from Java's (the exception class still matches). */
const MESSAGE_DIFFERENCES: Record<string, string> = {
  '\\p{InFoo}': 'Sluice knows a few Unicode blocks only, so it cannot tell an unknown block from one it does not support',
};

function run(c: JavaCase): unknown {
  switch (c.op) {
    case 'matches': return javaMatches(c.input, c.pattern);
    case 'replaceAll': return javaReplaceAll(c.input, c.pattern, c.replacement!);
    case 'replaceFirst': return javaReplaceFirst(c.input, c.pattern, c.replacement!);
    case 'split': return javaSplit(c.input, c.pattern, c.limit!);
    case 'find': {
      const m = new Matcher(compilePattern(c.pattern), c.input, new StepBudget(1e8));
      const found: number[][][] = [];
      while (m.find()) {
        const groups: number[][] = [];
        for (let g = 0; g <= m.groupCount; g++) groups.push([m.groups[2 * g]!, m.groups[2 * g + 1]!]);
        found.push(groups);
      }
      return found;
    }
  }
}

function check(c: JavaCase): void {
  const label = `${c.op} ${JSON.stringify(c.pattern)} on ${JSON.stringify(c.input)}`;
  if (typeof c.expected === 'object' && c.expected !== null && 'error' in c.expected) {
    const expected = c.expected.error;
    assert.throws(() => run(c), (e: Error) => {
      if (MESSAGE_DIFFERENCES[c.pattern]) {
        assert.equal(e.message.slice(0, e.message.indexOf(':')), expected.slice(0, expected.indexOf(':')), label);
      } else {
        assert.equal(e.message, expected, label);
      }
      return true;
    }, label);
    return;
  }
  assert.deepEqual(run(c), c.expected, label);
}

describe('agreement with OpenJDK 17 (java17-cases.ts)', () => {
  it(`the ${CURATED.length} curated cases`, () => {
    for (const c of CURATED) check(c);
  });
  it(`the ${RANDOM.length} generated cases`, () => {
    for (const c of RANDOM) check(c);
  });
});
