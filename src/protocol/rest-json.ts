/**
 * The AWS REST-JSON protocol (API Gateway's management API, among others),
 * driven by a botocore `service-2.json`: each operation names an HTTP method
 * and a `requestUri` template, and each input member says where it travels
 * (`uri` label, `querystring`, `header`, the `payload`, or a key of the JSON
 * body, spelled by its `locationName`). This layer routes a request to its
 * operation, builds the typed input from every location, validates it against
 * the model, calls the service's handler, and writes the output back to the
 * locations its shape names. A service is a plain table of typed operations.
 */
import type { SluiceRequest, SluiceResponse } from '../server/types.js';
import { noteRequest } from '../server/request-facts.js';
import { AwsError, isAwsError } from './errors.js';
import type { MemberRef, Operation, ServiceModel, Shape } from './model.js';
import { scanJson } from './json-scan.js';
import { checkedDate, integerFromText } from './numbers.js';
import { parseValue, validateInput } from './shapes.js';

export interface RestCallContext<T = unknown> {
  readonly request: SluiceRequest;
  readonly operation: string;
  /** What the service's `authorize` resolved the call to act on. */
  readonly target: T;
}

export type RestOperationHandler<T = unknown> = (input: any, ctx: RestCallContext<T>) => Promise<Record<string, unknown> | void> | Record<string, unknown> | void;

/** A parsed, valid call, as `authorize` sees it. */
export interface RestCall {
  readonly operation: Operation;
  readonly input: Record<string, unknown>;
  readonly request: SluiceRequest;
  /** Decoded values of the requestUri's labels, by label name. */
  readonly labels: Readonly<Record<string, string>>;
}

export interface RestJsonService<T = unknown> {
  readonly model: ServiceModel;
  readonly handlers: Readonly<Record<string, RestOperationHandler<T>>>;
  /**
   * Resolves what a parsed, valid call acts on and checks the caller may
   * (throwing the refusal), before any handler runs; its result is the
   * handler's `target`. It runs for every operation of the model, whether
   * or not the service implements it.
   */
  readonly authorize?: (call: RestCall) => T | Promise<T>;
  /**
   * The error a malformed or invalid input becomes. Services differ: API
   * Gateway answers BadRequestException where Coral services say
   * SerializationException/ValidationException.
   */
  readonly inputError?: (message: string, kind: 'serialization' | 'validation') => AwsError;
  /** The service's own check of a parsed input against the model (throwing its ValidationException); validateInput by default. */
  readonly validate?: (operation: Operation, input: Record<string, unknown>) => void;
  /** Answer for an operation in the model that has no handler. */
  readonly notImplemented?: (operation: string) => AwsError;
  /** Called for every unexpected (non-AWS) error, which answers 500. */
  readonly onInternalError?: (e: unknown, req: SluiceRequest) => void;
}

// ---------------------------------------------------------------- routing

type Segment = { kind: 'literal'; text: string } | { kind: 'label'; name: string; greedy: boolean };

interface Route {
  readonly operation: Operation;
  readonly method: string;
  readonly segments: readonly Segment[];
  /** Query pairs the requestUri fixes (`/restapis?mode=import`). */
  readonly fixedQuery: ReadonlyArray<readonly [string, string]>;
  readonly literalCount: number;
}

export interface RouteMatch {
  readonly operation: Operation;
  /** Decoded values of the URI labels, by label name. */
  readonly labels: Readonly<Record<string, string>>;
  /** Query keys the requestUri itself fixes (they select the operation; they are not input). */
  readonly fixedQueryKeys: readonly string[];
}

function splitPath(path: string): string[] {
  return path.split('/').filter((s) => s !== '');
}

function compileRoute(operation: Operation): Route {
  const [pathPart, queryPart] = operation.http.requestUri.split('?', 2) as [string, string | undefined];
  const segments: Segment[] = splitPath(pathPart).map((s) => {
    const m = /^\{([^}+]+)(\+?)\}$/.exec(s);
    return m ? { kind: 'label', name: m[1]!, greedy: m[2] === '+' } : { kind: 'literal', text: s };
  });
  const fixedQuery = queryPart ? [...new URLSearchParams(queryPart)].map(([k, v]) => [k, v] as const) : [];
  return {
    operation,
    method: operation.http.method,
    segments,
    fixedQuery,
    literalCount: segments.filter((s) => s.kind === 'literal').length,
  };
}

