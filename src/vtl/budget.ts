/**
 * What one render of a mapping template may spend, and the meter that holds it to that.
 *
 * API Gateway documents two limits on templates: 300 KB of template text and 1,000 iterations per
 * #foreach. Nested loops multiply the second one, and ranges, list growth and string doubling
 * need no loops at all. A managed service stops such renders. Sluice renders on the event loop
 * that serves every client, so it needs these budgets too:
 *
 * - steps: loop iterations, each weighted by the statements of its body; #define bodies; method
 *   calls; and the elements walked when printing, comparing or evaluating JSONPath;
 * - time: the wall-clock time of one render;
 * - output: the size of the rendered text (AWS's payload limit);
 * - memory: elements put into lists and maps; the length of any string the template builds. In a
 *   worker thread, the worker's heap limit is a final backstop.
 *
 * The compiled template counts `left` down in every loop iteration. It calls `checkpoint()` when
 * `left` reaches zero, which happens every CHECK_EVERY_STEPS steps. Only the checkpoint looks at
 * the step total and the clock, so the common case costs one subtraction per iteration.
 * Runtime helpers reach the meter of the render in progress through `active`. A render is
 * synchronous, so each thread has at most one in progress.
 *
 * This module is also bundled into the console (template linting), so it imports nothing from Node.
 */
import { VtlBudgetError, type BudgetLimit } from './errors.js';

export interface RenderLimits {
  /** Steps, as counted above. */
  readonly steps: number;
  /** Wall-clock milliseconds. */
  readonly timeMs: number;
  /** UTF-8 bytes of the rendered text. */
  readonly outputBytes: number;
  /** UTF-16 code units in any one string the template builds. */
  readonly stringChars: number;
  /** Elements added to lists and maps: range items, list literals, add/addAll, put, split, keySet, ... */
  readonly elements: number;
}

/** Sluice's budgets for one render. AWS documents only the payload size (10 MB) among these. */
export const RENDER_LIMITS: RenderLimits = Object.freeze({
  steps: 10_000_000,
  timeMs: 2_000,
  outputBytes: 10 * 1024 * 1024,
  stringChars: 10 * 1024 * 1024,
  elements: 1_000_000,
});

// ---------------------------------------------------------------- where renders run (scheduler.ts, render-pool.ts)

/** A render starts on the main thread; if it is not done after this long, it continues in a worker thread. */
export const MAIN_THREAD_SLICE_MS = 20;
/**
 * Bodies above this size render in a worker from the start (parsing them alone takes milliseconds).
 * A render on the main thread that builds a longer string continues in a worker.
 */
export const MAIN_THREAD_MAX_STRING_CHARS = 1024 * 1024;
/** Renders waiting for a worker. Beyond this the gateway answers 429. */
export const MAX_QUEUED_RENDERS = 16;
/** Heap of each render worker (V8's old generation). A render that fills it fails with the memory budget. */
export const WORKER_HEAP_MB = 256;
/** A worker still busy this long after its render's time budget is terminated. */
export const WATCHDOG_GRACE_MS = 250;

// ---------------------------------------------------------------- meter granularity

/** Steps between two checkpoints (step total and clock). */
export const CHECK_EVERY_STEPS = 1024;
/** A method call whose receiver, argument or result has this many elements or characters is followed by a look at the clock. */
export const LARGE_OPERAND = 4096;

/** The error for a budget that ran out, in words for the execution log. */
export function budgetExceeded(limit: Exclude<BudgetLimit, 'memory'>, limits: RenderLimits): VtlBudgetError {
  switch (limit) {
    case 'steps': return new VtlBudgetError(limit, `Mapping template exceeded its budget of ${limits.steps} steps`);
    case 'time': return new VtlBudgetError(limit, `Mapping template exceeded its time budget of ${limits.timeMs} ms`);
    case 'output': return new VtlBudgetError(limit, `Mapping template output exceeded its budget of ${limits.outputBytes} bytes`);
    case 'string': return new VtlBudgetError(limit, `Mapping template built a string longer than its budget of ${limits.stringChars} characters`);
    case 'elements': return new VtlBudgetError(limit, `Mapping template created more than its budget of ${limits.elements} list and map elements`);
  }
}

/** A worker ran out of heap: the memory the element and string budgets do not count ran out too. */
export function heapExhausted(heapMb: number): VtlBudgetError {
  return new VtlBudgetError('memory', `Mapping template exceeded its memory budget of ${heapMb} MB`);
}

/**
 * Thrown on the main thread when a render outgrows its slice (time, or a string too long for the
 * main thread). The scheduler then runs the render again in a worker. It is not an Error, so that a
 * `catch` meant for failures does not take it for one.
 */
export class SliceElapsed {
  constructor(readonly reason: 'time' | 'string') {}
}

