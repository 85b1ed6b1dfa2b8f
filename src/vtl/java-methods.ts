/**
 * Java methods of String, List, Map, numbers and Boolean, as templates call them
 * (`$s.substring(1, 3)`, `$list.add($x)`, `$map.put('k', 'v')` ...), with Java's return values
 * and exceptions. Each table returns NO_METHOD for a method Java does not have.
 */
import { javaMatches, javaReplaceAll, javaReplaceFirst, javaSplit } from './regex/index.js';
import {
  JDouble, JObject, NO_METHOD, isDouble, isMap, isNumber, javaClassName, javaEquals, javaList, javaString,
  numberValue, throwJava,
} from './values.js';

/** `$x.class` / `$x.getClass()`: only the name is useful in a template. */
export class JClass extends JObject {
  constructor(readonly name: string) {
    super();
  }
  prop(name: string): unknown {
    if (name === 'name' || name === 'canonicalName' || name === 'typeName') return this.name;
    if (name === 'simpleName') return this.name.slice(this.name.lastIndexOf('.') + 1);
    return undefined;
  }
  call(name: string, args: unknown[]): unknown {
    if (args.length === 0 && name.startsWith('get')) return this.prop(name[3]!.toLowerCase() + name.slice(4));
    if (name === 'toString' && args.length === 0) return this.javaString();
    return NO_METHOD;
  }
  javaString(): string {
    return 'class ' + this.name;
  }
}

/** Map.Entry from entrySet(): prints `key=value`. */
export class JEntry extends JObject {
  constructor(readonly map: Record<string, unknown>, readonly key: string) {
    super();
  }
  prop(name: string): unknown {
    if (name === 'key') return this.key;
    if (name === 'value') return this.map[this.key];
    if (name === 'class') return new JClass('java.util.LinkedHashMap$Entry');
    return undefined;
  }
  call(name: string, args: unknown[]): unknown {
    switch (name) {
      case 'getKey': return this.key;
      case 'getValue': return this.map[this.key];
      case 'setValue': {
        const old = this.map[this.key];
        this.map[this.key] = args[0];
        return old;
      }
      case 'toString': return this.javaString();
      default: return objectMethod(this, name, args);
    }
  }
  javaString(): string {
    return this.key + '=' + javaString(this.map[this.key]);
  }
}

function arg(args: unknown[], i: number): unknown {
  return args[i];
}

/** An int argument, as Velocity's method lookup would accept it. */
function intArg(args: unknown[], i: number, method: string): number {
  const v = args[i];
  if (isNumber(v)) return Math.trunc(numberValue(v));
  if (typeof v === 'string' && /^-?\d+$/.test(v.trim())) return Number(v.trim());
  throwJava('java.lang.IllegalArgumentException', `${method}: argument ${i + 1} is not a number (${javaString(v)})`);
}

function strArg(args: unknown[], i: number): string {
  const v = args[i];
  if (v === null || v === undefined) throwJava('java.lang.NullPointerException', 'null argument');
  return javaString(v);
}

/** Methods every Java object has. */
export function objectMethod(self: unknown, name: string, args: unknown[]): unknown {
  switch (name) {
    case 'toString': return args.length === 0 ? javaString(self) : NO_METHOD;
    case 'equals': return args.length === 1 ? javaEquals(self, args[0]) : NO_METHOD;
    case 'getClass': return args.length === 0 ? new JClass(javaClassName(self)) : NO_METHOD;
    case 'hashCode': return args.length === 0 ? hashCode(javaString(self)) : NO_METHOD;
    default: return NO_METHOD;
  }
}

function hashCode(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}

function checkRange(s: string, begin: number, end: number): void {
  if (begin < 0 || end > s.length || begin > end) {
    throwJava('java.lang.StringIndexOutOfBoundsException', `begin ${begin}, end ${end}, length ${s.length}`);
  }
}

