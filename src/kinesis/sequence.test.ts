import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatSequence, parseSequence } from './sequence.js';

describe('sequence numbers', () => {
  const shard = { shardCreatedMs: 1_700_000_000_123, shard: 4 };

  it('are 56 digits, like AWS', () => {
    assert.match(formatSequence({ ...shard, n: 1 }), /^49\d{54}$/);
  });

  it('round-trip through parse', () => {
    assert.deepEqual(parseSequence(formatSequence({ ...shard, n: 987654321 })), { ...shard, n: 987654321 });
  });

  it('increase with position as strings compare (same length)', () => {
    const a = formatSequence({ ...shard, n: 9 });
    const b = formatSequence({ ...shard, n: 10 });
    assert.ok(BigInt(a) < BigInt(b));
  });

  it('of a later shard exceed those of an earlier one', () => {
    const parent = formatSequence({ ...shard, n: 5_000_000 });
    const child = formatSequence({ shardCreatedMs: shard.shardCreatedMs + 1, shard: 5, n: 0 });
    assert.ok(BigInt(child) > BigInt(parent));
  });

  it('reject anything that is not ours', () => {
    assert.equal(parseSequence('0'), undefined);
    assert.equal(parseSequence('12345'), undefined);
    assert.equal(parseSequence('4'.repeat(56)), undefined);
  });
});
