/**
 * JSONPath as Jayway JsonPath (what API Gateway uses for $input.path / $input.json) evaluates it:
 * a *definite* path (only names and single indexes) gives one value or null; an *indefinite* path
 * (wildcards, deep scan `..`, filters, slices, unions) gives a list of every match.
 */
import { spend } from './budget.js';
import { compilePattern, flagsFromLetters, matchesCompiled, type CompiledPattern } from './regex/index.js';
import { JDouble, isMap, javaString } from './values.js';

export class JsonPathError extends Error {}

type Step =
  | { t: 'field'; names: string[] }
  | { t: 'wild' }
  | { t: 'index'; idx: number[] }
  | { t: 'slice'; start: number | null; end: number | null; step: number }
  | { t: 'deep'; inner: Step }
  | { t: 'filter'; pred: Pred }
  | { t: 'fn'; name: string };

type Operand =
  | { t: 'path'; root: '@' | '$'; steps: Step[] }
  | { t: 'lit'; v: unknown }
  | { t: 'regex'; pattern: CompiledPattern };
type Pred =
  | { t: 'and' | 'or'; a: Pred; b: Pred }
  | { t: 'not'; a: Pred }
  | { t: 'exists'; o: Operand }
  | { t: 'cmp'; op: string; l: Operand; r: Operand };

export interface CompiledPath {
  readonly definite: boolean;
  readonly steps: Step[];
}

const cache = new Map<string, CompiledPath>();

export function compileJsonPath(path: string): CompiledPath {
  let c = cache.get(path);
  if (!c) {
    c = new PathParser(path).parse();
    if (cache.size > 1000) cache.clear();
    cache.set(path, c);
  }
  return c;
}

/** Evaluates `path` on a parsed document. Missing values give undefined (Java null). */
export function evaluateJsonPath(doc: unknown, path: string, root: unknown = doc): unknown {
  const c = compileJsonPath(path);
  if (c.definite) return definite(doc, c.steps, root);
  let nodes: unknown[] = [doc];
  const steps = c.steps;
  let fn: string | null = null;
  for (const step of steps) {
    if (step.t === 'fn') {
      fn = step.name;
      break;
    }
    const next: unknown[] = [];
    for (const n of nodes) apply(step, n, next, root);
    nodes = next;
  }
  return fn ? callFn(fn, nodes) : nodes;
}

function definite(doc: unknown, steps: Step[], root: unknown): unknown {
  let v: unknown = doc;
  for (const step of steps) {
    if (v === null || v === undefined) return undefined;
    if (step.t === 'field') {
      if (!isMap(v)) return undefined;
      const k = step.names[0]!;
      v = Object.prototype.hasOwnProperty.call(v, k) ? v[k] : undefined;
    } else if (step.t === 'index') {
      if (!Array.isArray(v)) return undefined;
      let i = step.idx[0]!;
      if (i < 0) i += v.length;
      v = v[i];
    } else if (step.t === 'fn') {
      return callFn(step.name, v);
    } else {
      const out: unknown[] = [];
      apply(step, v, out, root);
      v = out;
    }
  }
  return v;
}

function apply(step: Step, n: unknown, out: unknown[], root: unknown): void {
  spend(1); // one step per node visited: deep scans and filters walk the whole document
  switch (step.t) {
    case 'field':
      if (isMap(n)) for (const k of step.names) if (Object.prototype.hasOwnProperty.call(n, k)) out.push(n[k]);
      return;
    case 'wild':
      // Item by item, not spread: a spread of a large document overflows the call stack.
      if (Array.isArray(n)) for (const x of n) out.push(x);
      else if (isMap(n)) for (const x of Object.values(n)) out.push(x);
      return;
    case 'index':
      if (Array.isArray(n)) {
        for (let i of step.idx) {
          if (i < 0) i += n.length;
          if (i >= 0 && i < n.length) out.push(n[i]);
        }
      }
      return;
    case 'slice': {
      if (!Array.isArray(n)) return;
      const len = n.length;
      let s = step.start ?? 0;
      let e = step.end ?? len;
      if (s < 0) s = Math.max(0, len + s);
      if (e < 0) e = len + e;
      e = Math.min(e, len);
      for (let i = s; i < e; i += step.step) out.push(n[i]);
      return;
    }
    case 'deep':
      deepScan(step.inner, n, out, root);
      return;
    case 'filter':
      if (Array.isArray(n)) {
        for (const item of n) if (test(step.pred, item, root)) out.push(item);
      } else if (isMap(n) && test(step.pred, n, root)) {
        out.push(n);
      }
      return;
    case 'fn':
      return;
  }
}

