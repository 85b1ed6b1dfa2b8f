import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cborEncoder, cborOutput } from '../protocol/cbor-output.js';
import { jsonText, jsonWriter } from '../protocol/json-writer.js';
import { shapeOutput } from '../protocol/shapes.js';
import { encodeChunk, entryEnd } from '../store/chunk.js';
import type { ReadResult, RecordRun } from '../store/stream-store.js';
import { kinesisModel } from './model.js';
import { StoredRecordList } from './stored-records.js';
import type { ShardMeta } from './streams.js';

const shard = { index: 3, createdMs: 1_764_000_000_123 } as ShardMeta;

/** A read of `keys.length` records stored in one chunk, each key with data of the matching size. */
function stored(keys: string[], sizes: number[], firstN: number, arrivalMs: number, skip = 0): RecordRun {
  const chunk = encodeChunk(keys.map((k, i) => ({ partitionKey: k, data: Buffer.from(Array.from({ length: sizes[i]! }, (_, j) => (j * 37 + i) & 255)) })));
  let start = 0;
  for (let i = 0; i < skip; i++) start = entryEnd(chunk, start);
  return { chunk, start, firstN: firstN + skip, count: keys.length - skip, arrivalMs };
}

const readOf = (runs: RecordRun[]): ReadResult => ({ runs, count: runs.reduce((n, r) => n + r.count, 0), dataBytes: 0 });

/** The list writes exactly what the generic writers write for its items, in JSON and in CBOR. */
function same(read: ReadResult, encrypted: boolean): void {
  const list = new StoredRecordList(read, shard, encrypted);
  const output = { shape: 'GetRecordsOutput' };
  const write = jsonWriter(kinesisModel, output.shape);
  const direct = write({ Records: list, MillisBehindLatest: 0 }).bytes().toString('utf8');
  const generic = JSON.stringify(shapeOutput(kinesisModel, output, { Records: list.items(), MillisBehindLatest: 0 }, 'json'));
  assert.equal(direct, generic);
  assert.equal(jsonText(kinesisModel, output.shape, { Records: list, MillisBehindLatest: 0 }), generic, 'the string form of the writer too');
  const answer = { Records: list, NextShardIterator: 'AAAA', MillisBehindLatest: 12 };
  const cbor = cborOutput(kinesisModel, output, answer).bytes();
  const cborGeneric = cborEncoder.encode(shapeOutput(kinesisModel, output, { ...answer, Records: list.items() }, 'cbor'));
  assert.equal(cbor.toString('hex'), Buffer.from(cborGeneric).toString('hex'));
}

describe('records written straight from storage', () => {
  it('match the generic writer: data of every length modulo 3, small and large', () => {
    const sizes = [0, 1, 2, 3, 4, 5, 99, 100, 1023, 1024, 1025, 1026, 5000, 70_000];
    same(readOf([stored(sizes.map((s) => `k${s}`), sizes, 1, 1_764_000_000_001)]), false);
  });

  it('match it for keys that need escaping or are not ASCII', () => {
    const keys = ['plain', 'quo"te', 'back\\slash', 'ctl\u0001', 'emoji😀', 'tab\t', 'ünïcödé', '\u2028', '', 'x'.repeat(256), '\u007f'];
    same(readOf([stored(keys, keys.map(() => 7), 0, 1_000)]), false);
  });

  it('match it across runs, with skipped leading entries, huge positions and encryption', () => {
    const a = stored(['a', 'b', 'c'], [1, 2, 3], 10, 1_764_000_000_000, 1);
    const b = stored(['d'], [4], Number.MAX_SAFE_INTEGER, 1_764_000_000_500);
    same(readOf([a, b]), true);
    same(readOf([a, b]), false);
  });

  it('match it for random keys and data (fixed seed)', () => {
    let seed = 42;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    // Code points from every class JSON treats differently: controls, quote, backslash, ASCII, BMP, astral.
    const pick = (): string => {
      const kind = random(6);
      if (kind === 0) return String.fromCharCode(random(0x20));
      if (kind === 1) return random(2) === 0 ? '"' : '\\';
      if (kind === 2) return String.fromCharCode(0x20 + random(0x5f));
      if (kind === 3) return String.fromCharCode(0xa0 + random(0xd700));
      if (kind === 4) return String.fromCodePoint(0x10000 + random(0xfffff));
      return String.fromCharCode(0xe000 + random(0x1f00));
    };
    for (let round = 0; round < 20; round++) {
      const count = 1 + random(40);
      const keys = Array.from({ length: count }, () => Array.from({ length: 1 + random(30) }, pick).join('').slice(0, 256));
      const sizes = Array.from({ length: count }, () => (random(4) === 0 ? random(5000) : random(300)));
      same(readOf([stored(keys, sizes, random(1_000_000), 1_700_000_000_000 + random(1_000_000))]), random(2) === 0);
    }
  });

  it('write an empty list as []', () => {
    same(readOf([]), false);
    assert.equal(new StoredRecordList(readOf([]), shard, false).length, 0);
  });
});
