/**
 * API Gateway's patch operations (`patchOperations` of every Update* call):
 * `{op, path, value}` where `path` names a field (`/name`) or an entry of a
 * collection (`/requestTemplates/application~1json`, `~1` standing for "/"
 * and `~0` for "~"). Each resource declares which fields it lets callers
 * patch and how; this module applies a list of operations to a draft and
 * answers AWS's errors for paths and values it doesn't accept.
 */
import { badRequest } from '../errors.js';

export interface PatchOperation {
  readonly op?: string;
  readonly path?: string;
  readonly value?: string;
  readonly from?: string;
}

type Op = 'add' | 'remove' | 'replace';

/** How one patchable field behaves. Scalars default to `replace` only; collections to add/remove/replace. */
export type PatchField =
  | { readonly kind: 'string'; readonly ops?: readonly Op[]; readonly values?: readonly string[] }
  | { readonly kind: 'boolean'; readonly ops?: readonly Op[] }
  | { readonly kind: 'integer'; readonly ops?: readonly Op[]; readonly min?: number; readonly max?: number }
  /** A list of distinct strings; the item is the last path segment (`/binaryMediaTypes/image~1png`). */
  | { readonly kind: 'set'; readonly ops?: readonly Op[] }
  /** A map; the key is the rest of the path, the value comes from `value`. */
  | { readonly kind: 'map'; readonly value: 'string' | 'boolean'; readonly ops?: readonly Op[] };

export type PatchSpec = Readonly<Record<string, PatchField>>;

/** Handles operations the spec doesn't describe (stage method settings); returns false to refuse them. */
export type PatchFallback = (op: PatchOperation, segments: readonly string[]) => boolean;

const COLLECTION_OPS: readonly Op[] = ['add', 'remove', 'replace'];
const SCALAR_OPS: readonly Op[] = ['replace'];

function opsOf(field: PatchField): readonly Op[] {
  return field.ops ?? (field.kind === 'set' || field.kind === 'map' ? COLLECTION_OPS : SCALAR_OPS);
}

const unescape = (segment: string): string => segment.replaceAll('~1', '/').replaceAll('~0', '~');

function invalidPath(spec: PatchSpec, path: string, op: string): Error {
  const allowed = Object.entries(spec)
    .filter(([, f]) => (opsOf(f) as readonly string[]).includes(op))
    .map(([name, f]) => (f.kind === 'set' || f.kind === 'map' ? `/${name}/*` : `/${name}`));
  return badRequest(`Invalid patch path  '${path}' specified for op '${op}'. Must be one of: [${allowed.join(', ')}]`);
}


/** Applies `operations` to `target` in order; throws BadRequestException at the first one it refuses. */
export function applyPatch(
  target: Record<string, unknown>,
  spec: PatchSpec,
  operations: readonly PatchOperation[] | undefined,
  fallback?: PatchFallback,
): void {
  for (const operation of operations ?? []) {
    const op = operation.op ?? '';
    const path = operation.path ?? '';
    if (!['add', 'remove', 'replace', 'move', 'copy', 'test'].includes(op)) {
      throw badRequest(`Invalid patch operation specified. Must be one of: [add, remove, replace, move, copy, test]`);
    }
    const segments = path.split('/').slice(1);
    const name = segments[0] ?? '';
    const field = path.startsWith('/') && Object.hasOwn(spec, name) ? spec[name] : undefined;
    if (!field) {
      if (path.startsWith('/') && fallback?.(operation, segments.map(unescape))) continue;
      throw invalidPath(spec, path, op);
    }
    const collection = field.kind === 'set' || field.kind === 'map';
    const key = unescape(segments.slice(1).join('/'));
    if (!(opsOf(field) as readonly string[]).includes(op) || (collection ? key === '' : segments.length > 1)) {
      throw invalidPath(spec, path, op);
    }
    applyOne(target, name, field, op as Op, key, operation.value);
  }
}

function applyOne(target: Record<string, unknown>, name: string, field: PatchField, op: Op, key: string, value: string | undefined): void {
  switch (field.kind) {
    case 'string': {
      if (op === 'remove' || value === undefined || value === '') {
        delete target[name];
        return;
      }
      if (field.values && !field.values.includes(value)) invalidValueOf(value, op, `one of: [${field.values.join(', ')}]`);
      target[name] = value;
      return;
    }
    case 'boolean': {
      if (op === 'remove') {
        target[name] = false;
        return;
      }
      if (value !== 'true' && value !== 'false') invalidValueOf(value, op, 'a boolean');
      target[name] = value === 'true';
      return;
    }
    case 'integer': {
      if (op === 'remove' || value === undefined || value === '') {
        delete target[name];
        return;
      }
      const n = Number(value);
      if (!Number.isInteger(n) || (field.min !== undefined && n < field.min) || (field.max !== undefined && n > field.max)) {
        invalidValueOf(value, op, field.min !== undefined && field.max !== undefined ? `an integer between ${field.min} and ${field.max}` : 'an integer');
      }
      target[name] = n;
      return;
    }
    case 'set': {
      const items = Array.isArray(target[name]) ? (target[name] as string[]) : [];
      let next = items;
      if (op === 'add') next = items.includes(key) ? items : [...items, key];
      else if (op === 'remove') next = items.filter((i) => i !== key);
      else {
        if (!items.includes(key)) throw badRequest(`Invalid patch path  '/${name}/${key}' specified for op 'replace': no such item`);
        if (value === undefined || value === '') invalidValueOf(value, op, 'a non-empty string');
        next = items.map((i) => (i === key ? value! : i));
      }
      target[name] = next;
      return;
    }
    case 'map': {
      const map = (typeof target[name] === 'object' && target[name] !== null ? target[name] : {}) as Record<string, unknown>;
      if (op === 'remove') {
        delete map[key];
      } else if (field.value === 'boolean') {
        if (value !== undefined && value !== 'true' && value !== 'false') invalidValueOf(value, op, 'a boolean');
        map[key] = value === 'true';
      } else {
        if (value === undefined) invalidValueOf(value, op, 'a string');
        map[key] = value;
      }
      target[name] = map;
      return;
    }
  }
}

function invalidValueOf(value: string | undefined, op: string, expected: string): never {
  throw badRequest(`Invalid patch value  '${value ?? 'null'}' specified for op '${op}'. Must be ${expected}`);
}
