/** The worker thread of RenderPool (render-pool.ts): compiles templates by source and renders them with the whole budget. */
import { parentPort } from 'node:worker_threads';
import { RenderMeter } from './budget.js';
import { VtlBudgetError, VtlRenderError } from './errors.js';
import { compileTemplate, type CompiledTemplate, type Overrides } from './index.js';
import type { RenderJob, SerializedRenderError, WorkerMessage } from './render-pool.js';

/** Compiled templates kept, by source; the cache starts over when full. */
const CACHE_LIMIT = 256;
const compiled = new Map<string, CompiledTemplate>();

function templateFor(source: string): CompiledTemplate {
  let t = compiled.get(source);
  if (!t) {
    if (compiled.size >= CACHE_LIMIT) compiled.clear();
    t = compileTemplate(source);
    compiled.set(source, t);
  }
  return t;
}

/**
 * The overrides the gateway uses. Other keys a template put in the override maps may hold
 * any template value (a #define block, a Java-style list), which cannot cross threads as it is.
 */
function typedOverrides(o: Overrides): Overrides {
  const { header, querystring, path } = o.requestOverride;
  const { status, header: responseHeader } = o.responseOverride;
  return {
    requestOverride: { header, querystring, path },
    responseOverride: status === undefined ? { header: responseHeader } : { status, header: responseHeader },
  };
}

function serialize(e: unknown): SerializedRenderError {
  const at = e instanceof VtlRenderError && e.line !== undefined ? { line: e.line, column: e.column ?? 0 } : {};
  if (e instanceof VtlBudgetError) return { kind: 'budget', limit: e.limit, reason: e.reason, ...at };
  return { kind: 'render', message: e instanceof Error ? e.message : String(e), ...at };
}

const port = parentPort!;
port.on('message', (job: RenderJob) => {
  const started = performance.now();
  let reply: WorkerMessage;
  try {
    const { output, overrides } = templateFor(job.source).renderMetered(job.input, RenderMeter.full(job.limits));
    reply = { id: job.id, ok: true, output, overrides: typedOverrides(overrides), elapsedMs: performance.now() - started };
  } catch (e) {
    reply = { id: job.id, ok: false, error: serialize(e), elapsedMs: performance.now() - started };
  }
  port.postMessage(reply);
});
port.postMessage({ ready: true } satisfies WorkerMessage);
