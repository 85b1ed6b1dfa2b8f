/**
 * The AWS Query protocol (IAM, STS): form-encoded `Action=...&Version=...`
 * requests (POST body or GET query string) with nested members spelled
 * `Tags.member.1.Key`, answered in XML as
 * `<{Op}Response><{Op}Result>...</{Op}Result><ResponseMetadata>...`, errors as
 * `<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/>`.
 * Inputs are read and validated from the service model, as for JSON.
 */
import { AwsError, internalFailure, isAwsError } from './errors.js';
import type { MemberRef, ServiceModel, Shape } from './model.js';
import { integerFromText } from './numbers.js';
import { validateInput } from './shapes.js';
import { element, escapeAttribute, textElement } from './xml.js';
import type { SluiceRequest, SluiceResponse } from '../server/types.js';
import { noteRequest } from '../server/request-facts.js';

/** The Query-only parts of a model the shared types leave out. */
interface QueryMemberRef extends MemberRef {
  readonly flattened?: boolean;
}
type QueryOperation = ServiceModel['operations'][string] & { readonly output?: { shape: string; resultWrapper?: string } };

export interface QueryContext<T = unknown> {
  readonly request: SluiceRequest;
  readonly action: string;
  /** What the service's `authorize` resolved the call to act on. */
  readonly target: T;
}

export type QueryHandler<T = unknown> = (input: any, ctx: QueryContext<T>) => Promise<Record<string, unknown> | void> | Record<string, unknown> | void;

export interface QueryService<T = unknown> {
  readonly model: ServiceModel;
  readonly handlers: Readonly<Record<string, QueryHandler<T>>>;
  /**
   * Resolves what a parsed, valid call acts on and checks the caller may
   * (throwing the refusal), before any handler runs; its result is the
   * handler's `target`. It runs for every operation of the model, whether
   * or not the service implements it.
   */
  readonly authorize?: (action: string, input: Record<string, unknown>, req: SluiceRequest) => T;
  readonly onInternalError?: (e: unknown, req: SluiceRequest) => void;
}

const FORM = 'application/x-www-form-urlencoded';

/**
 * A Query request's parameters, indexed once so that reading a structure of
 * n members costs O(n): every value by name, and every dotted prefix of every
 * name (`Tags`, `Tags.member`, `Tags.member.1`), so asking whether list item
 * i exists is a set lookup rather than a scan of every parameter.
 */
export class QueryParameters {
  private readonly values = new Map<string, string>();
  /** Every name, and every part of a name before a dot. */
  private readonly prefixes = new Set<string>();
  /** The parts of names before a dot: names that have something under them. */
  private readonly parents = new Set<string>();

  set(key: string, value: string): void {
    this.values.set(key, value);
    for (let dot = key.indexOf('.'); dot >= 0; dot = key.indexOf('.', dot + 1)) {
      const head = key.slice(0, dot);
      this.prefixes.add(head);
      this.parents.add(head);
    }
    this.prefixes.add(key);
  }

  /** Set when the request carried more parameters than are read (MAX_QUERY_PARAMETERS). */
  overflow = false;

  /** Whether some parameter's name starts with `prefix.`. */
  hasChildren(prefix: string): boolean {
    return this.parents.has(prefix);
  }

  get(key: string): string | undefined {
    return this.values.get(key);
  }

  has(key: string): boolean {
    return this.values.has(key);
  }

  /** Whether some parameter is `prefix` or starts with `prefix.`. */
  hasPrefix(prefix: string): boolean {
    return this.prefixes.has(prefix);
  }
}

const parsedForms = new WeakMap<SluiceRequest, QueryParameters>();

/**
 * Most parameters one Query request may carry. IAM's and STS's largest lists
 * hold tens of items (50 tags, 10 policy ARNs); a body of a hundred thousand
 * parameters is only a way to make the server index them. Past this, the
 * request is refused without reading the rest.
 */
export const MAX_QUERY_PARAMETERS = 5_000;

/** Query string and (for form posts) body parameters together; the body wins. */
export function queryParams(req: SluiceRequest): QueryParameters {
  let params = parsedForms.get(req);
  if (params) return params;
  params = new QueryParameters();
  let count = 0;
  const add = (source: string): void => {
    for (const [k, v] of new URLSearchParams(source)) {
      if (++count > MAX_QUERY_PARAMETERS) {
        params!.overflow = true;
        return;
      }
      params!.set(k, v);
    }
  };
  add(req.rawQuery);
  const type = (req.headers['content-type'] ?? '').toLowerCase();
  if (req.body.length > 0 && (type.startsWith(FORM) || (type === '' && req.method === 'POST'))) add(req.body.toString('utf8'));
  parsedForms.set(req, params);
  return params;
}

