/**
 * The embedded backend: one SQLite database (WAL, synchronous=FULL) holding
 * shard records, control-plane documents and secrets. Appends from concurrent
 * requests are group-committed: everything queued while the event loop was
 * busy goes into one transaction and one fsync, and each caller's promise
 * resolves only after that commit.
 */
import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { DocumentStore } from './documents.js';
import type { Appended, NewRecord, ReadOptions, ShardRef, StoredRecord, StreamStore } from './stream-store.js';

interface PendingAppend {
  readonly records: readonly NewRecord[];
  readonly resolve: (r: Appended[]) => void;
  readonly reject: (e: unknown) => void;
}

interface ShardTail {
  n: number;
  arrivalMs: number;
}

const DELETE_CHUNK = 5000;

export class SqliteStore implements StreamStore, DocumentStore {
  private readonly db: Database.Database;
  private readonly tails = new Map<string, ShardTail>();
  private pending: PendingAppend[] = [];
  private flushScheduled = false;
  private closed = false;

  private readonly stmt: {
    insert: Database.Statement;
    read: Database.Statement;
    readTo: Database.Statement;
    maxN: Database.Statement;
    firstFrom: Database.Statement;
    deleteBelow: Database.Statement;
    deleteStreamChunk: Database.Statement;
    docGet: Database.Statement;
    docPut: Database.Statement;
    docDelete: Database.Statement;
    docList: Database.Statement;
    metaGet: Database.Statement;
    metaPut: Database.Statement;
  };
  private readonly commitBatch: (batch: PendingAppend[]) => Appended[][];