function deepScan(inner: Step, n: unknown, out: unknown[], root: unknown): void {
  apply(inner, n, out, root);
  if (Array.isArray(n)) for (const c of n) deepScan(inner, c, out, root);
  else if (isMap(n)) for (const c of Object.values(n)) deepScan(inner, c, out, root);
}

function num(v: unknown): number | null {
  if (typeof v === 'number') return v;
  if (v instanceof JDouble) return v.value;
  return null;
}

function callFn(name: string, v: unknown): unknown {
  const items = Array.isArray(v) ? v : isMap(v) ? Object.values(v) : null;
  switch (name) {
    case 'length':
    case 'size':
      if (typeof v === 'string') return v.length;
      return items ? items.length : undefined;
    case 'keys':
      return isMap(v) ? Object.keys(v) : undefined;
    case 'min':
    case 'max':
    case 'sum':
    case 'avg': {
      const nums = (items ?? []).map(num).filter((x): x is number => x !== null);
      if (nums.length === 0) throw new JsonPathError(`Aggregation function ${name}() attempted on empty array`);
      const sum = nums.reduce((a, b) => a + b, 0);
      const r = name === 'min' ? Math.min(...nums) : name === 'max' ? Math.max(...nums) : name === 'sum' ? sum : sum / nums.length;
      return Number.isInteger(r) ? new JDouble(r) : r; // Jayway's aggregations return Double
    }
    default:
      throw new JsonPathError(`Function with name: ${name} does not exist.`);
  }
}

// ---------------------------------------------------------------- filters

function operandValue(o: Operand, current: unknown, root: unknown): { found: boolean; v: unknown } {
  if (o.t === 'lit') return { found: true, v: o.v };
  if (o.t === 'regex') return { found: true, v: o.pattern };
  const start = o.root === '@' ? current : root;
  const isDefinite = o.steps.every((s) => s.t === 'field' ? s.names.length === 1 : s.t === 'index' ? s.idx.length === 1 : s.t === 'fn');
  if (isDefinite) {
    let v: unknown = start;
    for (const s of o.steps) {
      if (s.t === 'fn') return { found: true, v: callFn(s.name, v) };
      if (s.t === 'field') {
        if (!isMap(v) || !Object.prototype.hasOwnProperty.call(v, s.names[0]!)) return { found: false, v: undefined };
        v = v[s.names[0]!];
      } else if (s.t === 'index') {
        if (!Array.isArray(v)) return { found: false, v: undefined };
        const i = s.idx[0]! < 0 ? v.length + s.idx[0]! : s.idx[0]!;
        if (i < 0 || i >= v.length) return { found: false, v: undefined };
        v = v[i];
      }
    }
    return { found: true, v };
  }
  let nodes: unknown[] = [start];
  for (const s of o.steps) {
    const next: unknown[] = [];
    for (const n of nodes) apply(s, n, next, root);
    nodes = next;
  }
  return { found: nodes.length > 0, v: nodes };
}

function plain(v: unknown): unknown {
  return v instanceof JDouble ? v.value : v;
}

function looseEquals(a: unknown, b: unknown): boolean {
  a = plain(a);
  b = plain(b);
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b) || isMap(a) || isMap(b)) return JSON.stringify(a) === JSON.stringify(b);
  return false;
}

/**
 * Jayway's `=~` (RegexpEvaluator): Pattern.matcher(input).matches(), so the whole value must match.
 * Strings are matched as they are, numbers and booleans by their text, anything else as ""; an
 * array matches when one of its items does.
 */
function regexMatches(pattern: CompiledPattern, v: unknown): boolean {
  if (Array.isArray(v)) return v.some((item) => regexMatches(pattern, item));
  const text = typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' || v instanceof JDouble ? javaString(v) : '';
  return matchesCompiled(pattern, text);
}