function decodeLabel(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

function matchSegments(route: Route, parts: readonly string[]): Record<string, string> | undefined {
  const labels: Record<string, string> = {};
  for (let i = 0; i < route.segments.length; i++) {
    const seg = route.segments[i]!;
    if (seg.kind === 'label' && seg.greedy) {
      if (i >= parts.length) return undefined;
      labels[seg.name] = parts.slice(i).map(decodeLabel).join('/');
      return labels;
    }
    const part = parts[i];
    if (part === undefined) return undefined;
    if (seg.kind === 'literal') {
      if (seg.text !== part) return undefined;
    } else {
      labels[seg.name] = decodeLabel(part);
    }
  }
  return parts.length === route.segments.length ? labels : undefined;
}

/** Every operation's route, compiled once from the model. */
export class RestRouter {
  private readonly routes: Route[];
  /** First path segments any operation uses (`restapis`, `tags`, ...). */
  readonly prefixes: ReadonlySet<string>;

  constructor(model: ServiceModel) {
    this.routes = Object.values(model.operations).map(compileRoute);
    // Fixed query strings and literal segments make a route more specific; try those first.
    this.routes.sort((a, b) => b.fixedQuery.length - a.fixedQuery.length || b.literalCount - a.literalCount);
    this.prefixes = new Set(this.routes.map((r) => (r.segments[0]?.kind === 'literal' ? r.segments[0].text : '')).filter((p) => p !== ''));
  }

  /** Whether `path` (still percent-encoded) starts with a segment this service uses. */
  owns(path: string): boolean {
    const first = splitPath(path)[0];
    return first !== undefined && this.prefixes.has(first);
  }

  match(method: string, path: string, query: URLSearchParams): RouteMatch | undefined {
    const parts = splitPath(path);
    for (const route of this.routes) {
      if (route.method !== method) continue;
      if (!route.fixedQuery.every(([k, v]) => query.get(k) === v)) continue;
      const labels = matchSegments(route, parts);
      if (labels) return { operation: route.operation, labels, fixedQueryKeys: route.fixedQuery.map(([k]) => k) };
    }
    return undefined;
  }
}

// ---------------------------------------------------------------- input

type Structure = Extract<Shape, { type: 'structure' }> & { payload?: string };

function inputProblem(service: Pick<RestJsonService<unknown>, 'inputError'>, message: string, kind: 'serialization' | 'validation'): AwsError {
  return service.inputError?.(message, kind) ?? new AwsError(kind === 'serialization' ? 'SerializationException' : 'ValidationException', message);
}

/** A string from the URI, query or a header, read as the member's scalar type. */
function scalarFromText(model: ServiceModel, ref: MemberRef, text: string): unknown {
  const shape = model.shapes[ref.shape]!;
  switch (shape.type) {
    case 'integer':
    case 'long': {
      const n = integerFromText(text, shape.type);
      if (n === undefined) throw new AwsError('SerializationException', `Unable to convert '${text}' to an integer`);
      return n;
    }
    case 'double':
    case 'float': {
      const n = Number(text);
      if (text.trim() === '' || !Number.isFinite(n)) throw new AwsError('SerializationException', `Unable to convert '${text}' to a number`);
      return n;
    }
    case 'boolean': {
      const t = text.toLowerCase();
      if (t !== 'true' && t !== 'false') throw new AwsError('SerializationException', `Unable to convert '${text}' to a boolean`);
      return t === 'true';
    }
    case 'timestamp': {
      const n = Number(text);
      return checkedDate(Number.isNaN(n) ? new Date(text) : new Date(n * 1000), `'${text}'`);
    }
    default:
      return text;
  }
}

/** Reads a JSON value by the model, honouring `locationName` as the JSON key of structure members. */
function readJson(model: ServiceModel, ref: MemberRef, v: unknown): unknown {
  if (v === null || v === undefined) return undefined;
  const shape = model.shapes[ref.shape]!;
  if (shape.type === 'structure') {
    if (typeof v !== 'object' || Array.isArray(v)) throw new AwsError('SerializationException', `Expected an object for ${ref.shape}`);
    const src = v as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const [name, member] of Object.entries(shape.members)) {
      if (member.location) continue;
      const parsed = readJson(model, member, src[member.locationName ?? name]);
      if (parsed !== undefined) out[name] = parsed;
    }
    return out;
  }
  if (shape.type === 'list') {
    if (!Array.isArray(v)) throw new AwsError('SerializationException', `Expected a list for ${ref.shape}`);
    return v.map((item) => readJson(model, shape.member, item));
  }
  if (shape.type === 'map') {
    if (typeof v !== 'object' || Array.isArray(v)) throw new AwsError('SerializationException', `Expected a map for ${ref.shape}`);
    const out: Record<string, unknown> = {};
    for (const [k, item] of Object.entries(v as Record<string, unknown>)) {
      // A map keeps a key sent with null (API Gateway stores `{"application/json": null}` as it came).
      const parsed = item === null ? null : readJson(model, shape.value, item);
      if (parsed !== undefined) out[k] = parsed;
    }
    return out;
  }
  return parseValue(model, ref, v, 'json');
}

