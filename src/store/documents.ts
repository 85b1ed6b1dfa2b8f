/**
 * Durable storage for control-plane documents (API definitions, deployments,
 * IAM entities...). Small JSON values addressed by (kind, id). Async so a
 * remote backend can implement it.
 */
export interface DocumentStore {
  get<T>(kind: string, id: string): Promise<T | undefined>;
  /** Writes are durable when the promise resolves. */
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
}
