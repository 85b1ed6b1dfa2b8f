/**
 * The current (undeployed) state of every REST API: what the management API
 * reads and edits, what TestInvokeMethod runs, and what CreateDeployment
 * snapshots. Stored documents are never mutated in place: an edit works on a
 * copy and replaces the API as a whole, so a snapshot taken by a deployment
 * (or cached compiled for TestInvokeMethod) never changes under its holder.
 * Every write is a compare-and-set on the stored revision (see edit); edits
 * of one API also run one at a time within a process, which only saves
 * retries. A failed edit stores nothing.
 */
import { retryOnConflict } from '../store/documents.js';
import { notFound } from './errors.js';
import type { RestApi } from './model.js';
import type { ApiRepository } from './persistence.js';
import { KeyedQueue } from './keyed-queue.js';

/** A writable deep copy of a model type, for edits. */
export type Draft<T> = T extends ReadonlyArray<infer U>
  ? Draft<U>[]
  : T extends object
    ? { -readonly [K in keyof T]: Draft<T[K]> }
    : T;

export class RestApiStore {
  private readonly cache = new Map<string, RestApi>();
  private readonly queue = new KeyedQueue();

  constructor(
    private readonly repo: ApiRepository,
    private readonly accountId: string,
  ) {}

  async find(id: string): Promise<RestApi | undefined> {
    const cached = this.cache.get(id);
    if (cached) return cached;
    const stored = await this.repo.getApi(id);
    if (stored) this.cache.set(id, stored);
    return stored;
  }

  /** The API, or AWS's NotFoundException for an unknown id. */
  async require(id: string): Promise<RestApi> {
    const api = await this.find(id);
    if (!api) throw notFound(`Invalid API identifier specified ${this.accountId}:${id}`);
    return api;
  }

  /** Every API, oldest first. */
  async list(): Promise<RestApi[]> {
    const apis = (await this.repo.listApis()).map((a) => this.cache.get(a.id) ?? a);
    return apis.sort((a, b) => a.createdDate - b.createdDate || a.id.localeCompare(b.id));
  }

  /** Stores a new API (CreateRestApi, ImportRestApi): a create, refused (RevisionConflict) if the id is taken. */
  create(api: RestApi): Promise<void> {
    return this.serialized(api.id, async () => {
      await this.repo.putApiIf(api, 0);
      this.cache.set(api.id, api);
    });
  }

  /** Stores a whole API in place of the stored one, or as a new one (file deploys), by compare-and-set on the revision read. */
  replace(api: RestApi): Promise<void> {
    return this.serialized(api.id, async () => {
      await this.repo.replaceApi(api);
      this.cache.set(api.id, api);
    });
  }

  /**
   * Applies `change` to a copy of the API and stores the copy; whatever
   * `change` returns is passed on. Throwing leaves the API as it was.
   */
  edit<T>(id: string, change: (draft: Draft<RestApi>, current: RestApi) => T | Promise<T>): Promise<T> {
    // Compare-and-set on the stored revision: an edit made meanwhile by another process sharing the
    // store (cluster mode) makes this one run again on the API as that process left it.
    return this.serialized(id, () => retryOnConflict(async () => {
      const stored = await this.repo.getApiVersioned(id);
      if (!stored) {
        this.cache.delete(id);
        throw notFound(`Invalid API identifier specified ${this.accountId}:${id}`);
      }
      const current = stored.doc;
      const draft = structuredClone(current) as Draft<RestApi>;
      const result = await change(draft, current);
      await this.repo.putApiIf(draft as RestApi, stored.revision);
      this.cache.set(id, draft as RestApi);
      return result;
    }));
  }

  delete(id: string): Promise<void> {
    return this.serialized(id, async () => {
      await this.repo.deleteApi(id, (current) => {
        if (!current) {
          this.cache.delete(id);
          throw notFound(`Invalid API identifier specified ${this.accountId}:${id}`);
        }
      });
      this.cache.delete(id);
    });
  }

  /** Another node changed (or deleted) the API: the next read takes it from the store. */
  forget(id: string): void {
    this.cache.delete(id);
  }

  private serialized<T>(id: string, work: () => Promise<T>): Promise<T> {
    return this.queue.run(id, work);
  }
}