function test(p: Pred, current: unknown, root: unknown): boolean {
  switch (p.t) {
    case 'and': return test(p.a, current, root) && test(p.b, current, root);
    case 'or': return test(p.a, current, root) || test(p.b, current, root);
    case 'not': return !test(p.a, current, root);
    case 'exists': {
      const r = operandValue(p.o, current, root);
      return r.found && (typeof r.v !== 'boolean' || r.v);
    }
    case 'cmp': {
      const l = operandValue(p.l, current, root);
      const r = operandValue(p.r, current, root);
      if (!l.found || !r.found) return p.op === '!=' || p.op === 'nin';
      const a = plain(l.v);
      const b = plain(r.v);
      switch (p.op) {
        case '==': return looseEquals(a, b);
        case '!=': return !looseEquals(a, b);
        case '<': return typeof a === typeof b && (a as number) < (b as number);
        case '<=': return typeof a === typeof b && (a as number) <= (b as number);
        case '>': return typeof a === typeof b && (a as number) > (b as number);
        case '>=': return typeof a === typeof b && (a as number) >= (b as number);
        case '=~':
          // Jayway takes the pattern on either side; the value keeps its Java type for its text (12.0 stays "12.0").
          if (p.r.t === 'regex') return regexMatches(p.r.pattern, l.v);
          return p.l.t === 'regex' && regexMatches(p.l.pattern, r.v);
        case 'in': return Array.isArray(b) && b.some((x) => looseEquals(a, x));
        case 'nin': return Array.isArray(b) && !b.some((x) => looseEquals(a, x));
        case 'contains':
          return typeof a === 'string' ? typeof b === 'string' && a.includes(b) : Array.isArray(a) && a.some((x) => looseEquals(x, b));
        case 'size': return num(b) !== null && (typeof a === 'string' || Array.isArray(a)) && (a as string | unknown[]).length === num(b);
        case 'empty': {
          const isEmpty = (typeof a === 'string' || Array.isArray(a)) && (a as string | unknown[]).length === 0;
          return b === isEmpty;
        }
        default: return false;
      }
    }
  }
}

// ---------------------------------------------------------------- parsing

class PathParser {
  private pos = 0;
  private s: string;
  constructor(private readonly path: string) {
    const t = path.trim();
    // Jayway accepts a path without the root: `records[0]` means `$.records[0]`.
    this.s = t.startsWith('$') || t.startsWith('@') ? t : t.startsWith('[') ? '$' + t : '$.' + t;
  }

  private fail(msg: string): never {
    throw new JsonPathError(`Invalid JSONPath ${JSON.stringify(this.path)}: ${msg} at character ${this.pos}`);
  }

  parse(): CompiledPath {
    this.pos = 1;
    const steps = this.steps(false);
    if (this.pos < this.s.length) this.fail(`unexpected '${this.s[this.pos]}'`);
    const definite = steps.every((s) => (s.t === 'field' && s.names.length === 1) || (s.t === 'index' && s.idx.length === 1) || s.t === 'fn');
    return { definite, steps };
  }

  /** Steps until the end (or, inside a filter, until a character that cannot continue a path). */
  steps(inFilter: boolean): Step[] {
    const steps: Step[] = [];
    const s = this.s;
    while (this.pos < s.length) {
      const c = s[this.pos];
      if (c === '.' && s[this.pos + 1] === '.') {
        this.pos += 2;
        if (s[this.pos] === '[') steps.push({ t: 'deep', inner: this.bracket() });
        else steps.push({ t: 'deep', inner: this.dotName(true) });
      } else if (c === '.') {
        this.pos++;
        steps.push(this.dotName(false));
      } else if (c === '[') {
        steps.push(this.bracket());
      } else if (inFilter) {
        break;
      } else {
        this.fail(`unexpected '${c}'`);
      }
      if (steps[steps.length - 1]!.t === 'fn' && this.pos < s.length && !inFilter) this.fail('a function must come last');
    }
    return steps;
  }

  private dotName(deep: boolean): Step {
    const s = this.s;
    if (s[this.pos] === '*') {
      this.pos++;
      return { t: 'wild' };
    }
    const start = this.pos;
    while (this.pos < s.length && !'.[]()=!<>&|, '.includes(s[this.pos]!)) this.pos++;
    const name = s.slice(start, this.pos);
    if (name.length === 0) this.fail('empty property name');
    if (s[this.pos] === '(' && s[this.pos + 1] === ')' && !deep) {
      this.pos += 2;
      return { t: 'fn', name };
    }
    return { t: 'field', names: [name] };
  }

  private bracket(): Step {
    const s = this.s;
    this.pos++; // [
    this.ws();
    let step: Step;
    if (s[this.pos] === '*') {
      this.pos++;
      step = { t: 'wild' };
    } else if (s[this.pos] === '?') {
      this.pos++;
      this.ws();
      if (s[this.pos] !== '(') this.fail('expected ( after ?');
      this.pos++;
      const pred = this.predOr();
      this.ws();
      if (s[this.pos] !== ')') this.fail('expected ) to close the filter');
      this.pos++;
      step = { t: 'filter', pred };
    } else if (s[this.pos] === "'" || s[this.pos] === '"') {
      const names = [this.quoted()];
      this.ws();
      while (s[this.pos] === ',') {
        this.pos++;
        this.ws();
        names.push(this.quoted());
        this.ws();
      }
      step = { t: 'field', names };
    } else {
      const m = /\s*(-?\d*)\s*(?::\s*(-?\d*)\s*(?::\s*(-?\d*)\s*)?)?/y;
      m.lastIndex = this.pos;
      const r = m.exec(s)!;
      if (r[0].includes(':')) {
        this.pos += r[0].length;
        const step2 = r[3] ? Number(r[3]) : 1;
        if (step2 <= 0) this.fail('slice step must be positive');
        step = { t: 'slice', start: r[1] ? Number(r[1]) : null, end: r[2] ? Number(r[2]) : null, step: step2 };
      } else {
        const idx: number[] = [];
        for (;;) {
          this.ws();
          const d = /-?\d+/y;
          d.lastIndex = this.pos;
          const dm = d.exec(s);
          if (!dm) this.fail('expected an index, a quoted name, * or ?()');
          idx.push(Number(dm[0]));
          this.pos += dm[0].length;
          this.ws();
          if (s[this.pos] !== ',') break;
          this.pos++;
        }
        step = { t: 'index', idx };
      }
    }
    this.ws();
    if (s[this.pos] !== ']') this.fail('expected ]');
    this.pos++;
    return step;
  }

