/**
 * Sluice's Velocity (VTL) engine for API Gateway mapping templates: compile once, render many times.
 *
 *   const t = compileTemplate(source);          // throws VtlSyntaxError
 *   const { output, overrides } = t.render({ body, params, context, stageVariables });  // throws VtlRenderError
 *   const result = await renderInBudget(t, input);  // the gateway's way: see scheduler.ts
 *
 * Every render runs under the budgets of budget.ts; one that runs out throws VtlBudgetError.
 */
import { RENDER_LIMITS, RenderMeter, withMeter, type RenderLimits } from './budget.js';
import { compileToFunction, type RenderFunction } from './compiler.js';
import { VtlRenderError, VtlSyntaxError } from './errors.js';
import { InputObject } from './input.js';
import { setEntry } from './java-methods.js';
import { parseTemplate } from './parser.js';
import { withRenderAllowance } from './regex/index.js';
import { UTIL } from './util.js';
import { isJavaList, isMap, javaList, javaString } from './values.js';

export { VtlBudgetError, VtlOverloadError, VtlRenderError, VtlSyntaxError, type BudgetLimit } from './errors.js';
export { RENDER_LIMITS, type RenderLimits } from './budget.js';
export { renderInBudget } from './scheduler.js';
export { lintApiDefinition, lintFile, formatProblems, type LintProblem } from './lint.js';

export interface VtlParams {
  path: Record<string, string>;
  querystring: Record<string, string>;
  header: Record<string, string>;
  multivaluequerystring?: Record<string, string[]>;
  multivalueheader?: Record<string, string[]>;
}
export interface RenderInput {
  body: string; // raw body text ($input.body)
  params: VtlParams;
  context: Record<string, unknown>; // $context variables, built by the gateway (requestId, stage, identity{...}, etc.)
  stageVariables: Record<string, string>;
}
export interface Overrides {
  requestOverride: { header: Record<string, string>; querystring: Record<string, string>; path: Record<string, string> };
  responseOverride: { status?: number; header: Record<string, string> };
}
export interface RenderResult { output: string; overrides: Overrides }
export interface CompiledTemplate {
  readonly source: string;
  /**
   * Renders the template on this thread, under `limits`. `variables` (optional, mainly for tests)
   * gives other `$names` a starting value. If `input.context` holds `requestOverride`/`responseOverride`
   * (e.g. the maps a request template set, passed on to the response template), the template starts
   * from copies of them. The template never changes `input`.
   */
  render(input: RenderInput, variables?: Record<string, unknown>, limits?: RenderLimits): RenderResult;
  /** Renders under `meter` (the scheduler's main-thread slice, or a worker's full budget). */
  renderMetered(input: RenderInput, meter: RenderMeter): RenderResult;
}

/** API Gateway refuses mapping templates over 300 KB. */
export const MAX_TEMPLATE_BYTES = 300 * 1024;

export function compileTemplate(source: string): CompiledTemplate {
  const size = Buffer.byteLength(source, 'utf8');
  if (size > MAX_TEMPLATE_BYTES) {
    throw new VtlSyntaxError(`Template is ${size} bytes; API Gateway allows at most ${MAX_TEMPLATE_BYTES} bytes (300 KB)`, 1, 1, source.slice(0, 60));
  }
  const fn = compileToFunction(parseTemplate(source));
  return new Template(source, fn);
}

class Template implements CompiledTemplate {
  constructor(readonly source: string, private readonly fn: RenderFunction) {}

  render(input: RenderInput, variables?: Record<string, unknown>, limits: RenderLimits = RENDER_LIMITS): RenderResult {
    return this.run(input, variables, RenderMeter.full(limits));
  }

  renderMetered(input: RenderInput, meter: RenderMeter): RenderResult {
    return this.run(input, undefined, meter);
  }

  private run(input: RenderInput, variables: Record<string, unknown> | undefined, meter: RenderMeter): RenderResult {
    // The template works on copies: the same input must give the same render again (in a worker,
    // after the main thread's slice ran out), and the caller's context stays as it was.
    const given = input.context ?? {};
    const context = copyPlain(given) as Record<string, unknown>;
    context['requestOverride'] = copyOverride(context['requestOverride'], ['header', 'querystring', 'path']);
    context['responseOverride'] = copyOverride(context['responseOverride'], ['header']);
    const $input = new InputObject(input.body ?? '', input.params ?? { path: {}, querystring: {}, header: {} });
    // The regular expressions of one render share a work allowance besides their own (regex/budget.ts).
    return withMeter(meter, () => withRenderAllowance(() => {
      const output = this.fn($input, UTIL, context, { ...input.stageVariables }, variables, meter);
      meter.checkOutput(output);
      // Inside the meter: printing what the template put in the overrides can be as costly as any output.
      return { output, overrides: readOverrides(context) };
    }));
  }
}

/** A fresh, mutable copy of an override map (one level of sub-maps copied too). */
function copyOverride(given: unknown, subMaps: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = isMap(given) ? { ...given } : {};
  for (const k of subMaps) out[k] = isMap(out[k]) ? { ...(out[k] as Record<string, unknown>) } : {};
  return out;
}

/**
 * A deep copy of maps and lists; other values are immutable or host objects, shared as they are.
 * A value reached twice (or inside itself) is copied once.
 */
function copyPlain(v: unknown, copies = new Map<object, unknown>()): unknown {
  if (!Array.isArray(v) && !isMap(v)) return v;
  const done = copies.get(v);
  if (done !== undefined) return done;
  if (Array.isArray(v)) {
    const copy: unknown[] = isJavaList(v) ? javaList([]) : [];
    copies.set(v, copy);
    for (const x of v) copy.push(copyPlain(x, copies));
    return copy;
  }
  const copy: Record<string, unknown> = {};
  copies.set(v, copy);
  for (const k of Object.keys(v)) setEntry(copy, k, copyPlain(v[k], copies));
  return copy;
}

/** Values as the gateway needs them: strings; a list (multi-value header) joined with commas. */
function stringMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isMap(v)) return out;
  for (const [k, x] of Object.entries(v)) {
    if (x === null || x === undefined) continue;
    out[k] = Array.isArray(x) ? x.map((i) => javaString(i)).join(',') : javaString(x);
  }
  return out;
}

function readOverrides(context: Record<string, unknown>): Overrides {
  const req = isMap(context['requestOverride']) ? context['requestOverride'] : {};
  const res = isMap(context['responseOverride']) ? context['responseOverride'] : {};
  const overrides: Overrides = {
    requestOverride: { header: stringMap(req['header']), querystring: stringMap(req['querystring']), path: stringMap(req['path']) },
    responseOverride: { header: stringMap(res['header']) },
  };
  // Other keys a template put there (AWS passes them on to the response template) are kept as they are.
  for (const [k, v] of Object.entries(req)) if (!(k in overrides.requestOverride)) (overrides.requestOverride as Record<string, unknown>)[k] = v;
  for (const [k, v] of Object.entries(res)) if (k !== 'status' && k !== 'header') (overrides.responseOverride as Record<string, unknown>)[k] = v;
  const status = res['status'];
  if (status !== null && status !== undefined) {
    const n = Number(javaString(status));
    if (Number.isInteger(n)) overrides.responseOverride.status = n;
  }
  return overrides;
}

/** For callers that want to tell the two error kinds apart without importing errors.js. */
export function isVtlError(e: unknown): e is VtlSyntaxError | VtlRenderError {
  return e instanceof VtlSyntaxError || e instanceof VtlRenderError;
}