export function stringMethod(s: string, name: string, args: unknown[]): unknown {
  const n = args.length;
  switch (name) {
    case 'length': return n === 0 ? s.length : NO_METHOD;
    case 'isEmpty': return n === 0 ? s.length === 0 : NO_METHOD;
    case 'isBlank': return n === 0 ? s.trim().length === 0 : NO_METHOD;
    case 'substring': {
      if (n < 1 || n > 2) return NO_METHOD;
      const b = intArg(args, 0, name);
      const e = n === 2 ? intArg(args, 1, name) : s.length;
      checkRange(s, b, e);
      return s.substring(b, e);
    }
    case 'charAt': {
      const i = intArg(args, 0, name);
      if (i < 0 || i >= s.length) throwJava('java.lang.StringIndexOutOfBoundsException', `index ${i}, length ${s.length}`);
      return s[i];
    }
    case 'indexOf':
      if (n === 1) return s.indexOf(strArg(args, 0));
      if (n === 2) return s.indexOf(strArg(args, 0), Math.max(0, intArg(args, 1, name)));
      return NO_METHOD;
    case 'lastIndexOf':
      if (n === 1) return s.lastIndexOf(strArg(args, 0));
      if (n === 2) {
        const from = intArg(args, 1, name);
        return from < 0 ? -1 : s.lastIndexOf(strArg(args, 0), from);
      }
      return NO_METHOD;
    case 'contains': return n === 1 ? s.includes(strArg(args, 0)) : NO_METHOD;
    case 'startsWith':
      if (n === 1) return s.startsWith(strArg(args, 0));
      if (n === 2) return s.startsWith(strArg(args, 0), intArg(args, 1, name));
      return NO_METHOD;
    case 'endsWith': return n === 1 ? s.endsWith(strArg(args, 0)) : NO_METHOD;
    case 'equals': return n === 1 ? typeof args[0] === 'string' && args[0] === s : NO_METHOD;
    case 'equalsIgnoreCase': return n === 1 ? typeof args[0] === 'string' && args[0].toLowerCase() === s.toLowerCase() : NO_METHOD;
    case 'compareTo': {
      if (n !== 1) return NO_METHOD;
      const o = strArg(args, 0);
      for (let i = 0; i < Math.min(s.length, o.length); i++) {
        if (s.charCodeAt(i) !== o.charCodeAt(i)) return s.charCodeAt(i) - o.charCodeAt(i);
      }
      return s.length - o.length;
    }
    case 'compareToIgnoreCase': return n === 1 ? stringMethod(s.toLowerCase(), 'compareTo', [strArg(args, 0).toLowerCase()]) : NO_METHOD;
    case 'concat': return n === 1 ? s + strArg(args, 0) : NO_METHOD;
    case 'trim': return n === 0 ? s.replace(/^[\x00-\x20]+|[\x00-\x20]+$/g, '') : NO_METHOD;
    case 'strip': return n === 0 ? s.trim() : NO_METHOD;
    case 'toLowerCase': return n === 0 ? s.toLowerCase() : NO_METHOD;
    case 'toUpperCase': return n === 0 ? s.toUpperCase() : NO_METHOD;
    case 'replace': return n === 2 ? s.split(strArg(args, 0)).join(strArg(args, 1)) : NO_METHOD;
    case 'replaceAll': return n === 2 ? javaReplaceAll(s, strArg(args, 0), strArg(args, 1)) : NO_METHOD;
    case 'replaceFirst': return n === 2 ? javaReplaceFirst(s, strArg(args, 0), strArg(args, 1)) : NO_METHOD;
    case 'matches': return n === 1 ? javaMatches(s, strArg(args, 0)) : NO_METHOD;
    case 'split':
      if (n === 1) return javaList(javaSplit(s, strArg(args, 0), 0));
      if (n === 2) return javaList(javaSplit(s, strArg(args, 0), intArg(args, 1, name)));
      return NO_METHOD;
    case 'toCharArray': return n === 0 ? javaList(s.split('')) : NO_METHOD;
    case 'getBytes': return n === 0 ? javaList([...Buffer.from(s, 'utf8')].map((b) => (b << 24) >> 24)) : NO_METHOD;
    case 'toString':
    case 'intern': return n === 0 ? s : NO_METHOD;
    default: return objectMethod(s, name, args);
  }
}