  /** `dir` undefined = in memory. */
  constructor(dir: string | undefined) {
    if (dir !== undefined) mkdirSync(dir, { recursive: true });
    this.db = new Database(dir === undefined ? ':memory:' : join(dir, 'sluice.db'));
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('cache_size = -4000');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS records (
        stream INTEGER NOT NULL, shard INTEGER NOT NULL, n INTEGER NOT NULL,
        arrival INTEGER NOT NULL, pkey TEXT NOT NULL, data BLOB NOT NULL,
        PRIMARY KEY (stream, shard, n)) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS documents (
        kind TEXT NOT NULL, id TEXT NOT NULL, doc TEXT NOT NULL,
        PRIMARY KEY (kind, id)) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    `);
    const p = (sql: string): Database.Statement => this.db.prepare(sql);
    this.stmt = {
      insert: p('INSERT INTO records (stream, shard, n, arrival, pkey, data) VALUES (?, ?, ?, ?, ?, ?)'),
      read: p('SELECT n, arrival, pkey, data FROM records WHERE stream = ? AND shard = ? AND n >= ? AND arrival >= ? ORDER BY n LIMIT ?'),
      readTo: p('SELECT n, arrival, pkey, data FROM records WHERE stream = ? AND shard = ? AND n >= ? AND n <= ? AND arrival >= ? ORDER BY n LIMIT ?'),
      maxN: p('SELECT MAX(n) AS n, MAX(arrival) AS arrival FROM records WHERE stream = ? AND shard = ?'),
      firstFrom: p('SELECT n, arrival FROM records WHERE stream = ? AND shard = ? AND n >= ? ORDER BY n LIMIT 1'),
      deleteBelow: p('DELETE FROM records WHERE stream = ? AND shard = ? AND n < ?'),
      deleteStreamChunk: p('DELETE FROM records WHERE (stream, shard, n) IN (SELECT stream, shard, n FROM records WHERE stream = ? LIMIT ?)'),
      docGet: p('SELECT doc FROM documents WHERE kind = ? AND id = ?'),
      docPut: p('INSERT INTO documents (kind, id, doc) VALUES (?, ?, ?) ON CONFLICT (kind, id) DO UPDATE SET doc = excluded.doc'),
      docDelete: p('DELETE FROM documents WHERE kind = ? AND id = ?'),
      docList: p('SELECT id, doc FROM documents WHERE kind = ? ORDER BY id'),
      metaGet: p('SELECT value FROM meta WHERE key = ?'),
      metaPut: p('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value'),
    };
    this.stmt.read.raw(true);
    this.stmt.readTo.raw(true);
    this.commitBatch = this.db.transaction((batch: PendingAppend[]) => batch.map((b) => b.records.map((r) => this.insertOne(r))));
  }

  // ------------------------------------------------------------ records

  allocateStreamId(): Promise<number> {
    const row = this.stmt.metaGet.get('next-stream-id') as { value: string } | undefined;
    const id = row ? Number(row.value) : 1;
    this.stmt.metaPut.run('next-stream-id', String(id + 1));
    return Promise.resolve(id);
  }

  append(records: readonly NewRecord[]): Promise<Appended[]> {
    if (this.closed) return Promise.reject(new Error('store is closed'));
    return new Promise((resolve, reject) => {
      this.pending.push({ records, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        // setImmediate lets every request already read off the sockets queue its
        // records first, so one commit (one fsync) serves them all.
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.flushScheduled = false;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    const saved = new Map<string, ShardTail>();
    for (const b of batch) for (const r of b.records) {
      const key = `${r.stream}:${r.shard}`;
      if (!saved.has(key)) saved.set(key, { ...this.tail(r) });
    }
    let results: Appended[][];
    try {
      results = this.commitBatch(batch);
    } catch (e) {
      for (const [key, tail] of saved) this.tails.set(key, tail);
      for (const b of batch) b.reject(e);
      return;
    }
    batch.forEach((b, i) => b.resolve(results[i]!));
  }

  private tail(ref: ShardRef): ShardTail {
    const key = `${ref.stream}:${ref.shard}`;
    let t = this.tails.get(key);
    if (!t) {
      const row = this.stmt.maxN.get(ref.stream, ref.shard) as { n: number | null; arrival: number | null };
      t = { n: row.n ?? 0, arrivalMs: row.arrival ?? 0 };
      this.tails.set(key, t);
    }
    return t;
  }

  private insertOne(r: NewRecord): Appended {
    const t = this.tail(r);
    const n = Math.max(t.n, r.after ?? 0) + 1;
    const arrivalMs = Math.max(Date.now(), t.arrivalMs);
    this.stmt.insert.run(r.stream, r.shard, n, arrivalMs, r.partitionKey, r.data);
    t.n = n;
    t.arrivalMs = arrivalMs;
    return { n, arrivalMs };
  }

  async barrier(): Promise<void> {
    await this.append([]);
  }

  read(ref: ShardRef, o: ReadOptions): Promise<StoredRecord[]> {
    const rows = (o.to === undefined
      ? this.stmt.read.iterate(ref.stream, ref.shard, o.from, o.notBeforeMs, o.limit)
      : this.stmt.readTo.iterate(ref.stream, ref.shard, o.from, o.to, o.notBeforeMs, o.limit)) as IterableIterator<[number, number, string, Buffer]>;
    const out: StoredRecord[] = [];
    let bytes = 0;
    for (const [n, arrivalMs, partitionKey, data] of rows) {
      bytes += data.length;
      if (bytes > o.maxBytes && out.length > 0) {
        rows.return?.();
        break;
      }
      out.push({ n, arrivalMs, partitionKey, data });
    }
    return Promise.resolve(out);
  }

  lastPosition(ref: ShardRef): Promise<number> {
    return Promise.resolve(this.tail(ref).n);
  }

  firstAtOrAfter(ref: ShardRef, ms: number): Promise<number | undefined> {
    return Promise.resolve(this.bisectArrival(ref, ms));
  }

  /** Smallest stored position with arrival >= ms. Arrivals never decrease with n, so bisect on n. */
  private bisectArrival(ref: ShardRef, ms: number): number | undefined {
    const probe = (from: number): { n: number; arrival: number } | undefined =>
      this.stmt.firstFrom.get(ref.stream, ref.shard, from) as { n: number; arrival: number } | undefined;
    // reached(x): every record at or after position x arrived at or after ms.
    const reached = (x: number): boolean => {
      const row = probe(x);
      return row === undefined || row.arrival >= ms;
    };
    const first = probe(0);
    if (!first) return undefined;
    if (first.arrival >= ms) return first.n;
    let lo = first.n; // not reached
    let hi = this.tail(ref).n + 1; // reached: nothing stored there
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (reached(mid)) hi = mid;
      else lo = mid;
    }
    return probe(hi)?.n;
  }

  async trim(ref: ShardRef, beforeMs: number): Promise<number> {
    const cutoff = this.bisectArrival(ref, beforeMs) ?? this.tail(ref).n + 1;
    let total = 0;
    // Delete in chunks so a large trim never stalls request handling for long.
    for (;;) {
      const first = this.stmt.firstFrom.get(ref.stream, ref.shard, 0) as { n: number } | undefined;
      if (!first || first.n >= cutoff) break;
      const upTo = Math.min(cutoff, first.n + DELETE_CHUNK);
      total += this.stmt.deleteBelow.run(ref.stream, ref.shard, upTo).changes;
      await new Promise((r) => setImmediate(r));
      if (this.closed) break;
    }
    return total;
  }

  async dropStream(stream: number): Promise<void> {
    for (const key of [...this.tails.keys()]) if (key.startsWith(`${stream}:`)) this.tails.delete(key);
    while (!this.closed && this.stmt.deleteStreamChunk.run(stream, DELETE_CHUNK).changes > 0) {
      await new Promise((r) => setImmediate(r));
    }
  }

  secret(name: string): Promise<Buffer> {
    const key = `secret:${name}`;
    const row = this.stmt.metaGet.get(key) as { value: string } | undefined;
    if (row) return Promise.resolve(Buffer.from(row.value, 'hex'));
    const fresh = randomBytes(32);
    this.stmt.metaPut.run(key, fresh.toString('hex'));
    return Promise.resolve(fresh);
  }

  // ------------------------------------------------------------ documents

  get<T>(kind: string, id: string): Promise<T | undefined> {
    const row = this.stmt.docGet.get(kind, id) as { doc: string } | undefined;
    return Promise.resolve(row ? (JSON.parse(row.doc) as T) : undefined);
  }

  put<T>(kind: string, id: string, doc: T): Promise<void> {
    this.stmt.docPut.run(kind, id, JSON.stringify(doc));
    return Promise.resolve();
  }

  delete(kind: string, id: string): Promise<boolean> {
    return Promise.resolve(this.stmt.docDelete.run(kind, id).changes > 0);
  }

  list<T>(kind: string): Promise<Array<{ id: string; doc: T }>> {
    const rows = this.stmt.docList.all(kind) as Array<{ id: string; doc: string }>;
    return Promise.resolve(rows.map((r) => ({ id: r.id, doc: JSON.parse(r.doc) as T })));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    this.db.close();
  }
}
