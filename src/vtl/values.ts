/**
 * How Java values are represented in JavaScript while a template runs.
 *
 *  Java                      JavaScript
 *  null                      null or undefined
 *  String                    string
 *  Boolean                   boolean
 *  Integer / Long            integral number
 *  Double                    non-integral number, or JDouble when its value is integral (so that
 *                            it still prints as `2.0`, not `2`)
 *  LinkedHashMap (JSON, {})  plain object (own enumerable properties are the entries)
 *  JSONArray (from JSON)     plain array: prints as compact JSON, like json-smart does
 *  ArrayList ([..], keySet)  array tagged with JAVA_LIST: prints Java-style `[a, b]`
 *  anything else             a JObject subclass ($input, $util, #foreach scope, Map.Entry, ...)
 */
import { checkString, spend } from './budget.js';
import { JavaException } from './errors.js';

/** A Java Double whose value happens to be integral (1.0, 2.0E10 ...). */
export class JDouble {
  constructor(readonly value: number) {}
  toString(): string {
    return javaDoubleToString(this.value);
  }
}

/** Marks arrays that behave as java.util.ArrayList when printed (literals, keySet() ...). */
export const JAVA_LIST: unique symbol = Symbol('vtl.javaList');

export type JavaList = unknown[] & { [JAVA_LIST]?: true };

export function javaList(items: unknown[]): unknown[] {
  (items as JavaList)[JAVA_LIST] = true;
  return items;
}

export function isJavaList(a: unknown[]): boolean {
  return (a as JavaList)[JAVA_LIST] === true;
}

/** Base of host objects: they answer property reads and method calls themselves. */
export abstract class JObject {
  /** Velocity property read `$obj.name` (Java: getName()/isName()/get("name")). */
  abstract prop(name: string): unknown;
  /** Method call `$obj.name(args)`; NO_METHOD when the object has no such method. */
  abstract call(name: string, args: unknown[]): unknown;
  /** Java toString(). */
  abstract javaString(): string;
  /** Values #foreach iterates over, or null when the object is not iterable. */
  iterate(): unknown[] | null {
    return null;
  }
}

/** Returned by method tables for an unknown method. Velocity then treats the reference as null. */
export const NO_METHOD: unique symbol = Symbol('vtl.noMethod');

export function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof JObject) && !(v instanceof JDouble);
}

export function isNumber(v: unknown): v is number | JDouble {
  return typeof v === 'number' || v instanceof JDouble;
}

export function numberValue(v: number | JDouble): number {
  return typeof v === 'number' ? v : v.value;
}

export function isDouble(v: unknown): boolean {
  return v instanceof JDouble || (typeof v === 'number' && !Number.isInteger(v));
}

/** A Double result: integral values are boxed so that they keep printing as doubles. */
export function makeDouble(x: number): number | JDouble {
  return Number.isInteger(x) ? new JDouble(x) : x;
}

/** java.lang.Double.toString. */
export function javaDoubleToString(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const abs = Math.abs(x);
  if (abs >= 1e-3 && abs < 1e7) {
    const s = String(x);
    return s.indexOf('.') < 0 ? s + '.0' : s;
  }
  // Computerized scientific notation: d.dddE±n, at least one digit after the point.
  const [mantissa, exp] = x.toExponential().split('e') as [string, string];
  const m = mantissa.indexOf('.') < 0 ? mantissa + '.0' : mantissa;
  return `${m}E${exp.startsWith('+') ? exp.slice(1) : exp}`;
}

/** Java toString() of an integral number (Integer/Long). */
function integerToString(x: number): string {
  return Math.abs(x) < 1e21 ? String(x) : BigInt(x).toString();
}

/**
 * Java's String.valueOf(value), used inside collections and by toString(). Null prints "null"
 * here: only a null *reference* in the template prints as empty text.
 *
 * Printing a collection walks all of it, and a list that holds another list twice (at every
 * level) is printed in full each time: each element costs a step and the text is held to the
 * string budget as it grows.
 */