function parseInput(model: ServiceModel, operation: Operation, match: RouteMatch, req: SluiceRequest): Record<string, unknown> {
  if (!operation.input) return {};
  const shape = model.shapes[operation.input.shape] as Structure;
  const input: Record<string, unknown> = {};
  const boundQueryKeys = new Set<string>(match.fixedQueryKeys);
  for (const member of Object.values(shape.members)) {
    if (member.location === 'querystring' && member.locationName) boundQueryKeys.add(member.locationName);
  }
  for (const [name, member] of Object.entries(shape.members)) {
    const memberShape = model.shapes[member.shape]!;
    const wireName = member.locationName ?? name;
    switch (member.location) {
      case 'uri': {
        const v = match.labels[wireName];
        if (v !== undefined) input[name] = scalarFromText(model, member, v);
        break;
      }
      case 'querystring': {
        if (memberShape.type === 'map') {
          // The unnamed map collects every query parameter no other member claims.
          const out: Record<string, unknown> = {};
          const valueShape = model.shapes[memberShape.value.shape]!;
          for (const key of new Set(req.query.keys())) {
            if (boundQueryKeys.has(key)) continue;
            out[key] = valueShape.type === 'list' ? req.query.getAll(key) : req.query.get(key);
          }
          if (Object.keys(out).length > 0) input[name] = out;
        } else if (memberShape.type === 'list') {
          const values = req.query.getAll(wireName).flatMap((v) => v.split(','));
          if (values.length > 0) input[name] = values.map((v) => scalarFromText(model, memberShape.member, v));
        } else {
          const v = req.query.get(wireName);
          if (v !== null) input[name] = scalarFromText(model, member, v);
        }
        break;
      }
      case 'header': {
        const v = req.headers[wireName.toLowerCase()];
        if (v !== undefined) input[name] = scalarFromText(model, member, v);
        break;
      }
      case 'headers': {
        const prefix = wireName.toLowerCase();
        const out: Record<string, string> = {};
        for (const [k, v] of Object.entries(req.headers)) if (k.startsWith(prefix)) out[k.slice(prefix.length)] = v;
        if (Object.keys(out).length > 0) input[name] = out;
        break;
      }
      default:
        break;
    }
  }
  if (shape.payload) {
    const member = shape.members[shape.payload]!;
    const payloadShape = model.shapes[member.shape]!;
    if (payloadShape.type === 'blob') input[shape.payload] = req.body;
    else if (payloadShape.type === 'string') input[shape.payload] = req.body.toString('utf8');
    else if (req.body.length > 0) input[shape.payload] = readJson(model, member, parseJsonBody(req.body));
    return input;
  }
  if (req.body.length > 0 && Object.values(shape.members).some((m) => !m.location)) {
    Object.assign(input, readJson(model, operation.input, parseJsonBody(req.body)));
  }
  return input;
}

function parseJsonBody(body: Buffer): unknown {
  try {
    scanJson(body);
    return JSON.parse(body.toString('utf8'));
  } catch (e) {
    throw new AwsError('SerializationException', `Could not parse request body into json: ${(e as Error).message}`);
  }
}

// ---------------------------------------------------------------- output