/** Action and Version of a Query request, when it has both. */
export function queryAction(req: SluiceRequest): { action: string; version: string } | undefined {
  const type = (req.headers['content-type'] ?? '').toLowerCase();
  // Cheap exits first: this runs for every request the dispatcher routes.
  if (!req.rawQuery.includes('Action=') && !type.startsWith(FORM)) return undefined;
  const p = queryParams(req);
  const action = p.get('Action');
  const version = p.get('Version');
  return action && version ? { action, version } : undefined;
}

// ---------------------------------------------------------------- input

function scalar(shape: Shape, raw: string, path: string): unknown {
  switch (shape.type) {
    case 'integer':
    case 'long': {
      let n: number | undefined;
      try {
        n = integerFromText(raw, shape.type);
      } catch {
        n = undefined;
      }
      if (n === undefined) throw new AwsError('MalformedInput', `Value '${raw}' at '${path}' is not a valid integer.`);
      return n;
    }
    case 'double':
    case 'float': {
      const n = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(n)) throw new AwsError('MalformedInput', `Value '${raw}' at '${path}' is not a valid number.`);
      return n;
    }
    case 'boolean':
      if (raw.toLowerCase() === 'true') return true;
      if (raw.toLowerCase() === 'false') return false;
      throw new AwsError('MalformedInput', `Value '${raw}' at '${path}' is not a valid boolean.`);
    case 'timestamp': {
      const t = /^\d+(\.\d+)?$/.test(raw) ? Number(raw) * 1000 : Date.parse(raw);
      if (!Number.isFinite(t) || t < -62135596800000 || t > 253402300799999) throw new AwsError('MalformedInput', `Value '${raw}' at '${path}' is not a valid timestamp.`);
      return new Date(t);
    }
    case 'blob':
      return Buffer.from(raw, 'base64');
    default:
      return raw;
  }
}

function readValue(model: ServiceModel, ref: QueryMemberRef, prefix: string, params: QueryParameters): unknown {
  const shape = model.shapes[ref.shape]!;
  switch (shape.type) {
    case 'structure': {
      const out: Record<string, unknown> = {};
      for (const [name, member] of Object.entries(shape.members)) {
        const key = member.locationName ?? name;
        const v = readValue(model, member, prefix ? `${prefix}.${key}` : key, params);
        if (v !== undefined) out[name] = v;
      }
      return prefix === '' || Object.keys(out).length > 0 ? out : undefined;
    }
    case 'list': {
      // An empty list is sent as the bare name with no value.
      if (params.get(prefix) === '' && !params.hasChildren(prefix)) return [];
      const base = ref.flattened ? prefix : `${prefix}.${shape.member.locationName ?? 'member'}`;
      const out: unknown[] = [];
      for (let i = 1; params.hasPrefix(`${base}.${i}`); i++) out.push(readValue(model, shape.member, `${base}.${i}`, params));
      return out.length > 0 ? out : undefined;
    }
    case 'map': {
      const out: Record<string, unknown> = {};
      const base = ref.flattened ? prefix : `${prefix}.entry`;
      for (let i = 1; params.hasPrefix(`${base}.${i}`); i++) {
        const k = params.get(`${base}.${i}.${shape.key.locationName ?? 'key'}`);
        if (k === undefined) continue;
        out[k] = readValue(model, shape.value, `${base}.${i}.${shape.value.locationName ?? 'value'}`, params);
      }
      return Object.keys(out).length > 0 ? out : undefined;
    }
    default: {
      const raw = params.get(prefix);
      return raw === undefined ? undefined : scalar(shape, raw, prefix);
    }
  }
}

// ---------------------------------------------------------------- output

/** IAM and STS write timestamps in ISO 8601 without fractional seconds. */
const isoSeconds = (d: Date | number): string => new Date(d).toISOString().replace(/\.\d{3}Z$/, 'Z');

