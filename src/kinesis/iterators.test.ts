import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { IteratorCodec, javaDateString } from './iterators.js';

describe('shard iterators', () => {
  const codec = new IteratorCodec(randomBytes(32));
  const state = { streamName: 'my-stream.1', streamId: 7, shard: 3, position: 42, issuedMs: 1_700_000_000_000 };

  it('round-trip', () => {
    assert.deepEqual(codec.decode(codec.encode(state)), state);
  });

  it('fit in the 512 characters AWS allows, even for the longest stream name', () => {
    assert.ok(codec.encode({ ...state, streamName: 'x'.repeat(128) }).length <= 512);
  });

  it('are accepted inside literal double quotes', () => {
    assert.deepEqual(codec.decode(`"${codec.encode(state)}"`), state);
  });

  it('are rejected when any byte is altered', () => {
    const raw = Buffer.from(codec.encode(state), 'base64');
    for (const at of [5, 20, raw.length - 1]) {
      const bad = Buffer.from(raw);
      bad[at]! ^= 1;
      assert.equal(codec.decode(bad.toString('base64')), undefined, `byte ${at}`);
    }
  });

  it('from another server (another key) are rejected', () => {
    assert.equal(new IteratorCodec(randomBytes(32)).decode(codec.encode(state)), undefined);
  });

  it('reject garbage', () => {
    assert.equal(codec.decode('AAAAAAAAAAFYVN3VlFy'), undefined);
    assert.equal(codec.decode(''), undefined);
  });
});

describe('javaDateString', () => {
  it('prints times the way Java Date.toString does in UTC', () => {
    assert.equal(javaDateString(Date.UTC(2015, 0, 22, 1, 22, 2)), 'Thu Jan 22 01:22:02 UTC 2015');
  });
});
