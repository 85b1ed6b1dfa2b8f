import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evenSplit, MAX_HASH_KEY } from './hashing.js';
import { explicitHash, partitionKeyHash } from './routing.js';

describe('hash key space', () => {
  it('splits five shards exactly as the tutorial shows', () => {
    const r = evenSplit(5);
    assert.equal(r[0]!.start, 0n);
    assert.equal(r[0]!.end.toString(), '68056473384187692692674921486353642290');
    assert.equal(r[4]!.start.toString(), '272225893536750770770699685945414569164');
    assert.equal(r[4]!.end.toString(), '340282366920938463463374607431768211455');
  });

  it('leaves no gaps and no overlaps', () => {
    for (const n of [1, 2, 3, 7, 100]) {
      const r = evenSplit(n);
      assert.equal(r[0]!.start, 0n);
      assert.equal(r[n - 1]!.end, MAX_HASH_KEY);
      for (let i = 1; i < n; i++) assert.equal(r[i]!.start, r[i - 1]!.end + 1n);
    }
  });

  it('hashes a partition key as the MD5 of its UTF-8 bytes, big-endian', () => {
    // md5("a") = 0cc175b9c0f1b6a831c399e269772661
    assert.equal(BigInt('0x' + partitionKeyHash('a')), 0x0cc175b9c0f1b6a831c399e269772661n);
    assert.notEqual(partitionKeyHash('é'), partitionKeyHash('e'));
  });

  it('compares hash keys as 32-digit hex, ordered like the integers', () => {
    assert.equal(explicitHash('0'), '0'.repeat(32));
    assert.equal(explicitHash(MAX_HASH_KEY.toString()), 'f'.repeat(32));
    assert.equal(explicitHash((MAX_HASH_KEY + 1n).toString()), undefined);
    assert.ok(explicitHash('9')! < explicitHash('10')!);
  });
});
