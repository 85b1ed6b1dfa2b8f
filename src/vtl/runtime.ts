/**
 * The operations compiled templates call: property reads, method calls, operators, #foreach
 * iteration and #set targets, with Velocity 1.7 semantics plus API Gateway's null rule
 * (a null reference behaves as the empty string when printed and in == / !=).
 *
 * They also charge the render's budgets (budget.ts) for what they build: list and map elements,
 * long strings, and method calls.
 */
import { LARGE_OPERAND, activeMeter, chargeElements, checkString, noteWork, spend } from './budget.js';
import {
  JClass, booleanMethod, listMethod, mapMethod, numberMethod, setEntry, stringMethod,
} from './java-methods.js';
import {
  JDouble, JObject, NO_METHOD, isDouble, isMap, isNumber, javaClassName, javaEquals, javaList, javaString, makeDouble,
  numberValue, render, throwJava,
} from './values.js';

export { render, spend };

/** An interpolated string ("...$x..."), held to the string budget. */
export function str(s: string): string {
  return checkString(s);
}

/** `$o.name`: Map.get("name"), or a getter (getName()/isName()) of other objects. */
export function prop(o: unknown, k: string): unknown {
  if (o === null || o === undefined) return undefined;
  if (typeof o === 'object') {
    if (Array.isArray(o)) return k === 'empty' ? o.length === 0 : k === 'class' ? new JClass(javaClassName(o)) : undefined;
    if (o instanceof JObject) return o.prop(k);
    if (o instanceof JDouble) return k === 'class' ? new JClass('java.lang.Double') : undefined;
    // A Map: its entries. Only getClass() wins over a key (Velocity tries getters first).
    const v = (o as Record<string, unknown>)[k];
    if (v === undefined) return k === 'class' ? new JClass('java.util.LinkedHashMap') : undefined;
    if (typeof v === 'function' || k === '__proto__' || k === 'class') {
      if (k === 'class') return new JClass('java.util.LinkedHashMap');
      return Object.prototype.hasOwnProperty.call(o, k) ? v : undefined;
    }
    return v;
  }
  if (typeof o === 'string') {
    if (k === 'empty') return o.length === 0;
    if (k === 'blank') return o.trim().length === 0;
    if (k === 'bytes') {
      chargeElements(o.length);
      return stringMethod(o, 'getBytes', []);
    }
  }
  if (k === 'class') return new JClass(javaClassName(o));
  return undefined;
}

/** `$o[i]`: List.get(i) (negative counts from the end) or Map.get(key). */
export function index(o: unknown, i: unknown): unknown {
  if (o === null || o === undefined) return undefined;
  if (Array.isArray(o)) {
    if (!isNumber(i)) return undefined;
    let n = Math.trunc(numberValue(i));
    if (n < 0) n += o.length;
    if (n < 0 || n >= o.length) throwJava('java.lang.IndexOutOfBoundsException', `Index ${numberValue(i)} out of bounds for length ${o.length}`);
    return o[n];
  }
  if (o instanceof JObject) return callOrNull(o, 'get', [i]);
  if (typeof o === 'object' && !(o instanceof JDouble)) {
    const k = i === null || i === undefined ? 'null' : javaString(i);
    return Object.prototype.hasOwnProperty.call(o, k) ? (o as Record<string, unknown>)[k] : undefined;
  }
  return undefined;
}

/** `$o.name(args)`. A method the object does not have gives null (prints as nothing). */
export function call(o: unknown, name: string, args: unknown[]): unknown {
  const m = activeMeter();
  if ((m.left -= 1) <= 0) m.checkpoint();
  const isList = Array.isArray(o);
  const sizeBefore = isList ? (o as unknown[]).length : typeof o === 'string' ? o.length : 0;
  if (!isList && isMap(o)) chargeMapGrowth(o, name, args);
  const r = dispatch(o, name, args);
  if (r === NO_METHOD) return undefined;
  // What the call built: list growth, new lists, long strings. Host objects ($input, $util) hand out
  // the request's own data, which the payload limit bounds; the worker's heap limit backs that up.
  if (isList && (o as unknown[]).length > sizeBefore) m.chargeElements((o as unknown[]).length - sizeBefore);
  let size = sizeBefore;
  if (typeof r === 'string') {
    if (r.length > m.maxStringChars) m.stringTooLong(r.length);
    if (r.length > size) size = r.length;
  } else if (Array.isArray(r)) {
    if (r !== o && !(o instanceof JObject)) m.chargeArray(r);
    if (r.length > size) size = r.length;
  }
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if ((typeof a === 'string' || Array.isArray(a)) && a.length > size) size = a.length;
  }
  // A call can walk everything it is given: after a large one, look at the clock.
  if (size >= LARGE_OPERAND) m.checkTime();
  return r;
}

