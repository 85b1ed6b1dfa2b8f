/**
 * Model-driven input parsing, validation and output shaping for the JSON and
 * CBOR RPC protocols. Parsing mirrors AWS's Coral deserializer (type errors
 * are SerializationExceptions worded as Java worded them); validation
 * mirrors Coral's constraint checks (ValidationException, at most 10
 * messages, lower-camel member paths).
 */
import { Tag } from 'cbor-x';
import { blobBase64, blobBytes, type BlobValue } from './blob.js';
import { AwsError, serializationError } from './errors.js';
import { checkedDate, doubleFromWire, integerFromWire } from './numbers.js';
import type { MemberRef, ServiceModel, Shape } from './model.js';
import { isListView } from './list-view.js';

export type WireFormat = 'json' | 'cbor';

const BASE64_CHARS = /[^A-Za-z0-9+/=]|=[^=]/;

const javaTypeName: Record<string, string> = {
  integer: 'Integer', long: 'Long', double: 'Double', float: 'Float', boolean: 'Boolean',
};

function describeJsValue(v: unknown): string {
  if (typeof v === 'boolean') return 'class java.lang.Boolean';
  if (typeof v === 'number') return 'class java.math.BigDecimal';
  return 'class java.lang.String';
}

function structuralMismatch(v: unknown): AwsError | undefined {
  if (Array.isArray(v)) return serializationError('Start of list found where not expected');
  if (v !== null && typeof v === 'object' && !(v instanceof Uint8Array) && !(v instanceof Date) && !(v instanceof Tag)) {
    return serializationError('Start of structure or map found where not expected.');
  }
  return undefined;
}

const BASE64_VALUE = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'].reduce<Record<string, number>>((m, c, i) => ((m[c] = i), m), {});

function decodeBase64Blob(s: string): Buffer {
  if (s.length % 4 !== 0) {
    throw serializationError(`'${s}' can not be converted to a Blob: Base64 encoded length is expected a multiple of 4 bytes but found: ${s.length}`);
  }
  const pad = s.endsWith('==') ? 2 : s.endsWith('=') ? 1 : 0;
  const buf = Buffer.from(s, 'base64');
  // Node's decoder skips what it cannot read and accepts the URL-safe alphabet: a strict
  // string decodes to exactly 3/4 of its length. Only a string that does not is scanned,
  // to word AWS's error.
  const strict = buf.length === (s.length / 4) * 3 - pad && !s.includes('-') && !s.includes('_');
  if (!strict) {
    const bad = BASE64_CHARS.exec(s);
    if (bad) throw serializationError(`'${s}' can not be converted to a Blob: Invalid Base64 character: '${bad[0][0]}'`);
  }
  // Non-canonical trailing bits (AWS rejects them; its message has the typo too): the
  // last character before the padding must not carry bits the padding discards.
  if (!strict || (pad > 0 && (BASE64_VALUE[s[s.length - pad - 1]!]! & (pad === 2 ? 0x0f : 0x03)) !== 0)) {
    throw serializationError(`'${s}' can not be converted to a Blob: Invalid last non-pad Base64 character dectected`);
  }
  return buf;
}

