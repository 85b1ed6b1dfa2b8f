import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encode, Tag } from 'cbor-x';
import { CborRejected, scanCbor } from './cbor-scan.js';

const rejected = (bytes: Uint8Array | number[]): void => assert.throws(() => scanCbor(Uint8Array.from(bytes)), CborRejected);

describe('the CBOR structure walk', () => {
  it('accepts what the SDKs send, whatever the shape', () => {
    const docs = [
      { StreamName: 's', Records: [{ Data: Buffer.from('x'), PartitionKey: 'k' }, { Data: Buffer.alloc(0), PartitionKey: 'é' }] },
      { Limit: 10000, ShardIterator: 'abc', Nested: { a: [1, -1, 2 ** 40, -(2 ** 40), 1.5, true, false, null, undefined] } },
      { T: new Tag(1700000000000, 1), Big: new Tag(Buffer.from([1, 0]), 2) },
      [], {}, 'text', 0, -1, 3.25,
    ];
    for (const d of docs) scanCbor(encode(d));
  });

  it('accepts indefinite-length arrays, maps and strings', () => {
    scanCbor(Uint8Array.from([0x9f, 0x01, 0x02, 0xff]));
    scanCbor(Uint8Array.from([0xbf, 0x61, 0x61, 0x01, 0xff]));
    scanCbor(Uint8Array.from([0x7f, 0x61, 0x61, 0x62, 0x62, 0x63, 0xff]));
  });

  it('refuses a large bignum at once, without decoding it', () => {
    const big = new Uint8Array(4 + 256 * 1024);
    big.set([0xc2, 0x5a, 0x00, 0x04, 0x00, 0x00]);
    const started = performance.now();
    assert.throws(() => scanCbor(big), /bignum of 262144 bytes/);
    // Decoding it took cbor-x over a minute; refusing it is a header read. The bound is loose on purpose.
    assert.ok(performance.now() - started < 1000);
  });

  it('refuses nesting deeper than any request needs', () => {
    rejected([...Array(40).fill(0x81), 0x01]);
    scanCbor(Uint8Array.from([...Array(30).fill(0x81), 0x01]));
  });

  it('refuses lengths and counts the body cannot hold', () => {
    rejected([0x5a, 0xff, 0xff, 0xff, 0xff]);
    rejected([0x9b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
    rejected([0xba, 0x10, 0x00, 0x00, 0x00, 0x01, 0x02]);
  });

  it('refuses malformed documents', () => {
    rejected([]);
    rejected([0x82, 0x01]); // truncated array
    rejected([0x01, 0x02]); // two items
    rejected([0xff]); // a break with nothing open
    rejected([0x1c]); // reserved additional information
    rejected([0x7f, 0x41, 0x61, 0xff]); // a byte-string chunk inside a text string
    rejected([0xc2, 0x01]); // a bignum that is not a byte string
  });

  it('walks a large PutRecords document', () => {
    scanCbor(encode({ Records: Array.from({ length: 20_000 }, (_, i) => ({ Data: Buffer.alloc(40, i), PartitionKey: `k${i}` })) }));
  });
});