  private quoted(): string {
    const s = this.s;
    const q = s[this.pos];
    if (q !== "'" && q !== '"') this.fail('expected a quoted name');
    let out = '';
    this.pos++;
    while (this.pos < s.length && s[this.pos] !== q) {
      if (s[this.pos] === '\\' && this.pos + 1 < s.length) this.pos++;
      out += s[this.pos++];
    }
    if (this.pos >= s.length) this.fail('unterminated quoted name');
    this.pos++;
    return out;
  }

  private ws(): void {
    while (this.pos < this.s.length && /\s/.test(this.s[this.pos]!)) this.pos++;
  }

  private predOr(): Pred {
    let a = this.predAnd();
    for (;;) {
      this.ws();
      if (!this.s.startsWith('||', this.pos)) return a;
      this.pos += 2;
      a = { t: 'or', a, b: this.predAnd() };
    }
  }

  private predAnd(): Pred {
    let a = this.predUnary();
    for (;;) {
      this.ws();
      if (!this.s.startsWith('&&', this.pos)) return a;
      this.pos += 2;
      a = { t: 'and', a, b: this.predUnary() };
    }
  }

  private predUnary(): Pred {
    this.ws();
    const s = this.s;
    if (s[this.pos] === '!' && s[this.pos + 1] !== '=') {
      this.pos++;
      return { t: 'not', a: this.predUnary() };
    }
    if (s[this.pos] === '(') {
      this.pos++;
      const p = this.predOr();
      this.ws();
      if (s[this.pos] !== ')') this.fail('expected )');
      this.pos++;
      return p;
    }
    const l = this.operand();
    this.ws();
    const m = /(==|!=|<=|>=|=~|<|>|nin\b|in\b|contains\b|size\b|empty\b)/y;
    m.lastIndex = this.pos;
    const r = m.exec(s);
    if (!r) {
      if (l.t !== 'path') this.fail('expected a comparison');
      return { t: 'exists', o: l };
    }
    this.pos += r[0].length;
    this.ws();
    return { t: 'cmp', op: r[1]!, l, r: this.operand() };
  }

  private operand(): Operand {
    this.ws();
    const s = this.s;
    const c = s[this.pos];
    if (c === '@' || c === '$') {
      this.pos++;
      return { t: 'path', root: c, steps: this.steps(true) };
    }
    if (c === "'" || c === '"') return { t: 'lit', v: this.quoted() };
    if (c === '/') {
      // Jayway compiles the text between the slashes with java.util.regex and reads flag letters after.
      const m = /\/((?:\\.|[^/\\])*)\/([a-zA-Z]*)/y;
      m.lastIndex = this.pos;
      const r = m.exec(s);
      if (!r) this.fail('bad regular expression');
      this.pos += r[0].length;
      return { t: 'regex', pattern: compilePattern(r[1]!, flagsFromLetters(r[2]!)) };
    }
    if (c === '[') {
      // A JSON list literal (for `in`/`nin`).
      let depth = 0;
      const start = this.pos;
      do {
        if (s[this.pos] === '[') depth++;
        else if (s[this.pos] === ']') depth--;
        this.pos++;
      } while (depth > 0 && this.pos < s.length);
      try {
        return { t: 'lit', v: JSON.parse(s.slice(start, this.pos).replace(/'/g, '"')) };
      } catch {
        this.fail('bad list literal');
      }
    }
    const m = /(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true\b|false\b|null\b)/y;
    m.lastIndex = this.pos;
    const r = m.exec(s);
    if (!r) this.fail('expected a value in the filter');
    this.pos += r[0].length;
    return { t: 'lit', v: JSON.parse(r[0]) };
  }
}
