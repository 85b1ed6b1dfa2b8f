/**
 * Parameter mapping expressions: parsing (at import/deploy) and evaluation
 * (per request). Grammar from API Gateway's "request and response data
 * mapping reference":
 *   integration.request.{path|querystring|header}.NAME  ←  method.request.{path|querystring|multivaluequerystring|header|multivalueheader}.NAME
 *                                                          | method.request.body[.JSONPATH] | stageVariables.NAME | context.NAME | 'STATIC'
 *   method.response.header.NAME  ←  integration.response.{header|multivalueheader}.NAME | integration.response.body[.JSONPATH]
 *                                   | stageVariables.NAME | context.NAME | 'STATIC'
 *   gatewayresponse.header.NAME  ←  method.request.* (no body) | stageVariables.NAME | context.NAME | 'STATIC'
 */
import { compileJsonPath, evaluateJsonPath, JsonPathError } from '../vtl/jsonpath.js';

export type MappingSide = 'integrationRequest' | 'methodResponse' | 'gatewayResponse';

/** A JSONPath checked when the mapping is compiled (the VTL engine's Jayway-style evaluator serves both). */
type JsonPathSteps = string;

function checkedPath(expr: string, rest: string): JsonPathSteps {
  const path = rest.startsWith('$') ? rest : `$.${rest}`;
  try {
    compileJsonPath(path);
  } catch (e) {
    if (e instanceof JsonPathError) throw new MappingError(`Invalid mapping expression specified: ${expr}`);
    throw e;
  }
  return path;
}

export type MappingSource =
  | { readonly kind: 'static'; readonly value: string }
  | { readonly kind: 'methodParam'; readonly location: 'path' | 'querystring' | 'header'; readonly name: string; readonly multi: boolean }
  | { readonly kind: 'methodBody'; readonly path: JsonPathSteps | null }
  | { readonly kind: 'integrationHeader'; readonly name: string; readonly multi: boolean }
  | { readonly kind: 'integrationBody'; readonly path: JsonPathSteps | null }
  | { readonly kind: 'stageVariable'; readonly name: string }
  | { readonly kind: 'context'; readonly path: readonly string[] };

export type MappingTargetLocation = 'path' | 'querystring' | 'header';

export interface MappingTarget {
  readonly location: MappingTargetLocation;
  readonly name: string;
}

export interface CompiledMapping {
  readonly key: string;
  readonly expression: string;
  readonly target: MappingTarget;
  readonly source: MappingSource;
}

export class MappingError extends Error {}

const PARAM_NAME = /^[a-zA-Z0-9._$-]+$/;

const TARGET_PREFIX: Record<MappingSide, { prefix: string; locations: readonly MappingTargetLocation[] }> = {
  integrationRequest: { prefix: 'integration.request.', locations: ['path', 'querystring', 'header'] },
  methodResponse: { prefix: 'method.response.', locations: ['header'] },
  gatewayResponse: { prefix: 'gatewayresponse.', locations: ['header', 'path', 'querystring'] },
};

export function parseMappingTarget(key: string, side: MappingSide): MappingTarget {
  const { prefix, locations } = TARGET_PREFIX[side];
  if (key.startsWith(prefix)) {
    const rest = key.slice(prefix.length);
    const dot = rest.indexOf('.');
    const location = rest.slice(0, dot) as MappingTargetLocation;
    const name = rest.slice(dot + 1);
    if (dot > 0 && locations.includes(location) && PARAM_NAME.test(name)) return { location, name };
  }
  throw new MappingError(`Invalid mapping expression specified: ${key}`);
}

export function parseMappingSource(expr: string, side: MappingSide): MappingSource {
  const e = expr.trim();
  if (e.length >= 2 && e.startsWith("'") && e.endsWith("'")) return { kind: 'static', value: e.slice(1, -1) };
  if (e.startsWith('stageVariables.')) {
    const name = e.slice('stageVariables.'.length);
    if (PARAM_NAME.test(name)) return { kind: 'stageVariable', name };
  } else if (e.startsWith('context.')) {
    const path = e.slice('context.'.length).split('.');
    if (path.every((p) => /^[a-zA-Z0-9_-]+$/.test(p))) return { kind: 'context', path };
  } else if (e.startsWith('method.request.') && side !== 'methodResponse') {
    const rest = e.slice('method.request.'.length);
    if (rest === 'body' && side === 'integrationRequest') return { kind: 'methodBody', path: null };
    if (rest.startsWith('body.') && side === 'integrationRequest') {
      return { kind: 'methodBody', path: checkedPath(expr, rest.slice('body.'.length)) };
    }
    const dot = rest.indexOf('.');
    const loc = rest.slice(0, dot);
    const name = rest.slice(dot + 1);
    if (dot > 0 && PARAM_NAME.test(name)) {
      switch (loc) {
        case 'path': return { kind: 'methodParam', location: 'path', name, multi: false };
        case 'querystring': return { kind: 'methodParam', location: 'querystring', name, multi: false };
        case 'multivaluequerystring': return { kind: 'methodParam', location: 'querystring', name, multi: true };
        case 'header': return { kind: 'methodParam', location: 'header', name, multi: false };
        case 'multivalueheader': return { kind: 'methodParam', location: 'header', name, multi: true };
      }
    }
  } else if (e.startsWith('integration.response.') && side === 'methodResponse') {
    const rest = e.slice('integration.response.'.length);
    if (rest === 'body') return { kind: 'integrationBody', path: null };
    if (rest.startsWith('body.')) return { kind: 'integrationBody', path: checkedPath(expr, rest.slice('body.'.length)) };
    if (rest.startsWith('header.') && PARAM_NAME.test(rest.slice(7))) {
      return { kind: 'integrationHeader', name: rest.slice(7), multi: false };
    }
    if (rest.startsWith('multivalueheader.') && PARAM_NAME.test(rest.slice(17))) {
      return { kind: 'integrationHeader', name: rest.slice(17), multi: true };
    }
  }
  throw new MappingError(`Invalid mapping expression specified: ${expr}`);
}