/** Writes a typed value as JSON by the model: timestamps as epoch seconds, blobs as base64, keys by locationName. */
function writeJson(model: ServiceModel, ref: MemberRef, v: unknown): unknown {
  if (v === undefined || v === null) return undefined;
  const shape = model.shapes[ref.shape]!;
  switch (shape.type) {
    case 'structure': {
      const src = v as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const [name, member] of Object.entries(shape.members)) {
        if (member.location) continue;
        const w = writeJson(model, member, src[name]);
        if (w !== undefined) out[member.locationName ?? name] = w;
      }
      return out;
    }
    case 'list':
      return (v as unknown[]).map((x) => writeJson(model, shape.member, x));
    case 'map': {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[k] = x === null ? null : writeJson(model, shape.value, x);
      return out;
    }
    case 'timestamp':
      return (v instanceof Date ? v.getTime() : (v as number)) / 1000;
    case 'blob':
      return Buffer.isBuffer(v) ? v.toString('base64') : Buffer.from(v as Uint8Array).toString('base64');
    default:
      return v;
  }
}

function writeOutput(model: ServiceModel, operation: Operation, result: Record<string, unknown> | void): SluiceResponse {
  const status = operation.http.responseCode ?? 200;
  const headers: Record<string, string> = {};
  if (!operation.output || !result) return { status, headers, body: Buffer.alloc(0) };
  const shape = model.shapes[operation.output.shape] as Structure;
  for (const [name, member] of Object.entries(shape.members)) {
    const v = result[name];
    if (v === undefined || v === null) continue;
    if (member.location === 'header') headers[(member.locationName ?? name).toLowerCase()] = String(v);
    else if (member.location === 'headers') {
      for (const [k, x] of Object.entries(v as Record<string, string>)) headers[`${member.locationName ?? ''}${k}`.toLowerCase()] = x;
    }
  }
  if (shape.payload) {
    const member = shape.members[shape.payload]!;
    const v = result[shape.payload];
    const payloadShape = model.shapes[member.shape]!;
    if (payloadShape.type === 'blob' || payloadShape.type === 'string') {
      const body = v === undefined ? Buffer.alloc(0) : Buffer.isBuffer(v) ? v : Buffer.from(String(v));
      headers['content-type'] ??= 'application/octet-stream';
      return { status, headers, body };
    }
    headers['content-type'] = 'application/json';
    return { status, headers, body: Buffer.from(JSON.stringify(writeJson(model, member, v) ?? {})) };
  }
  headers['content-type'] = 'application/json';
  return { status, headers, body: Buffer.from(JSON.stringify(writeJson(model, operation.output, result))) };
}

/** REST-JSON errors: the code in `x-amzn-ErrorType`, `{"message": ...}` as the body. */
export function restJsonError(model: ServiceModel, e: AwsError): SluiceResponse {
  const shape = model.shapes[e.code];
  const status = shape?.type === 'structure' && shape.error?.httpStatusCode !== undefined ? shape.error.httpStatusCode : e.status;
  return {
    status,
    headers: { 'content-type': 'application/json', 'x-amzn-errortype': e.code },
    body: Buffer.from(JSON.stringify({ message: e.message })),
  };
}

// ---------------------------------------------------------------- handling

export async function handleRestJson<T>(service: RestJsonService<T>, router: RestRouter, req: SluiceRequest): Promise<SluiceResponse> {
  const { model } = service;
  try {
    const match = router.match(req.method, req.path, req.query);
    if (!match) throw new AwsError('UnknownOperationException', `No operation matches ${req.method} ${req.path}`, 404);
    const name = match.operation.name;
    noteRequest(req, { operation: name });
    let input: Record<string, unknown>;
    try {
      input = parseInput(model, match.operation, match, req);
      if (service.validate) service.validate(match.operation, input);
      else if (match.operation.input) validateInput(model, match.operation.input.shape, input);
    } catch (e) {
      if (isAwsError(e) && (e.code === 'SerializationException' || e.code === 'ValidationException')) {
        throw inputProblem(service, e.message, e.code === 'SerializationException' ? 'serialization' : 'validation');
      }
      throw e;
    }
    let target = service.authorize?.({ operation: match.operation, input, request: req, labels: match.labels }) as T;
    if (target instanceof Promise) target = await target;
    const handler = Object.hasOwn(service.handlers, name) ? service.handlers[name] : undefined;
    if (!handler) throw service.notImplemented?.(name) ?? new AwsError('NotImplementedException', `${name} is not implemented`, 501);
    const result = await handler(input, { request: req, operation: name, target });
    return writeOutput(model, match.operation, result);
  } catch (e) {
    if (isAwsError(e)) return restJsonError(model, e);
    service.onInternalError?.(e, req);
    return restJsonError(model, new AwsError('InternalFailure', 'Internal service error', 500));
  }
}
