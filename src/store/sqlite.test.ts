import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { recordsOf } from './chunk.js';
import { SqliteStore } from './sqlite.js';
import type { ReadOptions, ShardRef } from './stream-store.js';

const readAll = async (s: SqliteStore, ref: ShardRef, o: ReadOptions) => recordsOf((await s.read(ref, o)).runs);

const rec = (stream: number, shard: number, i: number) => ({ stream, shard, partitionKey: `k${i}`, data: Buffer.from(`d${i}`) });

describe('SqliteStore', () => {
  it('numbers records per shard from 1, in order, across concurrent appends', async () => {
    const s = new SqliteStore(undefined);
    const results = await Promise.all([s.append([rec(1, 0, 1), rec(1, 1, 2)]), s.append([rec(1, 0, 3)])]);
    assert.deepEqual(results.flat().map((r) => r.n), [1, 1, 2]);
    const read = await readAll(s, { stream: 1, shard: 0 }, { from: 0, limit: 10, maxBytes: 1e9, notBeforeMs: 0 });
    assert.deepEqual(read.map((r) => r.partitionKey), ['k1', 'k3']);
    await s.close();
  });

  it('reads from the middle of a chunk, across chunks, up to a limit or a last position', async () => {
    const s = new SqliteStore(undefined);
    const ref = { stream: 1, shard: 0 };
    await s.append([1, 2, 3, 4].map((i) => rec(1, 0, i))); // one chunk: positions 1–4
    await s.append([5, 6, 7].map((i) => rec(1, 0, i))); // another: 5–7
    const keys = async (o: Partial<ReadOptions>) => (await readAll(s, ref, { from: 0, limit: 100, maxBytes: 1e9, notBeforeMs: 0, ...o })).map((r) => `${r.n}:${r.partitionKey}`);
    assert.deepEqual(await keys({ from: 3, limit: 3 }), ['3:k3', '4:k4', '5:k5']);
    assert.deepEqual(await keys({ from: 2, to: 5 }), ['2:k2', '3:k3', '4:k4', '5:k5']);
    assert.deepEqual(await keys({ from: 6 }), ['6:k6', '7:k7']);
    assert.deepEqual(await keys({ from: 8 }), []);
    const read = await s.read(ref, { from: 3, limit: 3, maxBytes: 1e9, notBeforeMs: 0 });
    assert.equal(read.count, 3);
    assert.equal(read.dataBytes, 6);
    assert.equal(read.runs.length, 2);
    await s.close();
  });

  it('honours a minimum position (SequenceNumberForOrdering)', async () => {
    const s = new SqliteStore(undefined);
    await s.append([rec(1, 0, 1)]);
    const [r] = await s.append([{ ...rec(1, 0, 2), after: 100 }]);
    assert.equal(r!.n, 101);
    await s.close();
  });

  it('stops a read at the byte budget but always returns one record', async () => {
    const s = new SqliteStore(undefined);
    await s.append([1, 2, 3].map((i) => ({ stream: 1, shard: 0, partitionKey: 'k', data: Buffer.alloc(10) })));
    const read = await readAll(s, { stream: 1, shard: 0 }, { from: 0, limit: 10, maxBytes: 15, notBeforeMs: 0 });
    assert.equal(read.length, 1);
    await s.close();
  });

  it('finds the first record at or after a time, and trims before it', async () => {
    const s = new SqliteStore(undefined);
    const ref = { stream: 2, shard: 0 };
    for (let i = 0; i < 50; i++) await s.append([rec(2, 0, i)]);
    const all = await readAll(s, ref, { from: 0, limit: 100, maxBytes: 1e9, notBeforeMs: 0 });
    const pick = all[30]!;
    const first = await s.firstAtOrAfter(ref, pick.arrivalMs);
    assert.equal(all.find((r) => r.arrivalMs >= pick.arrivalMs)!.n, first);
    assert.equal(await s.firstAtOrAfter(ref, Date.now() + 60_000), undefined);
    const removed = await s.trim(ref, pick.arrivalMs);
    const left = await readAll(s, ref, { from: 0, limit: 100, maxBytes: 1e9, notBeforeMs: 0 });
    assert.equal(removed + left.length, 50);
    assert.equal(left[0]!.n, first);
    await s.close();
  });

  it('drops a whole stream and keeps numbering fresh ids', async () => {
    const s = new SqliteStore(undefined);
    const a = await s.allocateStreamId();
    const b = await s.allocateStreamId();
    assert.notEqual(a, b);
    await s.append([rec(a, 0, 1), rec(a, 1, 2)]);
    await s.dropStream(a);
    assert.equal((await readAll(s, { stream: a, shard: 0 }, { from: 0, limit: 10, maxBytes: 1e9, notBeforeMs: 0 })).length, 0);
    await s.close();
  });

  it('stores documents', async () => {
    const s = new SqliteStore(undefined);
    await s.put('k', 'b', { x: 2 });
    await s.put('k', 'a', { x: 1 });
    assert.deepEqual(await s.get('k', 'a'), { x: 1 });
    assert.deepEqual((await s.list('k')).map((d) => d.id), ['a', 'b']);
    assert.equal(await s.delete('k', 'a'), true);
    assert.equal(await s.get('k', 'a'), undefined);
    await s.close();
  });
});