/** Compiles a `requestParameters`/`responseParameters` map; throws MappingError. */
export function compileMappings(map: Record<string, string>, side: MappingSide): CompiledMapping[] {
  return Object.entries(map).map(([key, expression]) => ({
    key,
    expression,
    target: parseMappingTarget(key, side),
    source: parseMappingSource(expression, side),
  }));
}

/** What a mapping expression can read. Header names are lower-cased. */
export interface MappingInput {
  readonly path: Record<string, string>;
  readonly querystring: Record<string, string[]>;
  readonly header: Record<string, string[]>;
  /** Method request body (text). */
  readonly body: string;
  readonly integrationHeaders?: Record<string, string[]>;
  readonly integrationBody?: string;
  readonly stageVariables: Record<string, string>;
  readonly context: Record<string, unknown>;
}

/** Thrown when `method.request.body.X` meets a body that isn't JSON. */
export class BodyNotJsonError extends Error {}

/**
 * Evaluates one source. Returns undefined when the source has no value (the
 * target is then left unset), a string, or a list for multi-value sources.
 */
export function evaluateSource(source: MappingSource, input: MappingInput, cache: { methodBody?: unknown; integrationBody?: unknown }): string | string[] | undefined {
  switch (source.kind) {
    case 'static':
      return source.value;
    case 'stageVariable':
      return input.stageVariables[source.name];
    case 'context': {
      let v: unknown = input.context;
      for (const p of source.path) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[p] : undefined;
      return v === undefined || v === null ? undefined : String(v);
    }
    case 'methodParam': {
      if (source.location === 'path') return input.path[source.name];
      const values = source.location === 'querystring'
        ? input.querystring[source.name]
        : input.header[source.name.toLowerCase()];
      if (!values || values.length === 0) return undefined;
      return source.multi ? values : values[values.length - 1];
    }
    case 'integrationHeader': {
      const values = input.integrationHeaders?.[source.name.toLowerCase()];
      if (!values || values.length === 0) return undefined;
      return source.multi ? values : values[values.length - 1];
    }
    case 'methodBody': {
      if (source.path === null) return input.body;
      if (!('methodBody' in cache)) cache.methodBody = parseBodyForMapping(input.body);
      return stringifyMapped(evaluateJsonPath(cache.methodBody, source.path));
    }
    case 'integrationBody': {
      const body = input.integrationBody ?? '';
      if (source.path === null) return body;
      if (!('integrationBody' in cache)) cache.integrationBody = parseBodyForMapping(body);
      return stringifyMapped(evaluateJsonPath(cache.integrationBody, source.path));
    }
  }
}

/** API Gateway only parses bodies that look like JSON; anything else maps as `{}`. */
function parseBodyForMapping(body: string): unknown {
  const t = body.trimStart();
  if (!t || !'{["\''.includes(t[0]!)) return {};
  try {
    return JSON.parse(t);
  } catch {
    throw new BodyNotJsonError('Invalid JSON in request body');
  }
}

function stringifyMapped(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/**
 * Applies compiled mappings, producing per-location name → values. Later
 * mappings of the same target replace earlier ones.
 */
export function applyMappings(mappings: readonly CompiledMapping[], input: MappingInput): Record<MappingTargetLocation, Record<string, string[]>> {
  const out: Record<MappingTargetLocation, Record<string, string[]>> = { path: {}, querystring: {}, header: {} };
  const cache = {};
  for (const m of mappings) {
    const v = evaluateSource(m.source, input, cache);
    if (v === undefined) continue;
    out[m.target.location][m.target.name] = Array.isArray(v) ? v : [v];
  }
  return out;
}

/** Method request parameters a mapping reads, as `method.request.<loc>.<name>` keys (for import checks). */
export function referencedMethodParameter(source: MappingSource): string | undefined {
  if (source.kind !== 'methodParam') return undefined;
  return `method.request.${source.location}.${source.name}`;
}