function writeValue(model: ServiceModel, ref: QueryMemberRef, v: unknown, name: string): string {
  if (v === undefined || v === null) return '';
  const shape = model.shapes[ref.shape]!;
  switch (shape.type) {
    case 'structure':
      return element(name, writeMembers(model, shape, v as Record<string, unknown>));
    case 'list': {
      const itemName = ref.flattened ? name : (shape.member.locationName ?? 'member');
      const items = (v as unknown[]).map((x) => writeValue(model, shape.member, x, itemName)).join('');
      return ref.flattened ? items : element(name, items);
    }
    case 'map': {
      const entries = Object.entries(v as Record<string, unknown>)
        .map(([k, x]) => element('entry', textElement(shape.key.locationName ?? 'key', k) + writeValue(model, shape.value, x, shape.value.locationName ?? 'value')))
        .join('');
      return element(name, entries);
    }
    case 'timestamp':
      return textElement(name, isoSeconds(v as Date | number));
    case 'blob':
      return textElement(name, (v as Buffer).toString('base64'));
    default:
      return textElement(name, String(v));
  }
}

function writeMembers(model: ServiceModel, shape: Extract<Shape, { type: 'structure' }>, v: Record<string, unknown>): string {
  let out = '';
  for (const [name, member] of Object.entries(shape.members)) out += writeValue(model, member, v[name], member.locationName ?? name);
  return out;
}

const xmlns = (model: ServiceModel): string => (model.metadata as { xmlNamespace?: string }).xmlNamespace ?? '';

function xmlResponse(status: number, body: string, requestId: string): SluiceResponse {
  return { status, headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId }, body: Buffer.from(body) };
}

/** AWS's Query error document. */
export function queryErrorResponse(e: AwsError, requestId: string, namespace: string): SluiceResponse {
  const type = e.status >= 500 ? 'Receiver' : 'Sender';
  const error = textElement('Type', type) + textElement('Code', e.code) + (e.message !== '' ? textElement('Message', e.message) : '');
  const body = element('ErrorResponse', element('Error', error) + textElement('RequestId', requestId), namespace ? ` xmlns="${escapeAttribute(namespace)}"` : '');
  return xmlResponse(e.status, body, requestId);
}

export async function handleQuery<T>(service: QueryService<T>, req: SluiceRequest): Promise<SluiceResponse> {
  const { model } = service;
  const ns = xmlns(model);
  try {
    const params = queryParams(req);
    if (params.overflow) throw new AwsError('MalformedInput', `The request has more than ${MAX_QUERY_PARAMETERS} parameters.`, 400);
    const action = params.get('Action');
    if (!action) throw new AwsError('MissingAction', 'Missing Action', 400);
    noteRequest(req, { operation: action });
    const operation = Object.hasOwn(model.operations, action) ? (model.operations[action] as QueryOperation) : undefined;
    if (!operation) {
      throw new AwsError('InvalidAction', `Could not find operation ${action} for version ${model.metadata.apiVersion}`, 400);
    }
    const input = operation.input ? (readValue(model, { shape: operation.input.shape }, '', params) as Record<string, unknown>) : {};
    if (operation.input) {
      try {
        validateInput(model, operation.input.shape, input);
      } catch (e) {
        // Query services name the same check ValidationError.
        if (isAwsError(e) && e.code === 'ValidationException') throw new AwsError('ValidationError', e.message, 400);
        throw e;
      }
    }
    const target = service.authorize?.(action, input, req) as T;
    const handler = Object.hasOwn(service.handlers, action) ? service.handlers[action] : undefined;
    if (!handler) throw new AwsError('InvalidAction', `Could not find operation ${action} for version ${model.metadata.apiVersion}`, 400);
    const result = (await handler(input, { request: req, action, target })) ?? {};
    let inner = '';
    if (operation.output) {
      const shape = model.shapes[operation.output.shape];
      const members = shape && shape.type === 'structure' ? writeMembers(model, shape, result) : '';
      inner = element(operation.output.resultWrapper ?? `${action}Result`, members);
    }
    inner += element('ResponseMetadata', textElement('RequestId', req.requestId));
    return xmlResponse(200, element(`${action}Response`, inner, ns ? ` xmlns="${escapeAttribute(ns)}"` : ''), req.requestId);
  } catch (e) {
    if (isAwsError(e)) return queryErrorResponse(e, req.requestId, ns);
    service.onInternalError?.(e, req);
    return queryErrorResponse(internalFailure(), req.requestId, ns);
  }
}

/** The error shape a model declares for a code, with its HTTP status (e.g. NoSuchEntity → 404). */
export function modelError(model: ServiceModel, shapeName: string, message: string): AwsError {
  const shape = model.shapes[shapeName] as { error?: { code?: string; httpStatusCode?: number } } | undefined;
  return new AwsError(shape?.error?.code ?? shapeName, message, shape?.error?.httpStatusCode ?? 400);
}