export class RenderMeter {
  /** Steps left before the next checkpoint. The compiled template and spend() count it down. */
  left: number;
  /** Output longer than this many UTF-16 code units is over the byte budget too (a code unit takes at least one byte). */
  readonly maxOutputChars: number;
  /** Strings longer than this stop the render: over the budget, or (on the main thread) moved to a worker. */
  readonly maxStringChars: number;
  private stride: number;
  private spent = 0;
  private elementsLeft: number;
  private readonly deadline: number;
  /** Arrays already counted against the element budget (a List.get returning the same list twice counts once). */
  private counted: WeakSet<object> | undefined;

  private constructor(
    readonly limits: RenderLimits,
    /** True for the main thread's attempt: running out of time or string length means "continue in a worker". */
    private readonly slice: boolean,
    durationMs: number,
    maxStringChars: number,
  ) {
    this.stride = Math.min(CHECK_EVERY_STEPS, limits.steps + 1);
    this.left = this.stride;
    this.elementsLeft = limits.elements;
    this.maxOutputChars = limits.outputBytes;
    this.maxStringChars = maxStringChars;
    this.deadline = performance.now() + durationMs;
  }

  /** The whole budget, for a worker or a direct (synchronous) render. */
  static full(limits: RenderLimits = RENDER_LIMITS): RenderMeter {
    return new RenderMeter(limits, false, limits.timeMs, limits.stringChars);
  }

  /** The main thread's attempt: SliceElapsed after `sliceMs`, or on a string above MAIN_THREAD_MAX_STRING_CHARS. */
  static slice(limits: RenderLimits = RENDER_LIMITS, sliceMs = MAIN_THREAD_SLICE_MS): RenderMeter {
    return new RenderMeter(limits, true, Math.min(sliceMs, limits.timeMs), Math.min(MAIN_THREAD_MAX_STRING_CHARS, limits.stringChars));
  }

  /** No limits: used when no render is in progress (helpers called directly, tests). */
  static unlimited(): RenderMeter {
    const none: RenderLimits = { steps: Infinity, timeMs: Infinity, outputBytes: Infinity, stringChars: Infinity, elements: Infinity };
    return new RenderMeter(none, false, Infinity, Infinity);
  }

  /** Steps spent so far. */
  get steps(): number {
    return this.spent + this.stride - this.left;
  }

  /** Called when `left` reaches zero: checks the step total, the output so far and the clock. */
  checkpoint(outputChars = 0): void {
    this.spent += this.stride - this.left;
    if (this.spent > this.limits.steps) throw budgetExceeded('steps', this.limits);
    if (outputChars > this.maxOutputChars) this.outputTooLong();
    this.checkTime();
    this.stride = Math.min(CHECK_EVERY_STEPS, this.limits.steps - this.spent + 1);
    this.left = this.stride;
  }

  checkTime(): void {
    if (performance.now() > this.deadline) throw this.slice ? new SliceElapsed('time') : budgetExceeded('time', this.limits);
  }

  outputTooLong(): never {
    throw budgetExceeded('output', this.limits);
  }

  /** The finished output, measured exactly (in bytes) where the running count in code units cannot tell. */
  checkOutput(output: string): void {
    if (output.length > this.maxOutputChars) this.outputTooLong();
    if (output.length * 3 > this.limits.outputBytes && Buffer.byteLength(output, 'utf8') > this.limits.outputBytes) this.outputTooLong();
  }

  chargeElements(n: number): void {
    if ((this.elementsLeft -= n) < 0) throw budgetExceeded('elements', this.limits);
  }

  /** Counts an array a method returned, once however often it is returned. */
  chargeArray(a: unknown[]): void {
    if (this.elementsLeft === Infinity) return;
    const counted = (this.counted ??= new WeakSet());
    if (counted.has(a)) return;
    counted.add(a);
    this.chargeElements(a.length);
  }

  /** Called for a string longer than maxStringChars. */
  stringTooLong(length: number): never {
    if (length > this.limits.stringChars || !this.slice) throw budgetExceeded('string', this.limits);
    throw new SliceElapsed('string');
  }
}

// ---------------------------------------------------------------- the render in progress

const UNMETERED = RenderMeter.unlimited();
let active: RenderMeter = UNMETERED;

export function activeMeter(): RenderMeter {
  return active;
}

/** Runs `render` with `meter` as the meter runtime helpers charge. */
export function withMeter<T>(meter: RenderMeter, render: () => T): T {
  const previous = active;
  active = meter;
  try {
    return render();
  } finally {
    active = previous;
  }
}

export function spend(steps: number): void {
  const m = active;
  if ((m.left -= steps) <= 0) m.checkpoint();
}

export function chargeElements(n: number): void {
  active.chargeElements(n);
}

/** Returns `s` if the template may keep a string that long. */
export function checkString(s: string): string {
  if (s.length > active.maxStringChars) active.stringTooLong(s.length);
  return s;
}

/** After work proportional to `size` (elements or characters): a large one is followed by a look at the clock. */
export function noteWork(size: number): void {
  if (size >= LARGE_OPERAND) active.checkTime();
}
