import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeChunk, entryDataLength, entryEnd, recordsOf } from './chunk.js';

describe('chunks', () => {
  const entries = [
    { partitionKey: 'a', data: Buffer.from('first') },
    { partitionKey: 'ключ', data: Buffer.alloc(0) },
    { partitionKey: 'k'.repeat(256), data: Buffer.alloc(70_000, 7) },
  ];

  const run = (chunk: Buffer, start: number, count: number) => ({ chunk, start, count, firstN: 7, arrivalMs: 1 });

  it('round-trip keys (UTF-8) and data of any size', () => {
    const chunk = encodeChunk(entries);
    const seen = recordsOf([run(chunk, 0, 3)]).map((r) => [r.n, r.partitionKey, r.data.end - r.data.start]);
    assert.deepEqual(seen, [[7, 'a', 5], [8, 'ключ', 0], [9, 'k'.repeat(256), 70_000]]);
  });

  it('step from entry to entry without decoding', () => {
    const chunk = encodeChunk(entries);
    const second = entryEnd(chunk, 0);
    assert.equal(entryDataLength(chunk, second), 0);
    const [r] = recordsOf([run(chunk, second, 1)]);
    assert.equal(r!.partitionKey, 'ключ');
  });
});
