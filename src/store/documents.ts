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
  /** All documents of a kind, ordered by id. */
  list<T>(kind: string): Promise<Array<{ id: string; doc: T }>>;
}