function checkIndex(list: unknown[], i: number, size = list.length): void {
  if (i < 0 || i >= size) throwJava('java.lang.IndexOutOfBoundsException', `Index ${i} out of bounds for length ${list.length}`);
}

function indexOf(list: unknown[], v: unknown): number {
  for (let i = 0; i < list.length; i++) if (javaEquals(list[i], v)) return i;
  return -1;
}

export function listMethod(list: unknown[], name: string, args: unknown[]): unknown {
  const n = args.length;
  switch (name) {
    case 'size': return n === 0 ? list.length : NO_METHOD;
    case 'isEmpty': return n === 0 ? list.length === 0 : NO_METHOD;
    case 'get': {
      if (n !== 1) return NO_METHOD;
      const i = intArg(args, 0, name);
      checkIndex(list, i);
      return list[i];
    }
    case 'add':
      if (n === 1) {
        list.push(args[0]);
        return true;
      }
      if (n === 2) {
        const i = intArg(args, 0, name);
        checkIndex(list, i, list.length + 1);
        list.splice(i, 0, args[1]);
        return undefined;
      }
      return NO_METHOD;
    case 'addAll': {
      const items = args[n - 1];
      if (!Array.isArray(items)) return NO_METHOD;
      // Item by item, not spread: a spread of a large list overflows the call stack.
      if (n === 1) for (const item of items) list.push(item);
      else {
        const at = intArg(args, 0, name);
        const tail = list.splice(at);
        for (const item of items) list.push(item);
        for (const item of tail) list.push(item);
      }
      return items.length > 0;
    }
    case 'set': {
      if (n !== 2) return NO_METHOD;
      const i = intArg(args, 0, name);
      checkIndex(list, i);
      const old = list[i];
      list[i] = args[1];
      return old;
    }
    case 'remove': {
      if (n !== 1) return NO_METHOD;
      const a = args[0];
      if (typeof a === 'number' && Number.isInteger(a)) {
        checkIndex(list, a);
        return list.splice(a, 1)[0];
      }
      const i = indexOf(list, a);
      if (i >= 0) list.splice(i, 1);
      return i >= 0;
    }
    case 'contains': return n === 1 ? indexOf(list, args[0]) >= 0 : NO_METHOD;
    case 'indexOf': return n === 1 ? indexOf(list, args[0]) : NO_METHOD;
    case 'lastIndexOf': {
      if (n !== 1) return NO_METHOD;
      for (let i = list.length - 1; i >= 0; i--) if (javaEquals(list[i], args[0])) return i;
      return -1;
    }
    case 'clear':
      if (n !== 0) return NO_METHOD;
      list.length = 0;
      return undefined;
    case 'subList': {
      if (n !== 2) return NO_METHOD;
      const b = intArg(args, 0, name);
      const e = intArg(args, 1, name);
      if (b < 0 || e > list.length || b > e) throwJava('java.lang.IndexOutOfBoundsException', `fromIndex ${b}, toIndex ${e}, size ${list.length}`);
      return javaList(list.slice(b, e));
    }
    case 'containsAll': return n === 1 && Array.isArray(args[0]) ? args[0].every((x) => indexOf(list, x) >= 0) : NO_METHOD;
    case 'toArray': return n === 0 ? javaList(list.slice()) : NO_METHOD;
    default: return objectMethod(list, name, args);
  }
}

function hasKey(map: Record<string, unknown>, k: string): boolean {
  return Object.prototype.hasOwnProperty.call(map, k);
}

