/**
 * The embedded backend: one SQLite database (WAL, synchronous=FULL) holding
 * shard records, control-plane documents and secrets.
 *
 * Appends from concurrent requests are group-committed: everything queued
 * while the event loop was busy goes into one transaction and one fsync, and
 * each caller's promise resolves only after that commit. Within a commit, the
 * records bound for one shard are packed into one chunk row (see chunk.ts), so
 * a write costs one row per shard per commit and a read one row per chunk.
 */
import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { BackgroundCheckpointer } from './checkpointer.js';
import { createPrivateFile, lockDataDir, makePrivate, prepareDataDir, type DataDirLock } from './data-dir.js';
import { ChunkWriter, entryDataLength, entryEnd, MAX_CHUNK_BYTES, MAX_CHUNK_RECORDS } from './chunk.js';
import { RevisionConflict, type DocumentChange, type DocumentStore, type Versioned } from './documents.js';
import { ShardSealed, type Appended, type NewRecord, type ReadOptions, type ReadResult, type RecordRun, type ShardRef, type StreamStore } from './stream-store.js';

interface PendingAppend {
  readonly records: readonly NewRecord[];
  readonly resolve: (r: Appended[]) => void;
  readonly reject: (e: unknown) => void;
}

interface ShardTail {
  n: number;
  arrivalMs: number;
}

/** A chunk being assembled during a commit. */
interface OpenChunk {
  readonly stream: number;
  readonly shard: number;
  readonly firstN: number;
  readonly arrivalMs: number;
  readonly entries: NewRecord[];
  bytes: number;
}

const DELETE_BATCH = 500;
const BACKGROUND_CHECKPOINTS_AFTER_BYTES = 16 * 1024 * 1024;

export class SqliteStore implements StreamStore, DocumentStore {
  private readonly db: Database.Database;
  /** stream → shard → its last position and arrival. */
  private readonly tails = new Map<number, Map<number, ShardTail>>();
  private readonly chunkWriter = new ChunkWriter();
  private pending: PendingAppend[] = [];
  private flushScheduled = false;
  private closed = false;
  /** Shards closed for writes ("stream:shard"); one process per data dir, so memory is enough. */
  private readonly sealed = new Set<string>();
  /** The last document revision given out (revisions grow with every document write). */
  private docRevision: number;
  private readonly listeners = new Set<(change: DocumentChange) => void>();

  private readonly stmt: Record<
    | 'insertChunk' | 'chunkAtOrBefore' | 'chunksFrom' | 'tail' | 'firstChunkFrom' | 'countBelow' | 'deleteBelow' | 'deleteStreamChunks'
    | 'docGet' | 'docPut' | 'docDelete' | 'docList' | 'metaGet' | 'metaPut'
    | 'docGetVersioned' | 'docListVersioned' | 'docInsert' | 'docUpdateIf' | 'docDeleteIf',
    Database.Statement
  >;
  private readonly commitBatch: (batch: PendingAppend[]) => Appended[][];
  private readonly file: string | undefined;
  private checkpointer?: BackgroundCheckpointer;
  private bytesWritten = 0;

  /** Start-up warnings for the operator (a data dir others can read, a stale lock taken over). */
  readonly warnings: readonly string[];
  private readonly lock: DataDirLock | undefined;
  /** Where problems with stored state are reported (the server's log once it is set up). */
  reportProblem: (line: string) => void = (line) => process.stderr.write(`sluice: ${line}\n`);