/** Map methods that add entries, charged before they run (a key the map already has costs nothing). */
function chargeMapGrowth(m: Record<string, unknown>, name: string, args: unknown[]): void {
  if ((name === 'put' || name === 'putIfAbsent') && args.length === 2) {
    if (!Object.prototype.hasOwnProperty.call(m, keyText(args[0]))) chargeElements(1);
  } else if (name === 'putAll' && args.length === 1 && isMap(args[0])) {
    const added = Object.keys(args[0]);
    chargeElements(added.length);
    noteWork(added.length);
  } else if ((name === 'size' || name === 'isEmpty' || name === 'clear') && args.length === 0) {
    // These walk every key (Object.keys, delete); a map's size is not known in advance.
    activeMeter().checkTime();
  }
}

function keyText(k: unknown): string {
  return k === null || k === undefined ? 'null' : javaString(k);
}

function callOrNull(o: JObject, name: string, args: unknown[]): unknown {
  const r = o.call(name, args);
  return r === NO_METHOD ? undefined : r;
}

function dispatch(o: unknown, name: string, args: unknown[]): unknown {
  switch (typeof o) {
    case 'string': return stringMethod(o, name, args);
    case 'number': return numberMethod(o, name, args);
    case 'boolean': return booleanMethod(o, name, args);
    case 'object':
      if (o === null) return undefined;
      if (Array.isArray(o)) return listMethod(o, name, args);
      if (o instanceof JObject) return o.call(name, args);
      if (o instanceof JDouble) return numberMethod(o, name, args);
      return mapMethod(o as Record<string, unknown>, name, args);
    default:
      return undefined;
  }
}

/** True when `dispatch` would find the method (used by the linter's tests and by #set). */
export function hasMethod(o: unknown, name: string, args: unknown[]): boolean {
  return dispatch(o, name, args) !== NO_METHOD;
}

// ---------------------------------------------------------------- operators

/**
 * `==`: numbers by value; values of one class by equals(); otherwise by toString().
 * API Gateway: null equals null and the empty string.
 */
export function eq(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || a === undefined) a = '';
  if (b === null || b === undefined) b = '';
  if (typeof a === 'string' && typeof b === 'string') return a === b;
  if (isNumber(a) && isNumber(b)) return numberValue(a) === numberValue(b);
  if (javaClassName(a) === javaClassName(b)) return javaEquals(a, b);
  return javaString(a) === javaString(b);
}

/** `<` `<=` `>` `>=`: only numbers compare; anything else is false (Velocity logs an error). */
export function lt(a: unknown, b: unknown): boolean {
  return isNumber(a) && isNumber(b) && numberValue(a) < numberValue(b);
}
export function le(a: unknown, b: unknown): boolean {
  return isNumber(a) && isNumber(b) && numberValue(a) <= numberValue(b);
}
export function gt(a: unknown, b: unknown): boolean {
  return isNumber(a) && isNumber(b) && numberValue(a) > numberValue(b);
}
export function ge(a: unknown, b: unknown): boolean {
  return isNumber(a) && isNumber(b) && numberValue(a) >= numberValue(b);
}

/** Integer op Integer stays integral; a Double operand makes a Double. Non-numbers give null. */
function arith(a: unknown, b: unknown, f: (x: number, y: number) => number): unknown {
  if (!isNumber(a) || !isNumber(b)) return undefined;
  const r = f(numberValue(a), numberValue(b));
  return isDouble(a) || isDouble(b) ? makeDouble(r) : r;
}

/** `+`: string concatenation when either side is a String, else addition. */
export function add(a: unknown, b: unknown): unknown {
  if (typeof a === 'string' || typeof b === 'string') return checkString(render(a) + render(b));
  return arith(a, b, (x, y) => x + y);
}
export function sub(a: unknown, b: unknown): unknown {
  return arith(a, b, (x, y) => x - y);
}
export function mul(a: unknown, b: unknown): unknown {
  return arith(a, b, (x, y) => x * y);
}
/** Integer division truncates; division by zero gives null, as in Velocity 1.7. */
export function div(a: unknown, b: unknown): unknown {
  if (!isNumber(a) || !isNumber(b) || numberValue(b) === 0) return undefined;
  if (isDouble(a) || isDouble(b)) return makeDouble(numberValue(a) / numberValue(b));
  return Math.trunc(numberValue(a) / numberValue(b));
}
export function mod(a: unknown, b: unknown): unknown {
  if (!isNumber(a) || !isNumber(b) || numberValue(b) === 0) return undefined;
  return arith(a, b, (x, y) => x % y);
}
export function neg(a: unknown): unknown {
  if (!isNumber(a)) return undefined;
  return isDouble(a) ? makeDouble(-numberValue(a)) : -numberValue(a);
}

// ---------------------------------------------------------------- literals, loops, #set