/** Parses one wire value into its typed form, or throws SerializationException. */
export function parseValue(model: ServiceModel, ref: MemberRef, v: unknown, format: WireFormat): unknown {
  if (v === null || v === undefined) return undefined;
  const shape = model.shapes[ref.shape]!;
  switch (shape.type) {
    case 'string': {
      if (typeof v === 'string') return v;
      throw structuralMismatch(v) ?? serializationError(`${describeJsValue(v)} can not be converted to an String`);
    }
    case 'integer':
    case 'long':
    case 'double':
    case 'float': {
      if (typeof v === 'number' || typeof v === 'bigint') {
        return shape.type === 'integer' || shape.type === 'long' ? integerFromWire(v, shape.type) : doubleFromWire(v, shape.type);
      }
      throw structuralMismatch(v) ?? serializationError(`${describeJsValue(v)} can not be converted to an ${javaTypeName[shape.type]}`);
    }
    case 'boolean': {
      if (typeof v === 'boolean') return v;
      if (typeof v === 'string') {
        const up = v.toUpperCase();
        if (up === 'TRUE') return true;
        if (up === 'FALSE') return false;
        throw serializationError(`'${up}' can not be converted to an Boolean`);
      }
      throw structuralMismatch(v) ?? serializationError(`${describeJsValue(v)} can not be converted to an Boolean`);
    }
    case 'blob': {
      if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
      if (typeof v === 'string') return decodeBase64Blob(v);
      throw structuralMismatch(v) ?? serializationError(`${describeJsValue(v)} can not be converted to a Blob`);
    }
    case 'timestamp': {
      // JSON carries epoch seconds; the SDKs' CBOR carries epoch milliseconds
      // under tag 1, which cbor-x (reading tag 1 as seconds) hands over as a Date.
      const shown = describeJsValue(v);
      if (v instanceof Date) return checkedDate(new Date(v.getTime() / 1000), shown);
      if (v instanceof Tag) return checkedDate(new Date(Number(v.value)), shown);
      if (typeof v === 'number') return checkedDate(new Date(format === 'cbor' ? v : v * 1000), shown);
      if (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v))) return checkedDate(new Date(Number(v) * 1000), shown);
      if (typeof v === 'string' && !Number.isNaN(Date.parse(v))) return checkedDate(new Date(Date.parse(v)), shown);
      throw structuralMismatch(v) ?? serializationError(`${shown} can not be converted to milliseconds since epoch`);
    }
    case 'list': {
      if (!Array.isArray(v)) {
        if (typeof v === 'object' && !(v instanceof Uint8Array)) throw serializationError('Start of structure or map found where not expected.');
        throw serializationError('Expected list or null');
      }
      // In place: the decoded document is ours, and copying it is most of the garbage.
      for (let i = 0; i < v.length; i++) v[i] = parseValue(model, shape.member, v[i], format);
      return v;
    }
    case 'map': {
      if (Array.isArray(v)) throw serializationError('Start of list found where not expected');
      if (typeof v !== 'object' || v instanceof Uint8Array) throw serializationError('Expected map or null');
      const out: Record<string, unknown> = {};
      for (const [k, item] of Object.entries(v as Record<string, unknown>)) {
        const parsed = parseValue(model, shape.value, item, format);
        if (parsed !== undefined) out[k] = parsed;
      }
      return out;
    }
    case 'structure': {
      if (Array.isArray(v)) throw serializationError('Start of list found where not expected');
      if (typeof v !== 'object' || v instanceof Uint8Array) throw serializationError('Expected null');
      return parseStructure(model, shape.members, v as Record<string, unknown>, format);
    }
  }
}

/**
 * Type-checks a structure in place. Members the shape does not know are left
 * alone (actions only read members they declare); JSON nulls become absent.
 */
function parseStructure(
  model: ServiceModel,
  members: Record<string, MemberRef>,
  v: Record<string, unknown>,
  format: WireFormat,
): Record<string, unknown> {
  for (const name in members) {
    const raw = v[name];
    if (raw === undefined) continue;
    const parsed = parseValue(model, members[name]!, raw, format);
    if (parsed !== raw) v[name] = parsed;
  }
  return v;
}

// ---------------------------------------------------------------- validation

const MAX_MESSAGES = 10;

const lowerFirst = (s: string): string => s.charAt(0).toLowerCase() + s.slice(1);

function renderValue(shape: Shape, v: unknown): string {
  if (v === undefined || v === null) return 'null';
  let text: string;
  if (shape.type === 'blob') {
    const n = (v as Buffer).length;
    text = `java.nio.HeapByteBuffer[pos=0 lim=${n} cap=${n}]`;
  } else if (Array.isArray(v)) {
    text = `[${v.map((x) => (typeof x === 'object' && x !== null ? renderJavaObject(x) : String(x))).join(', ')}]`;
  } else if (v instanceof Date) {
    text = v.toString();
  } else if (typeof v === 'object') {
    text = renderJavaObject(v);
  } else {
    text = String(v);
  }
  return `'${text}'`;
}

function renderJavaObject(v: object): string {
  if (Buffer.isBuffer(v)) return `java.nio.HeapByteBuffer[pos=0 lim=${v.length} cap=${v.length}]`;
  return `{${Object.entries(v).map(([k, x]) => `${k}=${typeof x === 'object' && x !== null ? renderJavaObject(x) : String(x)}`).join(', ')}}`;
}

