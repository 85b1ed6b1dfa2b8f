/** Specification of JSONPath as Jayway JsonPath evaluates it for $input.path / $input.json. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { JsonPathError, evaluateJsonPath } from './jsonpath.js';

const doc = {
  store: {
    book: [
      { category: 'fiction', title: 'A', price: 8, isbn: 'x' },
      { category: 'fiction', title: 'B', price: 12 },
      { category: 'reference', title: 'C', price: 5 },
    ],
    bicycle: { color: 'red', price: 20 },
  },
  'partition-key': 'pk',
};

describe('definite paths give one value', () => {
  it('reads names, quoted names and indexes', () => {
    assert.equal(evaluateJsonPath(doc, '$.store.bicycle.color'), 'red');
    assert.equal(evaluateJsonPath(doc, "$['partition-key']"), 'pk');
    assert.equal(evaluateJsonPath(doc, '$.store.book[1].title'), 'B');
    assert.equal(evaluateJsonPath(doc, '$.store.book[-1].title'), 'C');
    assert.equal(evaluateJsonPath(doc, '$'), doc);
  });
  it('gives undefined (Java null) for anything missing', () => {
    assert.equal(evaluateJsonPath(doc, '$.nope'), undefined);
    assert.equal(evaluateJsonPath(doc, '$.store.book[9].title'), undefined);
    assert.equal(evaluateJsonPath(doc, '$.store.bicycle.color.x'), undefined);
  });
  it('accepts a path without the $ root, as Jayway does', () => {
    assert.equal(evaluateJsonPath(doc, 'store.bicycle.price'), 20);
  });
});

describe('indefinite paths give a list', () => {
  it('wildcards, deep scan, unions and slices', () => {
    assert.deepEqual(evaluateJsonPath(doc, '$.store.book[*].title'), ['A', 'B', 'C']);
    assert.deepEqual(evaluateJsonPath(doc, '$..price'), [8, 12, 5, 20]);
    assert.deepEqual(evaluateJsonPath(doc, '$.store.book[0,2].title'), ['A', 'C']);
    assert.deepEqual(evaluateJsonPath(doc, '$.store.book[1:].title'), ['B', 'C']);
    assert.deepEqual(evaluateJsonPath(doc, '$.store.book[:-1].title'), ['A', 'B']);
  });
  it('filters with comparisons, existence, && and regular expressions', () => {
    assert.deepEqual(evaluateJsonPath(doc, '$.store.book[?(@.price < 10)].title'), ['A', 'C']);
    assert.deepEqual(evaluateJsonPath(doc, '$.store.book[?(@.isbn)].title'), ['A']);
    assert.deepEqual(evaluateJsonPath(doc, "$.store.book[?(@.category == 'fiction' && @.price > 10)].title"), ['B']);
    assert.deepEqual(evaluateJsonPath(doc, '$.store.book[?(@.title =~ /[AC]/)].price'), [8, 5]);
    assert.deepEqual(evaluateJsonPath(doc, "$.store.book[?(@.category in ['reference'])].title"), ['C']);
  });
  it('=~ is Java\'s Matcher.matches() as Jayway calls it: the whole value, Java syntax, flags after the slash', () => {
    // Jayway's RegexpEvaluator: pattern.matcher(input).matches(); numbers and booleans by their text.
    assert.deepEqual(evaluateJsonPath(doc, '$.store.book[?(@.category =~ /fic/)].title'), []);
    assert.deepEqual(evaluateJsonPath(doc, '$.store.book[?(@.category =~ /fic.*/)].title'), ['A', 'B']);
    assert.deepEqual(evaluateJsonPath(doc, '$.store.book[?(@.category =~ /FICTION/i)].title'), ['A', 'B']);
    assert.deepEqual(evaluateJsonPath(doc, '$.store.book[?(@.price =~ /\\d/)].title'), ['A', 'C']);
    assert.deepEqual(evaluateJsonPath(doc, '$.store.book[?(@.title =~ /\\p{Upper}++/)].price'), [8, 12, 5]);
    assert.throws(() => evaluateJsonPath(doc, '$.store.book[?(@.title =~ /(a/)]'), /PatternSyntaxException: Unclosed group/);
  });
  it('supports length() at the end', () => {
    assert.equal(evaluateJsonPath(doc, '$.store.book.length()'), 3);
  });
});

describe('invalid paths', () => {
  it('throw JsonPathError with the position', () => {
    assert.throws(() => evaluateJsonPath(doc, '$.store[?(@.price <'), JsonPathError);
    assert.throws(() => evaluateJsonPath(doc, '$.a[1'), /expected \]/);
  });
});