export function range(from: unknown, to: unknown): unknown[] | undefined {
  const a = toInt(from);
  const b = toInt(to);
  if (a === undefined || b === undefined) return undefined;
  if (Math.abs(b - a) > 10_000_000) throwJava('java.lang.OutOfMemoryError', `range [${a}..${b}] is too large`);
  chargeElements(Math.abs(b - a) + 1);
  const out: unknown[] = [];
  if (a <= b) for (let i = a; i <= b; i++) out.push(i);
  else for (let i = a; i >= b; i--) out.push(i);
  return javaList(out);
}

/** A range `[a..b]` that only feeds a #foreach: its bounds, not its items (null when it is not a range). */
export interface RangeLoop {
  readonly length: number;
  readonly first: number;
  readonly step: 1 | -1;
}

export function rangeLoop(from: unknown, to: unknown): RangeLoop | null {
  const a = toInt(from);
  const b = toInt(to);
  if (a === undefined || b === undefined) return null;
  if (Math.abs(b - a) > 10_000_000) throwJava('java.lang.OutOfMemoryError', `range [${a}..${b}] is too large`);
  return { length: Math.abs(b - a) + 1, first: a, step: a <= b ? 1 : -1 };
}

function toInt(v: unknown): number | undefined {
  if (isNumber(v)) return Math.trunc(numberValue(v));
  if (typeof v === 'string' && /^\s*-?\d+\s*$/.test(v)) return Number(v);
  return undefined;
}

export function map(keys: unknown[], values: unknown[]): Record<string, unknown> {
  chargeElements(keys.length);
  const m: Record<string, unknown> = {};
  for (let i = 0; i < keys.length; i++) setEntry(m, keys[i] === null || keys[i] === undefined ? 'null' : javaString(keys[i]), values[i]);
  return m;
}

/** A list literal `[a, b]`. */
export function list(items: unknown[]): unknown[] {
  chargeElements(items.length);
  return javaList(items);
}

export { JDouble };

/** What #foreach walks over: a List, a Map's values, or nothing. */
export function iter(v: unknown): unknown[] | null {
  if (Array.isArray(v)) return v;
  if (v === null || v === undefined || typeof v !== 'object') return null;
  if (v instanceof JObject) return v.iterate();
  if (v instanceof JDouble) return null;
  const values = Object.values(v);
  noteWork(values.length);
  return values;
}

/** `#set($o.name = v)`: Map.put or a setter. */
export function setProp(o: unknown, k: string, v: unknown): void {
  if (o === null || o === undefined || typeof o !== 'object' || Array.isArray(o) || o instanceof JDouble) return;
  if (o instanceof JObject) {
    o.call('set' + k.charAt(0).toUpperCase() + k.slice(1), [v]);
    return;
  }
  if (!Object.prototype.hasOwnProperty.call(o, k)) chargeElements(1);
  setEntry(o as Record<string, unknown>, k, v);
}

/** `#set($o[i] = v)`: List.set or Map.put. */
export function setIndex(o: unknown, i: unknown, v: unknown): void {
  if (o === null || o === undefined || typeof o !== 'object' || o instanceof JDouble) return;
  if (Array.isArray(o)) {
    listMethod(o, 'set', [i, v]);
    return;
  }
  if (o instanceof JObject) {
    o.call('put', [i, v]);
    return;
  }
  const k = keyText(i);
  if (!Object.prototype.hasOwnProperty.call(o, k)) chargeElements(1);
  setEntry(o as Record<string, unknown>, k, v);
}

/** `$foreach`: the state of the innermost loop. */
export class ForeachScope extends JObject {
  index = 0;
  hasNext = false;
  constructor(readonly parent: unknown) {
    super();
  }
  prop(name: string): unknown {
    switch (name) {
      case 'index': return this.index;
      case 'count': return this.index + 1;
      case 'hasNext': return this.hasNext;
      case 'first': return this.index === 0;
      case 'last': return !this.hasNext;
      case 'parent': return this.parent;
      default: return undefined;
    }
  }
  call(name: string, args: unknown[]): unknown {
    if (args.length === 0) {
      if (name === 'getIndex') return this.index;
      if (name === 'getCount') return this.index + 1;
      if (name === 'hasNext') return this.hasNext;
      if (name === 'isFirst') return this.index === 0;
      if (name === 'isLast') return !this.hasNext;
      if (name === 'getParent') return this.parent;
    }
    return NO_METHOD;
  }
  javaString(): string {
    return 'org.apache.velocity.runtime.directive.ForeachScope';
  }
}

/** A #define block: printing the reference renders the block at that moment. */
export class DefinedBlock extends JObject {
  constructor(private readonly body: () => string) {
    super();
  }
  prop(): unknown {
    return undefined;
  }
  call(name: string, args: unknown[]): unknown {
    return name === 'toString' && args.length === 0 ? this.body() : NO_METHOD;
  }
  javaString(): string {
    return this.body();
  }
}

/** Thrown by #break / #stop inside a #define block, where no JavaScript label is in reach. */
export class ControlSignal {
  constructor(readonly kind: 'break' | 'stop') {}
}
