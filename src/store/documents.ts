/**
 * Durable storage for control-plane documents (API definitions, deployments,
 * IAM entities...). Small JSON values addressed by (kind, id). Async so a
 * remote backend can implement it.
 *
 * Every stored document has a revision: a number that grows with every write
 * to the store (a KV bucket's sequence in cluster mode). Writers that must not
 * lose a race use `putIf`/`deleteIf` with the revision they read; the loser
 * gets RevisionConflict, re-reads and decides again. `watch` is the change
 * feed that keeps each process's caches current: it reports every change,
 * this process's own included, with its revision, so a cache applies a change
 * only when it is newer than what it holds.
 */
export interface DocumentStore {
  get<T>(kind: string, id: string): Promise<T | undefined>;
  /** Writes are durable when the promise resolves. Unconditional (last writer wins). */
  put<T>(kind: string, id: string, doc: T): Promise<void>;
  delete(kind: string, id: string): Promise<boolean>;
  /** All documents of a kind, ordered by id (a stored document that is not JSON is quarantined and left out). */
  list<T>(kind: string): Promise<Array<{ id: string; doc: T }>>;
  /**
   * Moves a document aside, kept under the kind `quarantine:<kind>` with the
   * reason, so that state which cannot be served is reported and kept for a
   * person to look at, and never stops the server from starting.
   */
  quarantine(kind: string, id: string, reason: string): Promise<void>;

  /** The document with its revision, read from the authoritative copy. */
  getVersioned<T>(kind: string, id: string): Promise<Versioned<T> | undefined>;
  /** Every document of a kind with its revision, ordered by id. */
  listVersioned<T>(kind: string): Promise<Array<Versioned<T> & { id: string }>>;
  /**
   * Writes `doc` if the stored revision is still `revision` (0: only if there
   * is no such document); resolves to the new revision, or rejects with
   * RevisionConflict.
   */
  putIf<T>(kind: string, id: string, doc: T, revision: number): Promise<number>;
  /** Deletes the document if its stored revision is still `revision`; RevisionConflict otherwise (absent counts as deleted: resolves). */
  deleteIf(kind: string, id: string, revision: number): Promise<void>;
  /** Calls `listener` for every change from now on (any process's, this one's too). Returns the unsubscribe function. */
  watch(listener: (change: DocumentChange) => void): () => void;
}

export interface Versioned<T> {
  readonly doc: T;
  readonly revision: number;
}

export interface DocumentChange {
  readonly kind: string;
  readonly id: string;
  /** The new document; undefined when it was deleted. */
  readonly doc: unknown;
  readonly revision: number;
}

/** A compare-and-set lost: the document changed (or appeared, or went) since it was read. */
export class RevisionConflict extends Error {
  constructor(readonly kind: string, readonly id: string, detail = '') {
    super(`${kind} ${JSON.stringify(id)} was changed by another writer${detail ? ` (${detail})` : ''}`);
    this.name = 'RevisionConflict';
  }
}

export const isRevisionConflict = (e: unknown): e is RevisionConflict => e instanceof Error && e.name === 'RevisionConflict';

/**
 * The store cannot be reached, or cannot answer with authority (a partition,
 * a leader election that did not finish in time). Callers answer the client
 * ServiceUnavailable; nothing was acknowledged.
 */
export class StoreUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoreUnavailable';
  }
}

export const isStoreUnavailable = (e: unknown): e is StoreUnavailable => e instanceof Error && e.name === 'StoreUnavailable';

/**
 * Runs `attempt` again while it loses compare-and-set races (each retry sees
 * the state the winner left), up to `tries` times.
 */
export async function retryOnConflict<T>(attempt: () => Promise<T>, tries = 8): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await attempt();
    } catch (e) {
      if (!isRevisionConflict(e) || i >= tries) throw e;
      // A little jitter so that racing writers do not collide again in lock step.
      await new Promise((r) => setTimeout(r, Math.random() * 5 * i));
    }
  }
}

/**
 * A read-modify-write of one document by compare-and-set: `change` gets the
 * stored document (undefined when there is none) and returns the one to
 * store, which is written only if the stored revision is still the one read
 * (0, "must not exist", when there was none). When another writer (another
 * node sharing the store) got there first, `change` runs again on the
 * document as that writer left it. Throwing from `change` stores nothing.
 * Resolves to what was stored and its revision.
 */
export function updateDocument<T>(
  docs: DocumentStore,
  kind: string,
  id: string,
  change: (current: T | undefined) => T | Promise<T>,
  tries?: number,
): Promise<Versioned<T>> {
  return retryOnConflict(async () => {
    const stored = await docs.getVersioned<T>(kind, id);
    const doc = await change(stored?.doc);
    const revision = await docs.putIf(kind, id, doc, stored?.revision ?? 0);
    return { doc, revision };
  }, tries);
}

/**
 * Deletes a document by compare-and-set on the revision read: `check` (which
 * may throw, e.g. AWS's not-found or in-use error) sees the stored document
 * first, and sees it again when it changed before the delete landed.
 * Resolves to the document deleted, or undefined when there was none.
 */
export function deleteDocument<T>(
  docs: DocumentStore,
  kind: string,
  id: string,
  check?: (current: T | undefined) => void | Promise<void>,
  tries?: number,
): Promise<T | undefined> {
  return retryOnConflict(async () => {
    const stored = await docs.getVersioned<T>(kind, id);
    await check?.(stored?.doc);
    if (!stored) return undefined;
    await docs.deleteIf(kind, id, stored.revision);
    return stored.doc;
  }, tries);
}