function lengthOf(shape: Shape, v: unknown): number {
  // Java's String.length(): UTF-16 code units, which is what Coral checks.
  if (shape.type === 'string') return (v as string).length;
  if (shape.type === 'blob') return (v as Buffer).length;
  if (Array.isArray(v)) return v.length;
  return Object.keys(v as object).length;
}

const compiledPatterns = new Map<string, RegExp>();
function patternFor(p: string): RegExp {
  let re = compiledPatterns.get(p);
  if (!re) {
    re = new RegExp(`^(?:${p})$`, 'u');
    compiledPatterns.set(p, re);
  }
  return re;
}

/**
 * Where a value lies, as a stack of segments: a member's lower-camel name, or
 * a list index (rendered "3.member"). Kept as a stack and rendered only when
 * a constraint fails, so valid input builds no path strings at all.
 */
type PathStack = Array<string | number>;

const renderPath = (path: PathStack): string => path.map((seg) => (typeof seg === 'number' ? `${seg + 1}.member` : seg)).join('.');

class Collector {
  readonly messages: string[] = [];
  add(value: string, path: PathStack, constraint: string): void {
    if (this.messages.length < MAX_MESSAGES) {
      this.messages.push(`Value ${value} at '${renderPath(path)}' failed to satisfy constraint: ${constraint}`);
    }
  }
  get full(): boolean {
    return this.messages.length >= MAX_MESSAGES;
  }
}

function validateValue(model: ServiceModel, ref: MemberRef, v: unknown, path: PathStack, required: boolean, out: Collector): void {
  const shape = model.shapes[ref.shape]!;
  if (v === undefined) {
    if (required) out.add('null', path, 'Member must not be null');
    return;
  }
  switch (shape.type) {
    case 'string':
      if (shape.pattern !== undefined && !patternFor(shape.pattern).test(v as string)) {
        out.add(renderValue(shape, v), path, `Member must satisfy regular expression pattern: ${shape.pattern}`);
      }
      checkLength(shape, v, path, out);
      if (shape.enum && !shape.enum.includes(v as string)) {
        out.add(renderValue(shape, v), path, `Member must satisfy enum value set: [${shape.enum.join(', ')}]`);
      }
      return;
    case 'blob':
      checkLength(shape, v, path, out);
      return;
    case 'integer':
    case 'long':
    case 'double':
    case 'float': {
      const n = v as number;
      if (shape.min !== undefined && n < shape.min) out.add(renderValue(shape, v), path, `Member must have value greater than or equal to ${shape.min}`);
      if (shape.max !== undefined && n > shape.max) out.add(renderValue(shape, v), path, `Member must have value less than or equal to ${shape.max}`);
      return;
    }
    case 'list': {
      checkLength(shape, v, path, out);
      const items = v as unknown[];
      for (let i = 0; i < items.length; i++) {
        path.push(i);
        validateValue(model, shape.member, items[i], path, false, out);
        path.pop();
      }
      return;
    }
    case 'map': {
      checkLength(shape, v, path, out);
      const keyShape = model.shapes[shape.key.shape]!;
      for (const [k, item] of Object.entries(v as Record<string, unknown>)) {
        path.push(`${k}.key`);
        if (keyShape.type === 'string') validateValue(model, shape.key, k, path, false, out);
        path[path.length - 1] = `${k}.member`;
        validateValue(model, shape.value, item, path, false, out);
        path.pop();
      }
      return;
    }
    case 'structure':
      validateMembers(model, shape, v as Record<string, unknown>, path, out);
      return;
    default:
      return;
  }
}

function checkLength(shape: Shape, v: unknown, path: PathStack, out: Collector): void {
  const { min, max } = shape as { min?: number; max?: number };
  if (min === undefined && max === undefined) return;
  const n = lengthOf(shape, v);
  if (min !== undefined && n < min) out.add(renderValue(shape, v), path, `Member must have length greater than or equal to ${min}`);
  if (max !== undefined && n > max) out.add(renderValue(shape, v), path, `Member must have length less than or equal to ${max}`);
}

interface MemberOrder {
  readonly members: ReadonlyArray<{ name: string; path: string; ref: MemberRef; required: boolean }>;
}

const memberOrders = new WeakMap<object, MemberOrder>();

