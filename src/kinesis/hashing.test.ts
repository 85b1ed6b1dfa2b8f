import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evenSplit, hashKeyOf, MAX_HASH_KEY } from './hashing.js';

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
    assert.equal(hashKeyOf('a'), 0x0cc175b9c0f1b6a831c399e269772661n);
    // md5("é") = 8d9f6cb0d5e2c4a57aa4b5d8fd6e2ee4 would differ from Latin-1; check UTF-8 length matters
    assert.notEqual(hashKeyOf('é'), hashKeyOf('e'));
  });
});
