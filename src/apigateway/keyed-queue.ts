/**
 * Runs work for one key at a time, in call order, within this process. An
 * optimisation only: what makes concurrent changes correct is the store's
 * compare-and-set (another process may change the same document at any time);
 * queueing a process's own changes to one document spares them lost races.
 */
export class KeyedQueue {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const next = previous.then(work, work);
    const settled = next.catch(() => undefined);
    this.tails.set(key, settled);
    void settled.then(() => {
      if (this.tails.get(key) === settled) this.tails.delete(key);
    });
    return next;
  }
}
