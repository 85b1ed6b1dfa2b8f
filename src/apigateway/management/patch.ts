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
  readonly value?: string | null;
  readonly from?: string;
}

type Op = 'add' | 'remove' | 'replace';

interface FieldBase {
  readonly ops?: readonly Op[];
  /** The refusal of an op the field doesn't take, instead of the style's own ('invalid-path': AWS says "Invalid patch path /x"). */
  readonly opError?: string;
}

/** How one patchable field behaves. Scalars default to `replace` only; collections to add/remove/replace. */
export type PatchField =
  | (FieldBase & { readonly kind: 'string'; readonly values?: readonly string[] })
  /** Anything but "true" is false, as AWS reads it (a replace without a value included). */
  | (FieldBase & { readonly kind: 'boolean' })
  | (FieldBase & { readonly kind: 'integer'; readonly min?: number; readonly max?: number; readonly invalid?: string })
  /** A list of distinct strings; the item is the path's last segment (`/binaryMediaTypes/image~1png`). */
  | (FieldBase & { readonly kind: 'set' })
  /** A map; the key is the path's last segment, the value comes from `value`. */
  | (FieldBase & {
      readonly kind: 'map';
      readonly value: 'string' | 'boolean';
      /** What AWS answers when these ops name a key the map doesn't have. */
      readonly missingKey?: { readonly ops: readonly Op[]; readonly error: () => Error };
      /** What AWS answers for a null or empty value (add and replace). */
      readonly emptyValue?: () => Error;
    });

export type PatchSpec = Readonly<Record<string, PatchField>>;

/** Handles operations the spec doesn't describe (stage method settings); returns false to refuse them. */
export type PatchFallback = (op: PatchOperation, segments: readonly string[]) => boolean;

/**
 * How a resource words its refusals; AWS's resources differ (recorded in localstack/localstack
 * tests/aws/services/apigateway/test_apigateway_api.snapshot.json):
 *  - 'listed' (resources, models, request validators): "Invalid patch path  '/x' specified for op
 *    'replace'. Must be one of: [/a, /b]", and "... Please choose supported operations" for an op
 *    none of its paths takes; `order` is the path list as AWS words it;
 *  - 'plain' (REST APIs, methods, method and gateway responses): "Invalid patch path /x", and
 *    "Invalid patch operation specified. Must be one of: [replace]" for an op a known path doesn't take.
 */
export interface PatchOptions {
  readonly style?: 'listed' | 'plain';
  readonly order?: readonly string[];
  readonly fallback?: PatchFallback;
}

const COLLECTION_OPS: readonly Op[] = ['add', 'remove', 'replace'];
const SCALAR_OPS: readonly Op[] = ['replace'];

function opsOf(field: PatchField): readonly Op[] {
  return field.ops ?? (field.kind === 'set' || field.kind === 'map' ? COLLECTION_OPS : SCALAR_OPS);
}

const unescape = (segment: string): string => segment.replaceAll('~1', '/').replaceAll('~0', '~');

function listedPaths(spec: PatchSpec, op: string, order: readonly string[] | undefined): string[] {
  return (order ?? Object.keys(spec).map((n) => `/${n}`)).filter((p) => {
    const f = spec[p.slice(1).split('/')[0]!];
    return f !== undefined && (opsOf(f) as readonly string[]).includes(op);
  }).map((p) => {
    const f = spec[p.slice(1).split('/')[0]!]!;
    return (f.kind === 'set' || f.kind === 'map') && !p.endsWith('*') ? `${p}/*` : p;
  });
}

/** Applies `operations` to `target` in order; throws AWS's refusal at the first one it refuses. */
export function applyPatch(
  target: Record<string, unknown>,
  spec: PatchSpec,
  operations: readonly PatchOperation[] | undefined,
  options: PatchOptions | PatchFallback = {},
): void {
  const { style = 'listed', order, fallback } = typeof options === 'function' ? { fallback: options } : options;
  const anyTakes = (op: string): boolean => Object.values(spec).some((f) => (opsOf(f) as readonly string[]).includes(op));
  for (const operation of operations ?? []) {
    const op = operation.op ?? '';
    const path = operation.path;
    if (!['add', 'remove', 'replace', 'move', 'copy', 'test'].includes(op)) {
      throw badRequest(`Invalid patch operation specified. Must be one of: [add, remove, replace, move, copy, test]`);
    }
    const invalidPath = (): Error =>
      style === 'plain'
        ? badRequest(`Invalid patch path ${path ?? 'null'}`)
        : !anyTakes(op)
          ? badRequest(`Invalid patch path  '${path ?? ''}' specified for op '${op}'. Please choose supported operations`)
          : badRequest(`Invalid patch path  '${path ?? ''}' specified for op '${op}'. Must be one of: [${listedPaths(spec, op, order).join(', ')}]`);
    if (path === undefined || !path.startsWith('/')) throw invalidPath();
    const segments = path.split('/').slice(1);
    const name = segments[0] ?? '';
    const field = Object.hasOwn(spec, name) ? spec[name] : undefined;
    if (!field) {
      if (fallback?.(operation, segments.map(unescape))) continue;
      throw invalidPath();
    }
    const collection = field.kind === 'set' || field.kind === 'map';
    const key = unescape(segments[1] ?? '');
    if (collection ? segments.length !== 2 || key === '' : segments.length > 1) throw invalidPath();
    if (!(opsOf(field) as readonly string[]).includes(op)) {
      if (style === 'listed' || field.opError === 'invalid-path') throw invalidPath();
      throw badRequest(field.opError ?? `Invalid patch operation specified. Must be one of: [${opsOf(field).join(', ')}]`);
    }
    applyOne(target, name, field, op as Op, key, operation.value ?? undefined);
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
    case 'boolean':
      target[name] = op !== 'remove' && value === 'true';
      return;
    case 'integer': {
      if (op === 'remove' || value === undefined || value === '') {
        delete target[name];
        return;
      }
      const n = /^-?\d+$/.test(value.trim()) ? Number(value) : NaN;
      if (!Number.isInteger(n) || (field.min !== undefined && n < field.min) || (field.max !== undefined && n > field.max)) {
        if (field.invalid) throw badRequest(field.invalid);
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
        // AWS takes the old item out and appends the new one (recorded: [png, jpeg] → replace png by gif → [jpeg, gif]).
        next = [...items.filter((i) => i !== key && i !== value), value!];
      }
      target[name] = next;
      return;
    }
    case 'map': {
      const map = (typeof target[name] === 'object' && target[name] !== null ? target[name] : {}) as Record<string, unknown>;
      if (field.missingKey && (field.missingKey.ops as readonly string[]).includes(op) && !Object.hasOwn(map, key)) throw field.missingKey.error();
      if (op !== 'remove' && field.emptyValue && (value === undefined || value === '')) throw field.emptyValue();
      if (op === 'remove') {
        delete map[key];
      } else if (field.value === 'boolean') {
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
