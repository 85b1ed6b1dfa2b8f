/**
 * Where a render runs, so that no template holds the event loop that serves every client.
 *
 * A render starts on the main thread with a short slice of the budget: MAIN_THREAD_SLICE_MS, and
 * strings of at most MAIN_THREAD_MAX_STRING_CHARS. Almost every template finishes within the
 * slice, and then costs no more than it did before budgets existed.
 *
 * A render that outgrows the slice starts over in a worker thread (render-pool.ts), with the whole
 * budget. A render can start over because it is deterministic and works on a copy of its input.
 * Two kinds of render go to a worker from the start:
 * - renders of a large body;
 * - renders of a template whose last run outgrew the slice, until a run of it is quick again. A
 *   flood of one heavy template then costs the main thread nothing.
 *
 * A budget that runs out on the main thread (steps, output, elements, the string budget itself)
 * is final. The worker would run out at the same point.
 */
import { MAIN_THREAD_MAX_STRING_CHARS, MAIN_THREAD_SLICE_MS, RENDER_LIMITS, RenderMeter, SliceElapsed, type RenderLimits } from './budget.js';
import type { CompiledTemplate, RenderInput, RenderResult } from './index.js';
import { RenderPool } from './render-pool.js';

/** Templates whose last render outgrew the main thread's slice. */
const heavy = new WeakSet<CompiledTemplate>();

let shared: RenderPool | undefined;

/** The process's render workers, started when first needed. */
export function sharedRenderPool(): RenderPool {
  return (shared ??= new RenderPool());
}

/**
 * Renders `template` within `limits`, on the main thread if it is quick, else in a worker. Rejects
 * with VtlRenderError (VtlBudgetError when a budget ran out), or VtlOverloadError when every worker
 * is busy and the queue is full.
 */
export async function renderInBudget(
  template: CompiledTemplate,
  input: RenderInput,
  limits: RenderLimits = RENDER_LIMITS,
  pool: RenderPool = sharedRenderPool(),
): Promise<RenderResult> {
  if ((input.body ?? '').length <= MAIN_THREAD_MAX_STRING_CHARS && !heavy.has(template)) {
    try {
      return template.renderMetered(input, RenderMeter.slice(limits));
    } catch (e) {
      if (!(e instanceof SliceElapsed)) throw e;
      heavy.add(template);
    }
  }
  const { result, elapsedMs } = await pool.render(template.source, input, limits);
  if (elapsedMs < MAIN_THREAD_SLICE_MS / 2) heavy.delete(template);
  return result;
}