/** Map keys are strings here (JSON keys, literal keys); other keys use their Java text. */
function keyArg(args: unknown[], i: number): string {
  const k = arg(args, i);
  return k === null || k === undefined ? 'null' : javaString(k);
}

export function mapMethod(map: Record<string, unknown>, name: string, args: unknown[]): unknown {
  const n = args.length;
  switch (name) {
    case 'get': {
      if (n !== 1) return NO_METHOD;
      const k = keyArg(args, 0);
      return hasKey(map, k) ? map[k] : undefined;
    }
    case 'getOrDefault': {
      if (n !== 2) return NO_METHOD;
      const k = keyArg(args, 0);
      return hasKey(map, k) ? map[k] : args[1];
    }
    case 'put': {
      if (n !== 2) return NO_METHOD;
      const k = keyArg(args, 0);
      const old = hasKey(map, k) ? map[k] : undefined;
      setEntry(map, k, args[1]);
      return old;
    }
    case 'putIfAbsent': {
      if (n !== 2) return NO_METHOD;
      const k = keyArg(args, 0);
      const old = hasKey(map, k) ? map[k] : undefined;
      if (old === undefined || old === null) setEntry(map, k, args[1]);
      return old;
    }
    case 'putAll': {
      if (n !== 1 || !isMap(args[0])) return NO_METHOD;
      const other = args[0];
      for (const k of Object.keys(other)) setEntry(map, k, other[k]);
      return undefined;
    }
    case 'remove': {
      if (n !== 1) return NO_METHOD;
      const k = keyArg(args, 0);
      const old = hasKey(map, k) ? map[k] : undefined;
      delete map[k];
      return old;
    }
    case 'containsKey': return n === 1 ? hasKey(map, keyArg(args, 0)) : NO_METHOD;
    case 'containsValue': return n === 1 ? Object.values(map).some((v) => javaEquals(v, args[0])) : NO_METHOD;
    case 'keySet': return n === 0 ? javaList(Object.keys(map)) : NO_METHOD;
    case 'values': return n === 0 ? javaList(Object.values(map)) : NO_METHOD;
    case 'entrySet': return n === 0 ? javaList(Object.keys(map).map((k) => new JEntry(map, k))) : NO_METHOD;
    case 'size': return n === 0 ? Object.keys(map).length : NO_METHOD;
    case 'isEmpty': return n === 0 ? Object.keys(map).length === 0 : NO_METHOD;
    case 'clear':
      if (n !== 0) return NO_METHOD;
      for (const k of Object.keys(map)) delete map[k];
      return undefined;
    default: return objectMethod(map, name, args);
  }
}

/** Stores an entry; `__proto__` must become an own property, not the prototype. */
export function setEntry(map: Record<string, unknown>, k: string, v: unknown): void {
  if (k === '__proto__') Object.defineProperty(map, k, { value: v, enumerable: true, writable: true, configurable: true });
  else map[k] = v;
}

export function numberMethod(v: number | JDouble, name: string, args: unknown[]): unknown {
  const x = numberValue(v);
  if (args.length !== 0) {
    if (name === 'compareTo' && isNumber(args[0])) return Math.sign(x - numberValue(args[0]));
    return objectMethod(v, name, args);
  }
  switch (name) {
    case 'intValue':
    case 'longValue': return Math.trunc(x);
    case 'doubleValue':
    case 'floatValue': return Number.isInteger(x) ? new JDouble(x) : x;
    case 'isNaN': return isDouble(v) ? Number.isNaN(x) : NO_METHOD;
    case 'isInfinite': return isDouble(v) ? !Number.isFinite(x) && !Number.isNaN(x) : NO_METHOD;
    default: return objectMethod(v, name, args);
  }
}

export function booleanMethod(b: boolean, name: string, args: unknown[]): unknown {
  if (name === 'booleanValue' && args.length === 0) return b;
  return objectMethod(b, name, args);
}