  /** `dir` undefined = in memory. */
  constructor(dir: string | undefined) {
    const warnings = dir !== undefined ? prepareDataDir(dir) : [];
    // Before anything touches the database: a second process on the same data dir is refused here.
    this.lock = dir !== undefined ? lockDataDir(dir) : undefined;
    if (this.lock?.tookOver) warnings.push(`data dir ${dir}: took over ${this.lock.tookOver}`);
    this.warnings = warnings;
    const file = dir === undefined ? undefined : join(dir, 'sluice.db');
    // The database holds secrets: 0600 from the moment it exists (SQLite gives the
    // log and shared-memory files the database file's mode).
    if (file !== undefined) createPrivateFile(file);
    try {
      this.db = new Database(file ?? ':memory:');
    } catch (e) {
      this.lock?.release();
      throw e;
    }
    // Takes effect only when the database is created. Larger pages mean fewer
    // log frames (and writes) per chunk.
    this.db.pragma('page_size = 16384');
    this.db.pragma('journal_mode = WAL');
    if (file !== undefined) makePrivate([file, `${file}-wal`, `${file}-shm`]);
    this.db.pragma('synchronous = FULL');
    this.db.pragma('cache_size = -4000');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS chunks (
        stream INTEGER NOT NULL, shard INTEGER NOT NULL,
        first_n INTEGER NOT NULL, last_n INTEGER NOT NULL, arrival INTEGER NOT NULL,
        records BLOB NOT NULL,
        PRIMARY KEY (stream, shard, first_n));
      CREATE TABLE IF NOT EXISTS documents (
        kind TEXT NOT NULL, id TEXT NOT NULL, doc TEXT NOT NULL,
        PRIMARY KEY (kind, id)) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    `);
    // Data dirs from before documents had revisions get the column, every existing document at revision 1 (0 means "absent").
    const columns = this.db.prepare('PRAGMA table_info(documents)').all() as Array<{ name: string }>;
    if (!columns.some((c) => c.name === 'revision')) {
      this.db.exec('ALTER TABLE documents ADD COLUMN revision INTEGER NOT NULL DEFAULT 0; UPDATE documents SET revision = 1');
    }
    this.docRevision = (this.db.prepare('SELECT COALESCE(MAX(revision), 0) AS r FROM documents').get() as { r: number }).r;
    const p = (sql: string): Database.Statement => this.db.prepare(sql);
    this.stmt = {
      insertChunk: p('INSERT INTO chunks (stream, shard, first_n, last_n, arrival, records) VALUES (?, ?, ?, ?, ?, ?)'),
      chunkAtOrBefore: p('SELECT first_n FROM chunks WHERE stream = ? AND shard = ? AND first_n <= ? ORDER BY first_n DESC LIMIT 1'),
      chunksFrom: p('SELECT first_n, last_n, arrival, records FROM chunks WHERE stream = ? AND shard = ? AND first_n >= ? AND first_n <= ? ORDER BY first_n'),
      tail: p('SELECT last_n, arrival FROM chunks WHERE stream = ? AND shard = ? ORDER BY first_n DESC LIMIT 1'),
      firstChunkFrom: p('SELECT first_n, arrival FROM chunks WHERE stream = ? AND shard = ? AND first_n >= ? ORDER BY first_n LIMIT 1'),
      countBelow: p('SELECT COALESCE(SUM(last_n - first_n + 1), 0) AS n FROM chunks WHERE stream = ? AND shard = ? AND first_n < ?'),
      deleteBelow: p('DELETE FROM chunks WHERE stream = ? AND shard = ? AND first_n < ?'),
      deleteStreamChunks: p('DELETE FROM chunks WHERE rowid IN (SELECT rowid FROM chunks WHERE stream = ? LIMIT ?)'),
      docGet: p('SELECT doc FROM documents WHERE kind = ? AND id = ?'),
      docPut: p('INSERT INTO documents (kind, id, doc, revision) VALUES (?, ?, ?, ?) ON CONFLICT (kind, id) DO UPDATE SET doc = excluded.doc, revision = excluded.revision'),
      docGetVersioned: p('SELECT doc, revision FROM documents WHERE kind = ? AND id = ?'),
      docListVersioned: p('SELECT id, doc, revision FROM documents WHERE kind = ? ORDER BY id'),
      docInsert: p('INSERT INTO documents (kind, id, doc, revision) VALUES (?, ?, ?, ?) ON CONFLICT (kind, id) DO NOTHING'),
      docUpdateIf: p('UPDATE documents SET doc = ?, revision = ? WHERE kind = ? AND id = ? AND revision = ?'),
      docDeleteIf: p('DELETE FROM documents WHERE kind = ? AND id = ? AND revision = ?'),
      docDelete: p('DELETE FROM documents WHERE kind = ? AND id = ?'),
      docList: p('SELECT id, doc FROM documents WHERE kind = ? ORDER BY id'),
      metaGet: p('SELECT value FROM meta WHERE key = ?'),
      metaPut: p('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value'),
    };
    this.stmt.chunksFrom.raw(true);
    this.commitBatch = this.db.transaction((batch: PendingAppend[]) => this.commit(batch));
    this.file = file;
  }

  /**
   * Checkpoints move to a worker thread once the store has taken a fair amount
   * of writes: a lightly used server does not need the thread (about 10 MiB).
   */
  private committed(): void {
    if (this.checkpointer) {
      this.checkpointer.committed();
      return;
    }
    if (this.file === undefined || this.bytesWritten < BACKGROUND_CHECKPOINTS_AFTER_BYTES) return;
    this.checkpointer = new BackgroundCheckpointer(this.file, (e) => {
      process.stderr.write(`sluice: background checkpoints stopped (${e instanceof Error ? e.message : String(e)}); SQLite checkpoints inline instead\n`);
    });
    this.checkpointer.committed();
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
    if (this.sealed.size > 0) {
      for (const r of records) if (this.sealed.has(`${r.stream}:${r.shard}`)) return Promise.reject(new ShardSealed(r));
    }
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

  async barrier(): Promise<void> {
    await this.append([]);
  }

  createShards(): Promise<void> {
    return Promise.resolve();
  }

  async seal(ref: ShardRef): Promise<number> {
    // Appends already queued are committed first; none can be queued for the shard after this.
    await this.barrier();
    this.sealed.add(`${ref.stream}:${ref.shard}`);
    return this.tail(ref).n;
  }

  private flush(): void {
    this.flushScheduled = false;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    let results: Appended[][];
    try {
      results = this.commitBatch(batch);
      this.committed();
    } catch (e) {
      for (const b of batch) b.reject(e);
      return;
    }
    batch.forEach((b, i) => b.resolve(results[i]!));
  }

  private tail(ref: ShardRef): ShardTail {
    let shards = this.tails.get(ref.stream);
    if (!shards) this.tails.set(ref.stream, (shards = new Map()));
    let t = shards.get(ref.shard);
    if (!t) {
      const row = this.stmt.tail.get(ref.stream, ref.shard) as { last_n: number; arrival: number } | undefined;
      t = { n: row?.last_n ?? 0, arrivalMs: row?.arrival ?? 0 };
      shards.set(ref.shard, t);
    }
    return t;
  }

  /**
   * Gives every record its position, packs each shard's records into chunks,
   * and writes them. If writing fails, the positions given out are taken back.
   */
  private commit(batch: PendingAppend[]): Appended[][] {
    const touched = new Map<ShardTail, { readonly n: number; readonly arrivalMs: number; chunk?: OpenChunk }>();
    const chunks: OpenChunk[] = [];
    const now = Date.now();
    try {
      const results = batch.map((b) => b.records.map((r) => {
        const t = this.tail(r);
        let state = touched.get(t);
        if (!state) touched.set(t, (state = { n: t.n, arrivalMs: t.arrivalMs }));
        const n = Math.max(t.n, r.after ?? 0) + 1;
        // Arrival times never go backwards within a shard (timestamp look-ups bisect on them).
        const arrivalMs = Math.max(now, t.arrivalMs);
        let c = state.chunk;
        if (!c || n !== c.firstN + c.entries.length || c.entries.length >= MAX_CHUNK_RECORDS || c.bytes + r.data.length > MAX_CHUNK_BYTES) {
          c = state.chunk = { stream: r.stream, shard: r.shard, firstN: n, arrivalMs, entries: [], bytes: 0 };
          chunks.push(c);
        }
        c.entries.push(r);
        c.bytes += r.data.length;
        t.n = n;
        t.arrivalMs = arrivalMs;
        return { n, arrivalMs: c.arrivalMs };
      }));
      for (const c of chunks) {
        const encoded = this.chunkWriter.encode(c.entries);
        this.stmt.insertChunk.run(c.stream, c.shard, c.firstN, c.firstN + c.entries.length - 1, c.arrivalMs, encoded);
        this.bytesWritten += encoded.length;
      }
      return results;
    } catch (e) {
      for (const [t, before] of touched) {
        t.n = before.n;
        t.arrivalMs = before.arrivalMs;
      }
      throw e;
    }
  }

  read(ref: ShardRef, o: ReadOptions): Promise<ReadResult> {
    const to = o.to ?? Number.MAX_SAFE_INTEGER;
    const first = (this.stmt.chunkAtOrBefore.get(ref.stream, ref.shard, o.from) as { first_n: number } | undefined)?.first_n ?? o.from;
    const runs: RecordRun[] = [];
    let count = 0;
    let dataBytes = 0;
    const rows = this.stmt.chunksFrom.iterate(ref.stream, ref.shard, first, to) as IterableIterator<[number, number, number, Buffer]>;
    for (const [firstN, lastN, arrivalMs, chunk] of rows) {
      // Chunks before the retention horizon are skipped whole: a chunk's records share its arrival.
      if (lastN < o.from || arrivalMs < o.notBeforeMs) continue;
      // Step over entries before the starting position, then take entries while the limits allow.
      let p = 0;
      for (let n = firstN; n < o.from; n++) p = entryEnd(chunk, p);
      const start = p;
      const runFirst = Math.max(firstN, o.from);
      let taken = 0;
      let full = false;
      for (let n = runFirst; n <= lastN; n++) {
        const size = entryDataLength(chunk, p);
        if (n > to || (dataBytes + size > o.maxBytes && count > 0) || count >= o.limit) {
          full = true;
          break;
        }
        dataBytes += size;
        count++;
        taken++;
        p = entryEnd(chunk, p);
      }
      if (taken > 0) runs.push({ chunk, start, firstN: runFirst, count: taken, arrivalMs });
      if (full || count >= o.limit) {
        rows.return?.();
        break;
      }
    }
    return Promise.resolve({ runs, count, dataBytes });
  }

  lastPosition(ref: ShardRef): Promise<number> {
    return Promise.resolve(this.tail(ref).n);
  }

  firstAtOrAfter(ref: ShardRef, ms: number): Promise<number | undefined> {
    return Promise.resolve(this.bisectArrival(ref, ms));
  }

  /**
   * The first position whose arrival is at or after `ms`. A chunk's records share
   * its arrival and arrivals never decrease, so bisect over chunk starts.
   */
  private bisectArrival(ref: ShardRef, ms: number): number | undefined {
    const probe = (from: number): { first_n: number; arrival: number } | undefined =>
      this.stmt.firstChunkFrom.get(ref.stream, ref.shard, from) as { first_n: number; arrival: number } | undefined;
    // reached(x): every chunk starting at or after position x arrived at or after ms.
    const reached = (x: number): boolean => {
      const row = probe(x);
      return row === undefined || row.arrival >= ms;
    };
    const first = probe(0);
    if (!first) return undefined;
    if (first.arrival >= ms) return first.first_n;
    let lo = first.first_n; // not reached
    let hi = this.tail(ref).n + 1; // reached: nothing starts there
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (reached(mid)) hi = mid;
      else lo = mid;
    }
    return probe(hi)?.first_n;
  }

  async trim(ref: ShardRef, beforeMs: number): Promise<number> {
    const cutoff = this.bisectArrival(ref, beforeMs) ?? this.tail(ref).n + 1;
    let total = 0;
    // Delete in steps so a large trim never stalls request handling for long.
    for (;;) {
      const first = this.stmt.firstChunkFrom.get(ref.stream, ref.shard, 0) as { first_n: number } | undefined;
      if (!first || first.first_n >= cutoff) break;
      const upTo = Math.min(cutoff, first.first_n + DELETE_BATCH * MAX_CHUNK_RECORDS);
      total += (this.stmt.countBelow.get(ref.stream, ref.shard, upTo) as { n: number }).n;
      this.stmt.deleteBelow.run(ref.stream, ref.shard, upTo);
      await new Promise((r) => setImmediate(r));
      if (this.closed) break;
    }
    return total;
  }

  async dropStream(stream: number): Promise<void> {
    this.tails.delete(stream);
    for (const key of this.sealed) if (key.startsWith(`${stream}:`)) this.sealed.delete(key);
    while (!this.closed && this.stmt.deleteStreamChunks.run(stream, DELETE_BATCH).changes > 0) {
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
    const text = JSON.stringify(doc);
    const revision = ++this.docRevision;
    this.stmt.docPut.run(kind, id, text, revision);
    this.changed(kind, id, text, revision);
    return Promise.resolve();
  }

  delete(kind: string, id: string): Promise<boolean> {
    const deleted = this.stmt.docDelete.run(kind, id).changes > 0;
    if (deleted) this.changed(kind, id, undefined, ++this.docRevision);
    return Promise.resolve(deleted);
  }

  getVersioned<T>(kind: string, id: string): Promise<Versioned<T> | undefined> {
    const row = this.stmt.docGetVersioned.get(kind, id) as { doc: string; revision: number } | undefined;
    return Promise.resolve(row ? { doc: JSON.parse(row.doc) as T, revision: row.revision } : undefined);
  }

  listVersioned<T>(kind: string): Promise<Array<Versioned<T> & { id: string }>> {
    const rows = this.stmt.docListVersioned.all(kind) as Array<{ id: string; doc: string; revision: number }>;
    const out: Array<Versioned<T> & { id: string }> = [];
    for (const r of rows) {
      try {
        out.push({ id: r.id, doc: JSON.parse(r.doc) as T, revision: r.revision });
      } catch (e) {
        this.quarantineRow(kind, r.id, r.doc, `not JSON (${(e as Error).message})`);
      }
    }
    return Promise.resolve(out);
  }

  putIf<T>(kind: string, id: string, doc: T, revision: number): Promise<number> {
    const text = JSON.stringify(doc);
    const next = this.docRevision + 1;
    const changes = revision === 0
      ? this.stmt.docInsert.run(kind, id, text, next).changes
      : this.stmt.docUpdateIf.run(text, next, kind, id, revision).changes;
    if (changes === 0) return Promise.reject(new RevisionConflict(kind, id, revision === 0 ? 'it exists' : `expected revision ${revision}`));
    this.docRevision = next;
    this.changed(kind, id, text, next);
    return Promise.resolve(next);
  }

  deleteIf(kind: string, id: string, revision: number): Promise<void> {
    if (this.stmt.docDeleteIf.run(kind, id, revision).changes > 0) {
      this.changed(kind, id, undefined, ++this.docRevision);
      return Promise.resolve();
    }
    const row = this.stmt.docGetVersioned.get(kind, id) as { revision: number } | undefined;
    return row ? Promise.reject(new RevisionConflict(kind, id, `expected revision ${revision}, found ${row.revision}`)) : Promise.resolve();
  }

  watch(listener: (change: DocumentChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Tells watchers, after the writer's own continuation has run (so a cache
   * that applied its write itself sees the echo as not newer).
   */
  private changed(kind: string, id: string, text: string | undefined, revision: number): void {
    if (this.listeners.size === 0) return;
    setImmediate(() => {
      let doc: unknown;
      try {
        doc = text === undefined ? undefined : JSON.parse(text);
      } catch {
        return;
      }
      for (const l of this.listeners) l({ kind, id, doc, revision });
    });
  }

  list<T>(kind: string): Promise<Array<{ id: string; doc: T }>> {
    const rows = this.stmt.docList.all(kind) as Array<{ id: string; doc: string }>;
    const out: Array<{ id: string; doc: T }> = [];
    for (const r of rows) {
      try {
        out.push({ id: r.id, doc: JSON.parse(r.doc) as T });
      } catch (e) {
        this.quarantineRow(kind, r.id, r.doc, `not JSON (${(e as Error).message})`);
      }
    }
    return Promise.resolve(out);
  }

  quarantine(kind: string, id: string, reason: string): Promise<void> {
    const row = this.stmt.docGet.get(kind, id) as { doc: string } | undefined;
    if (row) this.quarantineRow(kind, id, row.doc, reason);
    return Promise.resolve();
  }

  private quarantineRow(kind: string, id: string, raw: string, reason: string): void {
    const aside = JSON.stringify({ reason, quarantinedAt: new Date().toISOString(), document: raw });
    this.db.transaction(() => {
      this.stmt.docPut.run(`quarantine:${kind}`, id, aside, ++this.docRevision);
      this.stmt.docDelete.run(kind, id);
    })();
    this.changed(kind, id, undefined, ++this.docRevision);
    this.reportProblem(`store: ${kind} ${JSON.stringify(id)} in ${this.file ?? 'memory'} (table documents) could not be loaded: ${reason}; it was moved to kind quarantine:${kind}`);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    await this.checkpointer?.close();
    this.db.close();
    this.lock?.release();
  }
}
