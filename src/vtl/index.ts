/**
 * Sluice's Velocity (VTL) engine for API Gateway mapping templates: compile once, render many times.
 *
 *   const t = compileTemplate(source);          // throws VtlSyntaxError
 *   const { output, overrides } = t.render({ body, params, context, stageVariables });  // throws VtlRenderError
 */
import { compileToFunction, type RenderFunction } from './compiler.js';
import { VtlRenderError, VtlSyntaxError } from './errors.js';
import { InputObject } from './input.js';
import { parseTemplate } from './parser.js';
import { withRenderAllowance } from './regex/index.js';
import { UTIL } from './util.js';
import { isMap, javaString } from './values.js';

export { VtlRenderError, VtlSyntaxError } from './errors.js';
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
   * Renders the template. `variables` (optional, mainly for tests) gives other `$names` a starting value.
   * If `input.context` holds `requestOverride`/`responseOverride` (e.g. the maps a request template
   * set, passed on to the response template), the template starts from copies of them.
   */
  render(input: RenderInput, variables?: Record<string, unknown>): RenderResult;
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

  render(input: RenderInput, variables?: Record<string, unknown>): RenderResult {
    const given = input.context ?? {};
    const requestOverride = copyOverride(given['requestOverride'], ['header', 'querystring', 'path']);
    const responseOverride = copyOverride(given['responseOverride'], ['header']);
    const context: Record<string, unknown> = { ...given, requestOverride, responseOverride };
    const $input = new InputObject(input.body ?? '', input.params ?? { path: {}, querystring: {}, header: {} });
    // The regular expressions of one render share a work allowance besides their own (regex/budget.ts).
    const output = withRenderAllowance(() => this.fn($input, UTIL, context, { ...input.stageVariables }, variables));
    return { output, overrides: readOverrides(context) };
  }
}

/** A fresh, mutable copy of an override map (one level of sub-maps copied too). */
function copyOverride(given: unknown, subMaps: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = isMap(given) ? { ...given } : {};
  for (const k of subMaps) out[k] = isMap(out[k]) ? { ...(out[k] as Record<string, unknown>) } : {};
  return out;
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
