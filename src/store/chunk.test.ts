import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeChunk, forEachEntry } from './chunk.js';

describe('chunks', () => {
  const entries = [
    { partitionKey: 'a', data: Buffer.from('first') },
    { partitionKey: 'ключ', data: Buffer.alloc(0) },
    { partitionKey: 'k'.repeat(256), data: Buffer.alloc(70_000, 7) },
  ];

  it('round-trip keys (UTF-8) and data of any size', () => {
    const seen: Array<[number, string, number]> = [];
    forEachEntry(encodeChunk(entries), 0, (i, k, start, end) => (seen.push([i, k, end - start]), true));
    assert.deepEqual(seen, [[0, 'a', 5], [1, 'ключ', 0], [2, 'k'.repeat(256), 70_000]]);
  });

  it('skip leading entries and stop when told', () => {
    const seen: number[] = [];
    forEachEntry(encodeChunk(entries), 1, (i) => (seen.push(i), false));
    assert.deepEqual(seen, [1]);
  });
});