export function javaString(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'number') return Number.isInteger(v) ? integerToString(v) : javaDoubleToString(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v instanceof JDouble) return javaDoubleToString(v.value);
  if (Array.isArray(v)) {
    if (!isJavaList(v)) return jsonSmartString(v);
    let s = '[';
    for (let i = 0; i < v.length; i++) {
      spend(1);
      s = checkString(s + (i > 0 ? ', ' : '') + (v[i] === v ? '(this Collection)' : javaString(v[i])));
    }
    return s + ']';
  }
  if (v instanceof JObject) return v.javaString();
  if (typeof v === 'object') {
    let s = '{';
    let first = true;
    for (const k in v) {
      if (!Object.prototype.hasOwnProperty.call(v, k)) continue;
      spend(1);
      const value = (v as Record<string, unknown>)[k];
      s = checkString(s + (first ? '' : ', ') + k + '=' + (value === v ? '(this Map)' : javaString(value)));
      first = false;
    }
    return s + '}';
  }
  return String(v);
}

/** What a `$reference` prints: like javaString, except that null prints nothing (API Gateway rule). */
export function render(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === null || v === undefined) return '';
  return javaString(v);
}

// ---------------------------------------------------------------- JSON text (json-smart style)

/** json-smart's default (NO_COMPRESS) string escaping, which also protects `/` for the web. */
function jsonSmartEscape(s: string): string {
  let out = '';
  let last = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let rep: string | null = null;
    switch (c) {
      case 34: rep = '\\"'; break;
      case 92: rep = '\\\\'; break;
      case 47: rep = '\\/'; break;
      case 8: rep = '\\b'; break;
      case 12: rep = '\\f'; break;
      case 10: rep = '\\n'; break;
      case 13: rep = '\\r'; break;
      case 9: rep = '\\t'; break;
      default:
        if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || (c >= 0x2000 && c <= 0x20ff)) {
          rep = '\\u' + c.toString(16).toUpperCase().padStart(4, '0');
        }
    }
    if (rep !== null) {
      out += s.slice(last, i) + rep;
      last = i + 1;
    }
  }
  return last === 0 ? s : out + s.slice(last);
}

/** Compact JSON as json-smart writes it (JSONArray.toString(), $input.json()). Budgeted like javaString. */
export function jsonSmartString(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return '"' + jsonSmartEscape(v) + '"';
  if (typeof v === 'number' || typeof v === 'boolean' || v instanceof JDouble) return javaString(v);
  if (Array.isArray(v)) {
    let s = '[';
    for (let i = 0; i < v.length; i++) {
      spend(1);
      s = checkString(s + (i > 0 ? ',' : '') + jsonSmartString(v[i]));
    }
    return s + ']';
  }
  if (v instanceof JObject) return '"' + jsonSmartEscape(v.javaString()) + '"';
  let s = '{';
  let first = true;
  for (const k in v as Record<string, unknown>) {
    if (!Object.prototype.hasOwnProperty.call(v, k)) continue;
    spend(1);
    s = checkString(s + (first ? '' : ',') + '"' + jsonSmartEscape(k) + '":' + jsonSmartString((v as Record<string, unknown>)[k]));
    first = false;
  }
  return s + '}';
}

// ---------------------------------------------------------------- Java equality

/** Object.equals for the values above (List/Map equality is element-wise; each comparison costs a step). */
export function javaEquals(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || a === undefined || b === null || b === undefined) return false;
  spend(1);
  if (isNumber(a) && isNumber(b)) return isDouble(a) === isDouble(b) && numberValue(a) === numberValue(b);
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!javaEquals(a[i], b[i])) return false;
    return true;
  }
  if (isMap(a)) {
    if (!isMap(b)) return false;
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    for (const k of ka) if (!Object.prototype.hasOwnProperty.call(b, k) || !javaEquals(a[k], b[k])) return false;
    return true;
  }
  if (a instanceof JObject && b instanceof JObject) return a.javaString() === b.javaString() && a.constructor === b.constructor;
  return false;
}

/** Name of the Java class a value stands for (used by `==` and `$x.class.name`). */
export function javaClassName(v: unknown): string {
  if (typeof v === 'string') return 'java.lang.String';
  if (typeof v === 'boolean') return 'java.lang.Boolean';
  if (typeof v === 'number') return Number.isInteger(v) ? 'java.lang.Integer' : 'java.lang.Double';
  if (v instanceof JDouble) return 'java.lang.Double';
  if (Array.isArray(v)) return isJavaList(v) ? 'java.util.ArrayList' : 'net.minidev.json.JSONArray';
  if (v instanceof JObject) return 'java.lang.Object';
  return 'java.util.LinkedHashMap';
}

export function throwJava(javaClass: string, message: string): never {
  throw new JavaException(javaClass, message);
}
