/**
 * Worker threads for renders too heavy for the main thread (see scheduler.ts).
 *
 * Templates are deterministic given their input, and the input (body text, parameters, context,
 * stage variables) is plain data. A worker can therefore compile the template from its source and
 * render it again with the whole budget. The main thread stays free to serve other clients.
 *
 * - Workers start when first needed. They are unref'd while idle, so they never keep the process
 *   alive.
 * - Each worker runs one render at a time. Renders wait in a bounded queue; when the queue is
 *   full, the render is refused with VtlOverloadError.
 * - A worker still busy WATCHDOG_GRACE_MS after its render's time budget is terminated. This
 *   catches work the meter cannot interrupt, such as one long regular expression match. A worker
 *   that fills its heap (WORKER_HEAP_MB) dies the same way. Either way its render fails with the
 *   matching budget error, and a new worker replaces it when the next render needs one.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import {
  MAX_QUEUED_RENDERS, WATCHDOG_GRACE_MS, WORKER_HEAP_MB, budgetExceeded, heapExhausted, type RenderLimits,
} from './budget.js';
import { VtlBudgetError, VtlOverloadError, VtlRenderError, type BudgetLimit } from './errors.js';
import type { Overrides, RenderInput, RenderResult } from './index.js';

/**
 * Worker threads for renders that outgrow the main thread's slice: one per core beyond the main
 * thread's, at most 2. The main thread keeps a core to itself, so it answers other clients
 * promptly even while every worker is busy.
 */
export const RENDER_WORKERS = Math.max(1, Math.min(2, availableParallelism() - 1));

/** Main thread → worker. */
export interface RenderJob {
  readonly id: number;
  readonly source: string;
  readonly input: RenderInput;
  readonly limits: RenderLimits;
}

/** A render failure, as it crosses to the main thread. */
export type SerializedRenderError =
  | { readonly kind: 'budget'; readonly limit: BudgetLimit; readonly reason: string; readonly line?: number; readonly column?: number }
  | { readonly kind: 'render'; readonly message: string; readonly line?: number; readonly column?: number };

/** Worker → main thread: once `ready` after loading, then one reply per job. */
export type WorkerMessage =
  | { readonly ready: true }
  | { readonly id: number; readonly ok: true; readonly output: string; readonly overrides: Overrides; readonly elapsedMs: number }
  | { readonly id: number; readonly ok: false; readonly error: SerializedRenderError; readonly elapsedMs: number };

export interface PooledRender {
  readonly result: RenderResult;
  /** Time the worker spent rendering. */
  readonly elapsedMs: number;
}

export interface RenderPoolOptions {
  readonly workers: number;
  readonly maxQueued: number;
  readonly heapMb: number;
  readonly graceMs: number;
  /** The worker's script (tests give a broken one). */
  readonly script: URL;
}

const DEFAULT_OPTIONS: RenderPoolOptions = {
  workers: RENDER_WORKERS,
  maxQueued: MAX_QUEUED_RENDERS,
  heapMb: WORKER_HEAP_MB,
  graceMs: WATCHDOG_GRACE_MS,
  script: new URL('./render-worker.js', import.meta.url),
};

/** setTimeout's longest delay (a longer one fires at once). */
const MAX_TIMER_MS = 2 ** 31 - 1;

interface Pending {
  readonly job: RenderJob;
  readonly resolve: (r: PooledRender) => void;
  readonly reject: (e: Error) => void;
}

export function reviveRenderError(e: SerializedRenderError): VtlRenderError {
  if (e.kind === 'budget') return new VtlBudgetError(e.limit, e.reason, e.line, e.column);
  const err = new VtlRenderError(e.message);
  if (e.line !== undefined) err.line = e.line;
  if (e.column !== undefined) err.column = e.column;
  return err;
}

/** One worker and the render it runs. */
class RenderThread {
  readonly worker: Worker;
  state: 'starting' | 'idle' | 'busy' | 'gone' = 'starting';
  /** Why the worker died before it was ready, if it did (the pool then fails a waiting render instead of starting worker after worker). */
  startFailure: Error | undefined;
  private running: Pending | undefined;
  private watchdog: NodeJS.Timeout | undefined;

