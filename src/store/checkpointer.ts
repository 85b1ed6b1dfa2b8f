/**
 * The write-ahead log's checkpoints, moved off the request thread.
 *
 * With SQLite's WAL, commits append to the log and a checkpoint later copies
 * the log back into the database file. Left to SQLite, that copy (megabytes,
 * plus an fsync of the database) runs inside whichever commit crosses the
 * threshold, and that request waits for it. Here a worker thread with its
 * own connection runs PASSIVE checkpoints (which never block the writer or
 * wait for it) shortly after commits, so the writer nearly always finds the
 * log copied and starts it over. SQLite's own automatic checkpoint stays on
 * as a backstop, should the worker fall behind or fail.
 */
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';

/** How often the worker looks for new commits. */
const INTERVAL_MS = 5;

export interface CheckpointerData {
  readonly file: string;
  readonly signal: SharedArrayBuffer;
  readonly intervalMs: number;
}

export class BackgroundCheckpointer {
  private readonly worker: Worker;
  private readonly dirty: Int32Array;

  constructor(file: string, onError: (e: unknown) => void) {
    const signal = new SharedArrayBuffer(4);
    this.dirty = new Int32Array(signal);
    const data: CheckpointerData = { file, signal, intervalMs: INTERVAL_MS };
    this.worker = new Worker(new URL('./checkpoint-worker.js', import.meta.url), { workerData: data });
    this.worker.on('error', onError);
    this.worker.unref();
  }

  /** Tells the worker there is log to copy (one atomic store: no message, no wake-up). */
  committed(): void {
    Atomics.store(this.dirty, 0, 1);
  }

  async close(): Promise<void> {
    if (this.worker.threadId === -1) return;
    // Referenced again so that waiting for it keeps the process alive.
    this.worker.ref();
    const exited = once(this.worker, 'exit');
    this.worker.postMessage('close');
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([exited, new Promise((r) => (timer = setTimeout(r, 2000)))]);
    clearTimeout(timer);
    await this.worker.terminate();
  }
}