/** A structure's members in the order Coral reports them (by name), worked out once per shape. */
function memberOrder(shape: Extract<Shape, { type: 'structure' }>): MemberOrder {
  let order = memberOrders.get(shape);
  if (!order) {
    const required = new Set(shape.required ?? []);
    order = {
      members: Object.keys(shape.members).sort().map((name) => ({ name, path: lowerFirst(name), ref: shape.members[name]!, required: required.has(name) })),
    };
    memberOrders.set(shape, order);
  }
  return order;
}

function validateMembers(model: ServiceModel, shape: Extract<Shape, { type: 'structure' }>, v: Record<string, unknown>, path: PathStack, out: Collector): void {
  for (const m of memberOrder(shape).members) {
    if (out.full) return;
    path.push(m.path);
    validateValue(model, m.ref, v[m.name], path, m.required, out);
    path.pop();
  }
}

/** Throws ValidationException listing every constraint the input breaks (at most 10). */
export function validateInput(model: ServiceModel, shapeName: string, input: Record<string, unknown>): void {
  const shape = model.shapes[shapeName];
  if (!shape || shape.type !== 'structure') return;
  const out = new Collector();
  validateMembers(model, shape, input, [], out);
  if (out.messages.length > 0) throw validationError(out.messages);
}

export function validationError(messages: string[]): AwsError {
  const n = messages.length;
  return new AwsError('ValidationException', `${n} validation error${n > 1 ? 's' : ''} detected: ${messages.join('; ')}`);
}

/**
 * Parses a whole request document against an operation's input shape. The
 * result holds only the members the operation declares: whatever else a
 * client sends is dropped here, so no later step (authorization included)
 * can be steered by a member the operation does not have.
 */
export function parseInput(model: ServiceModel, shapeName: string | undefined, doc: unknown, format: WireFormat): Record<string, unknown> {
  if (!shapeName) return {};
  if (doc === null || doc === undefined) return {};
  const shape = model.shapes[shapeName];
  if (!shape || shape.type !== 'structure') return {};
  if (typeof doc !== 'object' || Array.isArray(doc) || doc instanceof Uint8Array) return parseValue(model, { shape: shapeName }, doc, format) as Record<string, unknown>;
  const src = doc as Record<string, unknown>;
  const input: Record<string, unknown> = {};
  for (const name in shape.members) {
    if (!Object.hasOwn(src, name)) continue;
    const parsed = parseValue(model, shape.members[name]!, src[name], format);
    if (parsed !== undefined) input[name] = parsed;
  }
  return input;
}

// ---------------------------------------------------------------- output

/**
 * Shapes an action's typed result for the wire: blobs as base64 (JSON) or
 * bytes (CBOR), timestamps as epoch seconds (JSON) or tag-1 integer milliseconds (CBOR).
 * Members absent from the shape are dropped, so actions cannot leak internals.
 */
export function shapeOutput(model: ServiceModel, ref: MemberRef, v: unknown, format: WireFormat): unknown {
  if (v === undefined || v === null) return undefined;
  const shape = model.shapes[ref.shape]!;
  switch (shape.type) {
    case 'blob':
      return format === 'json' ? blobBase64(v as BlobValue) : blobBytes(v as BlobValue);
    case 'timestamp': {
      const ms = v instanceof Date ? v.getTime() : (v as number);
      // CBOR: tag 1 around an integer count of milliseconds, as AWS writes it (the Java SDK v2 refuses a float there).
      return format === 'json' ? ms / 1000 : new Tag(BigInt(Math.round(ms)), 1);
    }
    case 'list': {
      if (isListView(v)) v = v.items();
      const member = model.shapes[shape.member.shape]!;
      if (member.type === 'string' || member.type === 'integer' || member.type === 'long' || member.type === 'boolean') return v;
      return (v as unknown[]).map((x) => shapeOutput(model, shape.member, x, format));
    }
    case 'map': {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[k] = shapeOutput(model, shape.value, x, format);
      return out;
    }
    case 'structure': {
      const src = v as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const name in shape.members) {
        const x = src[name];
        if (x === undefined || x === null) continue;
        out[name] = shapeOutput(model, shape.members[name]!, x, format);
      }
      return out;
    }
    default:
      return v;
  }
}