  constructor(private readonly options: RenderPoolOptions, private readonly changed: (t: RenderThread) => void) {
    this.worker = new Worker(options.script, {
      resourceLimits: { maxOldGenerationSizeMb: options.heapMb },
    });
    this.worker.on('message', (m: WorkerMessage) => this.received(m));
    this.worker.on('error', (e: Error & { code?: string }) => {
      const failure = e.code === 'ERR_WORKER_OUT_OF_MEMORY'
        ? heapExhausted(options.heapMb)
        : new VtlRenderError(`Mapping template renderer failed: ${e.message}`);
      if (this.state === 'starting') this.startFailure = failure;
      this.finish(failure);
      this.gone();
    });
    this.worker.on('exit', () => {
      const failure = new VtlRenderError('Mapping template renderer stopped');
      if (this.state === 'starting') this.startFailure = failure;
      this.finish(failure);
      this.gone();
    });
  }

  run(p: Pending): void {
    this.running = p;
    this.state = 'busy';
    this.worker.ref();
    try {
      this.worker.postMessage(p.job);
    } catch (e) {
      // Input that cannot be copied to a worker (not plain data).
      this.finish(new VtlRenderError(`Mapping template input cannot be rendered in a worker: ${(e as Error).message}`));
      this.idle();
      return;
    }
    const allowedMs = p.job.limits.timeMs + this.options.graceMs;
    if (allowedMs >= MAX_TIMER_MS) return; // no time budget: nothing to watch (and setTimeout would fire at once)
    this.watchdog = setTimeout(() => {
      this.finish(budgetExceeded('time', p.job.limits));
      this.gone();
      void this.worker.terminate();
    }, allowedMs);
  }

  private received(m: WorkerMessage): void {
    if ('ready' in m) {
      this.idle();
      return;
    }
    if (this.running?.job.id !== m.id) return;
    const p = this.running;
    this.clear();
    if (m.ok) p.resolve({ result: { output: m.output, overrides: m.overrides }, elapsedMs: m.elapsedMs });
    else p.reject(reviveRenderError(m.error));
    this.idle();
  }

  /** Settles the running render, if any, with `error`. */
  private finish(error: Error): void {
    const p = this.running;
    if (!p) return;
    this.clear();
    p.reject(error);
  }

  private clear(): void {
    this.running = undefined;
    clearTimeout(this.watchdog);
    this.watchdog = undefined;
  }

  private idle(): void {
    if (this.state === 'gone') return;
    this.state = 'idle';
    this.worker.unref();
    this.changed(this);
  }

  private gone(): void {
    if (this.state === 'gone') return;
    this.state = 'gone';
    this.worker.unref();
    this.changed(this);
  }
}

export class RenderPool {
  private readonly options: RenderPoolOptions;
  private threads: RenderThread[] = [];
  private readonly queue: Pending[] = [];
  private nextId = 1;

  constructor(options: Partial<RenderPoolOptions> = {}) {
    this.options = { ...DEFAULT_OPTIONS, ...options };
  }

  /** Renders `source` in a worker; rejects with VtlRenderError (VtlBudgetError) or VtlOverloadError. */
  render(source: string, input: RenderInput, limits: RenderLimits): Promise<PooledRender> {
    // Renders waiting for a worker, not counting those a starting worker will take.
    const waiting = this.queue.length - this.threads.filter((t) => t.state === 'starting').length;
    if (waiting >= this.options.maxQueued) {
      return Promise.reject(new VtlOverloadError(`All ${this.options.workers} mapping template renderers are busy and ${waiting} renders are waiting`));
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ job: { id: this.nextId++, source, input, limits }, resolve, reject });
      this.dispatch();
    });
  }

  /** Workers alive now (for tests). */
  get size(): number {
    return this.threads.length;
  }

  /** Stops every worker; renders in progress or waiting fail. */
  async close(): Promise<void> {
    for (const p of this.queue.splice(0)) p.reject(new VtlRenderError('Mapping template renderer closed'));
    const threads = this.threads;
    this.threads = [];
    await Promise.all(threads.map((t) => t.worker.terminate()));
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      const idle = this.threads.find((t) => t.state === 'idle');
      if (idle) {
        idle.run(this.queue.shift()!);
        continue;
      }
      // Start another worker if there is room; it takes the next render once it is ready.
      const starting = this.threads.filter((t) => t.state === 'starting').length;
      if (this.threads.length < this.options.workers && starting < this.queue.length) {
        this.threads.push(new RenderThread(this.options, (t) => this.changed(t)));
        continue;
      }
      return;
    }
  }

  private changed(t: RenderThread): void {
    if (t.state === 'gone') {
      this.threads = this.threads.filter((x) => x !== t);
      // A worker that cannot even start fails the render it was started for.
      if (t.startFailure) this.queue.shift()?.reject(t.startFailure);
    }
    this.dispatch();
  }
}
