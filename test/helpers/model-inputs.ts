/**
 * Valid inputs for any operation of a service model, generated from its
 * shapes: every required member gets a value that satisfies the member's
 * type, length, range, enum and pattern, so a request built from it gets past
 * validation and reaches whatever comes next (authorization, in the tests
 * that use this). Callers fix the values of the members they care about.
 */
import type { MemberRef, ServiceModel, Shape } from '../../src/protocol/model.js';

/** Candidate strings tried, in order, against a string shape's pattern and length. */
const CANDIDATES = [
  'x', '200', 'v1', 'X1', '/', '0', 'abc', 'A', 'o-abcdefghij', 'p-abcdefgh', 'http://x', 'arn:aws:iam::000000000000:policy/x',
  '123456789012', 'o-abcdefghij/r-abcd', 'aaa', 'a-b', '/x/',
  'arn:aws:kinesis:us-east-1:000000000000:stream/fuzz-a', 'arn:aws:kinesis:us-east-1:000000000000:stream/fuzz-a/consumer/c:1',
];

const patterns = new Map<string, RegExp>();
function matches(pattern: string | undefined, s: string): boolean {
  if (pattern === undefined) return true;
  let re = patterns.get(pattern);
  if (!re) patterns.set(pattern, (re = new RegExp(`^(?:${pattern})$`, 'u')));
  return re.test(s);
}

function stringFor(shapeName: string, shape: Extract<Shape, { type: 'string' }>): string {
  if (shape.enum?.length) return shape.enum[0]!;
  const min = shape.min ?? 0;
  const max = shape.max ?? Infinity;
  for (const c of CANDIDATES) {
    const s = c.length >= min ? c : c + c[c.length - 1]!.repeat(min - c.length);
    if (s.length <= max && matches(shape.pattern, s)) return s;
  }
  throw new Error(`no generated value for string shape ${shapeName} (pattern ${shape.pattern}, length ${min}..${max})`);
}

export type Overrides = Readonly<Record<string, unknown>>;

/**
 * A value for `ref`: overrides by member name win; structures get their
 * required members (and overridden optional ones).
 */
export function generate(model: ServiceModel, ref: MemberRef | undefined, overrides: Overrides = {}, depth = 0): unknown {
  if (!ref) return {};
  const shape = model.shapes[ref.shape]!;
  switch (shape.type) {
    case 'structure': {
      const out: Record<string, unknown> = {};
      const required = new Set(shape.required ?? []);
      for (const [name, member] of Object.entries(shape.members)) {
        if (Object.hasOwn(overrides, name) && depth === 0) {
          if (overrides[name] !== undefined) out[name] = overrides[name];
        } else if (required.has(name)) {
          out[name] = generate(model, member, overrides, depth + 1);
        }
      }
      // A nested structure with nothing required still needs a member to be sent at all (Query).
      const first = Object.entries(shape.members)[0];
      if (depth > 0 && Object.keys(out).length === 0 && first) out[first[0]] = generate(model, first[1], overrides, depth + 1);
      return out;
    }
    case 'list': {
      const n = shape.min ?? 0;
      return Array.from({ length: Math.max(n, 1) }, () => generate(model, shape.member, overrides, depth + 1)).slice(0, Math.max(n, 1));
    }
    case 'map': {
      const n = Math.max(shape.min ?? 0, 1);
      const key = generate(model, shape.key, overrides, depth + 1) as string;
      const out: Record<string, unknown> = {};
      for (let i = 0; i < n; i++) out[i === 0 ? key : `${key}${i}`] = generate(model, shape.value, overrides, depth + 1);
      return out;
    }
    case 'string':
      return stringFor(ref.shape, shape);
    case 'integer':
    case 'long':
      return Math.max(shape.min ?? 1, 1);
    case 'double':
    case 'float':
      return Math.max(shape.min ?? 1, 1);
    case 'boolean':
      return false;
    case 'blob':
      return Buffer.from('x'.repeat(Math.max(shape.min ?? 1, 1)));
    case 'timestamp':
      return new Date(Date.now() - 60_000);
  }
}

/** Every member name anywhere in the model whose shape is a string naming a resource (…Name, …ARN/Arn, …Id). */
export function resourceMemberNames(model: ServiceModel, accept: (name: string) => boolean): string[] {
  const names = new Set<string>();
  for (const shape of Object.values(model.shapes)) {
    if (shape.type !== 'structure') continue;
    for (const [name, member] of Object.entries(shape.members)) {
      if (model.shapes[member.shape]?.type === 'string' && accept(name)) names.add(name);
    }
  }
  return [...names].sort();
}

/** Flattens a structure into Query-protocol parameters (`Tags.member.1.Key`). */
export function queryParams(model: ServiceModel, ref: MemberRef, value: unknown, prefix = '', out: Record<string, string> = {}): Record<string, string> {
  const shape = model.shapes[ref.shape]!;
  if (value === undefined || value === null) return out;
  switch (shape.type) {
    case 'structure':
      for (const [name, member] of Object.entries(shape.members)) {
        const v = (value as Record<string, unknown>)[name];
        if (v !== undefined) queryParams(model, member, v, prefix ? `${prefix}.${member.locationName ?? name}` : (member.locationName ?? name), out);
      }
      return out;
    case 'list':
      (value as unknown[]).forEach((v, i) => queryParams(model, shape.member, v, `${prefix}.member.${i + 1}`, out));
      return out;
    case 'map':
      Object.entries(value as Record<string, unknown>).forEach(([k, v], i) => {
        out[`${prefix}.entry.${i + 1}.key`] = k;
        queryParams(model, shape.value, v, `${prefix}.entry.${i + 1}.value`, out);
      });
      return out;
    case 'timestamp':
      out[prefix] = (value as Date).toISOString();
      return out;
    case 'blob':
      out[prefix] = (value as Buffer).toString('base64');
      return out;
    default:
      out[prefix] = String(value);
      return out;
  }
}

export type { Shape };
