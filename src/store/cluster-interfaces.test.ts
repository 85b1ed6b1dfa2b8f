/** What cluster mode added to the store interfaces, on the embedded store: revisions, compare-and-set, the change feed, sealing, wake-up marks. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { isRevisionConflict, retryOnConflict, type DocumentChange } from './documents.js';
import { SqliteStore } from './sqlite.js';
import { isShardSealed } from './stream-store.js';
import { LocalWakeups } from './wakeups.js';

describe('store interfaces for a cluster, on SQLite', () => {
  it('compare-and-set: create only when absent, update only from the revision read, delete likewise', async () => {
    const s = new SqliteStore(undefined);
    const r1 = await s.putIf('k', 'a', { v: 1 }, 0);
    await assert.rejects(s.putIf('k', 'a', { v: 9 }, 0), isRevisionConflict);
    const r2 = await s.putIf('k', 'a', { v: 2 }, r1);
    assert.ok(r2 > r1);
    await assert.rejects(s.putIf('k', 'a', { v: 3 }, r1), isRevisionConflict);
    assert.deepEqual(await s.getVersioned('k', 'a'), { doc: { v: 2 }, revision: r2 });
    await assert.rejects(s.deleteIf('k', 'a', r1), isRevisionConflict);
    await s.deleteIf('k', 'a', r2);
    assert.equal(await s.getVersioned('k', 'a'), undefined);
    await s.deleteIf('k', 'a', r2); // absent counts as deleted
    assert.ok((await s.putIf('k', 'a', { v: 4 }, 0)) > r2);
    await s.close();
  });

  it('retryOnConflict redoes the read-modify-write until it lands', async () => {
    const s = new SqliteStore(undefined);
    await s.putIf('counter', 'c', { n: 0 }, 0);
    const bump = (): Promise<number> => retryOnConflict(async () => {
      const cur = (await s.getVersioned<{ n: number }>('counter', 'c'))!;
      await new Promise((r) => setImmediate(r));
      return s.putIf('counter', 'c', { n: cur.doc.n + 1 }, cur.revision);
    }, 50);
    await Promise.all(Array.from({ length: 10 }, bump));
    assert.equal((await s.get<{ n: number }>('counter', 'c'))!.n, 10);
    await s.close();
  });

  it('the change feed reports every write with its revision, after the writer has moved on', async () => {
    const s = new SqliteStore(undefined);
    const seen: DocumentChange[] = [];
    s.watch((c) => seen.push(c));
    const r = await s.putIf('k', 'x', { a: 1 }, 0);
    assert.equal(seen.length, 0, 'not before the writer continued');
    await s.put('k', 'y', { b: 2 });
    await s.delete('k', 'y');
    await new Promise((res) => setImmediate(res));
    assert.deepEqual(seen.map((c) => [c.kind, c.id, c.doc]), [['k', 'x', { a: 1 }], ['k', 'y', { b: 2 }], ['k', 'y', undefined]]);
    assert.equal(seen[0]!.revision, r);
    assert.ok(seen[2]!.revision > seen[1]!.revision);
    await s.close();
  });

  it('a data dir from before revisions opens with its documents at revision 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-rev-'));
    try {
      const s = new SqliteStore(dir);
      await s.put('k', 'old', { v: 1 });
      await s.close();
      const again = new SqliteStore(dir);
      const v = await again.getVersioned('k', 'old');
      assert.ok(v && v.revision >= 1);
      await again.putIf('k', 'old', { v: 2 }, v.revision);
      await again.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a sealed shard refuses appends and reports its final position', async () => {
    const s = new SqliteStore(undefined);
    const ref = { stream: 1, shard: 0 };
    const pending = s.append([{ ...ref, partitionKey: 'a', data: Buffer.from('1') }]);
    const end = await s.seal(ref);
    assert.equal((await pending)[0]!.n, 1);
    assert.equal(end, 1);
    await assert.rejects(s.append([{ ...ref, partitionKey: 'b', data: Buffer.from('2') }]), isShardSealed);
    assert.equal((await s.append([{ stream: 1, shard: 1, partitionKey: 'c', data: Buffer.from('3') }]))[0]!.n, 1);
    assert.equal(await s.seal(ref), 1);
    await s.close();
  });

  it('a wake-up that comes while a reader reads is not lost', async () => {
    const w = new LocalWakeups();
    const ref = { stream: 1, shard: 0 };
    const mark = w.mark(ref);
    w.signal(ref); // lands "during the read"
    const t0 = Date.now();
    await w.wait(ref, 5000, new AbortController().signal, mark);
    assert.ok(Date.now() - t0 < 100);
  });
});
