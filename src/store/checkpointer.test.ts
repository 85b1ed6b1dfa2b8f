import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { BackgroundCheckpointer } from './checkpointer.js';

describe('BackgroundCheckpointer', () => {
  it('copies committed log into the database from its own thread, and closes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-ckpt-'));
    try {
      const file = join(dir, 'x.db');
      const db = new Database(file);
      db.pragma('journal_mode = WAL');
      db.pragma('wal_autocheckpoint = 0'); // only the worker may checkpoint
      db.exec('CREATE TABLE t (b BLOB)');
      const before = statSync(file).size;
      const errors: unknown[] = [];
      const checkpointer = new BackgroundCheckpointer(file, (e) => errors.push(e));
      const insert = db.prepare('INSERT INTO t VALUES (?)');
      for (let i = 0; i < 50; i++) insert.run(Buffer.alloc(64 * 1024, i));
      checkpointer.committed();
      const deadline = Date.now() + 5000;
      while (statSync(file).size < before + 50 * 64 * 1024 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      assert.ok(statSync(file).size >= before + 50 * 64 * 1024, 'the log was not copied into the database');
      await checkpointer.close();
      assert.deepEqual(errors, []);
      db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
