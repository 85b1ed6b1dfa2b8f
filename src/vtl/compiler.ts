/**
 * Turns a parsed template into one JavaScript function (source text built once, then `new Function`).
 *
 * Why generated source rather than a tree of closures: template variables become JavaScript locals
 * (Velocity has one flat context and no #parse/#evaluate here, so every name is known at compile
 * time), #foreach becomes a plain `for` loop, #break/#stop become labelled `break`s, and V8 can
 * optimise the whole render as one function. See docs/vtl.md for the measurements.
 *
 * Budgets (budget.ts) are compiled in where they cost least: each loop iteration subtracts its body's
 * weight from `M.left` and calls `M.checkpoint` when it runs out, each printed reference compares the
 * output's length with the budget, and interpolated strings are checked against the string budget.
 */
import type { Expr, Node, RefExpr, Template } from './ast.js';
import { SliceElapsed, activeMeter, budgetExceeded, type RenderMeter } from './budget.js';
import { JavaException, VtlBudgetError, VtlRenderError, VtlSyntaxError, lineColumn } from './errors.js';
import { JsonSyntaxError } from './json.js';
import { JsonPathError } from './jsonpath.js';
import { RegexBudgetExceeded } from './regex/index.js';
import * as runtime from './runtime.js';
import { JDouble } from './values.js';

/** Names bound by the gateway; every other variable starts as null (or from `variables`). */
export const BUILTIN_NAMES = ['input', 'util', 'context', 'stageVariables'] as const;

/** Most #foreach iterations API Gateway runs; the loop silently stops there. */
export const MAX_FOREACH_ITERATIONS = 1000;

export type RenderFunction = (
  input: unknown, util: unknown, context: unknown, stageVariables: unknown, variables: Record<string, unknown> | undefined,
  meter: RenderMeter,
) => string;

interface FnContext {
  /** Label of the innermost #foreach in this JavaScript function, if any. */
  loopLabel: string | null;
  /** True inside a #define body (a nested function: `break main` is out of reach). */
  nested: boolean;
}

class Compiler {
  private readonly vars = new Map<string, string>();
  private readonly constants: unknown[] = [];
  private labelCount = 0;
  /** True when some #define body holds #break: loops must then catch a thrown break. */
  private defineBreaks = false;

  constructor(private readonly template: Template) {}

  compile(): RenderFunction {
    for (const name of BUILTIN_NAMES) this.varName(name);
    for (const name of ['foreach', 'velocityCount', 'velocityHasNext']) this.varName(name);
    this.scan(this.template.body, false);
    const body = this.nodes(this.template.body, { loopLabel: null, nested: false });
    const decls: string[] = [];
    for (const [name, id] of this.vars) {
      const builtin = (BUILTIN_NAMES as readonly string[]).indexOf(name);
      decls.push(builtin >= 0 ? `${id} = a${builtin}` : `${id} = V === undefined ? undefined : V[${JSON.stringify(name)}]`);
    }
    const code = [
      '"use strict";',
      'return function render(a0, a1, a2, a3, V, M) {',
      `let ${decls.join(', ')};`,
      "let out = '', L = 0;",
      'try {',
      `main: {\n${body}\n}`,
      '} catch (e) {',
      "if (e instanceof R.ControlSignal) return out;",
      'throw fail(e, L);',
      '}',
      'return out;',
      '};',
    ].join('\n');
    const source = this.template.source;
    const fail = (e: unknown, offset: number): unknown => renderFailure(e, source, offset);
    const factory = new Function('R', 'K', 'fail', code) as (r: typeof runtime, k: unknown[], f: typeof fail) => RenderFunction;
    return factory(runtime, this.constants, fail);
  }

  /** Collects variable names and notes #define bodies that use #break. */
  private scan(nodes: Node[], inDefine: boolean): void {
    for (const n of nodes) {
      switch (n.kind) {
        case 'ref': this.scanExpr(n.ref); break;
        case 'set': this.scanExpr(n.target); this.scanExpr(n.value); break;
        case 'if':
          for (const b of n.branches) {
            this.scanExpr(b.cond);
            this.scan(b.body, inDefine);
          }
          if (n.otherwise) this.scan(n.otherwise, inDefine);
          break;
        case 'foreach': this.varName(n.variable); this.scanExpr(n.iterable); this.scan(n.body, inDefine); break;
        case 'define': this.varName(n.name); this.scan(n.body, true); break;
        case 'break': if (inDefine) this.defineBreaks = true; break;
        default: break;
      }
    }
  }

  private scanExpr(e: Expr): void {
    switch (e.kind) {
      case 'ref':
        this.varName(e.name);
        for (const s of e.path) {
          if (s.kind === 'call') s.args.forEach((a) => this.scanExpr(a));
          else if (s.kind === 'index') this.scanExpr(s.index);
        }
        break;
      case 'istring': this.scan(e.parts, false); break;
      case 'list': e.items.forEach((i) => this.scanExpr(i)); break;
      case 'map': e.entries.forEach((x) => { this.scanExpr(x.key); this.scanExpr(x.value); }); break;
      case 'range': this.scanExpr(e.from); this.scanExpr(e.to); break;
      case 'binary': this.scanExpr(e.left); this.scanExpr(e.right); break;
      case 'unary': this.scanExpr(e.operand); break;
      default: break;
    }
  }

  private varName(name: string): string {
    let id = this.vars.get(name);
    if (!id) {
      id = `v${this.vars.size}`;
      this.vars.set(name, id);
    }
    return id;
  }

  private constant(v: unknown): string {
    this.constants.push(v);
    return `K[${this.constants.length - 1}]`;
  }

  // ---------------------------------------------------------------- statements

  private nodes(nodes: Node[], fn: FnContext): string {
    return nodes.map((n) => this.node(n, fn)).join('\n');
  }

  private node(n: Node, fn: FnContext): string {
    switch (n.kind) {
      case 'text':
        return `out += ${JSON.stringify(n.value)};`;
      case 'ref': {
        const value = this.ref(n.ref);
        const slashes = '\\'.repeat(n.backslashes >> 1);
        if (n.backslashes % 2 === 1) {
          // Escaped: the reference text itself; Velocity keeps one more backslash when the value is null.
          const lit = JSON.stringify(slashes + n.literal);
          const litNull = JSON.stringify(slashes + '\\' + n.literal);
          return `L = ${n.at}; out += (${value}) == null ? ${litNull} : ${lit};`;
        }
        return `L = ${n.at}; out += ${slashes ? JSON.stringify(slashes) + ' + ' : ''}R.render(${value}); if (out.length > M.maxOutputChars) M.outputTooLong();`;
      }
      case 'set':
        return `L = ${n.at}; ${this.set(n.target, this.expr(n.value))}`;
      case 'if': {
        let code = '';
        n.branches.forEach((b, i) => {
          code += `${i > 0 ? ' else ' : `L = ${n.at}; `}if (${this.cond(b.cond)}) {\n${this.nodes(b.body, fn)}\n}`;
        });
        if (n.otherwise) code += ` else {\n${this.nodes(n.otherwise, fn)}\n}`;
        return code;
      }
      case 'foreach':
        return this.foreach(n.variable, n.iterable, n.body, n.at, fn);
      case 'define': {
        const body = this.nodes(n.body, { loopLabel: null, nested: true });
        return `${this.varName(n.name)} = new R.DefinedBlock(() => { R.spend(${weight(n.body)}); let out = '';\n${body}\nreturn out; });`;
      }
      case 'break':
        if (fn.loopLabel) return `break ${fn.loopLabel};`;
        return fn.nested ? "throw new R.ControlSignal('break');" : 'break main;';
      case 'stop':
        return fn.nested ? "throw new R.ControlSignal('stop');" : 'break main;';
      case 'unsupported':
        return n.isDefinition ? '' : `out += ${JSON.stringify(n.literal)};`;
    }
  }

  private foreach(variable: string, iterable: Expr, body: Node[], at: number, fn: FnContext): string {
    const label = `loop${this.labelCount++}`;
    const v = this.varName(variable);
    const fe = this.varName('foreach');
    const vc = this.varName('velocityCount');
    const vh = this.varName('velocityHasNext');
    const inner = this.nodes(body, { loopLabel: label, nested: fn.nested });
    const guarded = this.defineBreaks
      ? `try {\n${inner}\n} catch (e) { if (e instanceof R.ControlSignal && e.kind === 'break') break ${label}; throw e; }`
      : inner;
    const k = label;
    // `#foreach($i in [a..b])` walks the range without building it: the loop sees the same values,
    // and a range that only feeds a loop costs no memory (nested loops would otherwise build it anew each time).
    const isRange = iterable.kind === 'range';
    const source = isRange ? `R.rangeLoop(${this.expr(iterable.from)}, ${this.expr(iterable.to)})` : `R.iter(${this.expr(iterable)})`;
    const item = isRange ? `it_${k}.first + i * it_${k}.step` : `it_${k}[i]`;
    return `L = ${at}; { const it_${k} = ${source};
if (it_${k} !== null) {
const sv_${k} = ${v}, sf_${k} = ${fe}, sc_${k} = ${vc}, sh_${k} = ${vh};
const fe_${k} = new R.ForeachScope(sf_${k});
${fe} = fe_${k};
const n_${k} = it_${k}.length, max_${k} = n_${k} < ${MAX_FOREACH_ITERATIONS} ? n_${k} : ${MAX_FOREACH_ITERATIONS};
${label}: for (let i = 0; i < max_${k}; i++) {
if ((M.left -= ${weight(body)}) <= 0) M.checkpoint(out.length);
${v} = ${item}; fe_${k}.index = i; ${vh} = fe_${k}.hasNext = i < n_${k} - 1; ${vc} = i + 1; ${fe} = fe_${k};
${guarded}
}
${v} = sv_${k}; ${fe} = sf_${k}; ${vc} = sc_${k}; ${vh} = sh_${k};
} }`;
  }

  /** #set: a null value leaves the target unchanged (Velocity 1.7 default). */
  private set(target: RefExpr, value: string): string {
    if (target.path.length === 0) return `{ const t = ${value}; if (t != null) ${this.varName(target.name)} = t; }`;
    const last = target.path[target.path.length - 1]!;
    const owner = this.ref({ ...target, path: target.path.slice(0, -1) });
    if (last.kind === 'prop') return `{ const t = ${value}; if (t != null) R.setProp(${owner}, ${JSON.stringify(last.name)}, t); }`;
    if (last.kind === 'index') return `{ const t = ${value}; if (t != null) R.setIndex(${owner}, ${this.expr(last.index)}, t); }`;
    throw VtlSyntaxError.at(this.template.source, last.at, 'Cannot #set the result of a method call');
  }

  // ---------------------------------------------------------------- expressions

  /** A condition: in Velocity 1.7 only false (and, in stock Velocity, null) is false; API Gateway treats null as "". */
  private cond(e: Expr): string {
    if (e.kind === 'binary' && (e.op === '&&' || e.op === '||' || e.op === '==' || e.op === '!=' || e.op === '<' || e.op === '<=' || e.op === '>' || e.op === '>=')) {
      return this.expr(e);
    }
    if (e.kind === 'unary' && e.op === '!') return this.expr(e);
    return `(${this.expr(e)}) !== false`;
  }

  private ref(r: RefExpr): string {
    let code = this.varName(r.name);
    for (const s of r.path) {
      if (s.kind === 'prop') code = `R.prop(${code}, ${JSON.stringify(s.name)})`;
      else if (s.kind === 'index') code = `R.index(${code}, ${this.expr(s.index)})`;
      else code = `R.call(${code}, ${JSON.stringify(s.name)}, [${s.args.map((a) => this.expr(a)).join(', ')}])`;
    }
    return code;
  }

  private expr(e: Expr): string {
    switch (e.kind) {
      case 'ref': return this.ref(e);
      case 'string': return JSON.stringify(e.value);
      case 'istring': return this.interpolated(e.parts);
      case 'number':
        return e.isDouble && Number.isInteger(e.value) ? this.constant(new JDouble(e.value)) : String(e.value);
      case 'bool': return e.value ? 'true' : 'false';
      case 'null': return 'undefined';
      case 'list': return `R.list([${e.items.map((i) => this.expr(i)).join(', ')}])`;
      case 'map':
        return `R.map([${e.entries.map((x) => this.expr(x.key)).join(', ')}], [${e.entries.map((x) => this.expr(x.value)).join(', ')}])`;
      case 'range': return `R.range(${this.expr(e.from)}, ${this.expr(e.to)})`;
      case 'unary':
        return e.op === '!' ? `((${this.expr(e.operand)}) === false)` : `R.neg(${this.expr(e.operand)})`;
      case 'binary': {
        const a = this.expr(e.left);
        const b = this.expr(e.right);
        switch (e.op) {
          case '&&': return `((${a}) !== false && (${b}) !== false)`;
          case '||': return `((${a}) !== false || (${b}) !== false)`;
          case '==': return `R.eq(${a}, ${b})`;
          case '!=': return `!R.eq(${a}, ${b})`;
          case '<': return `R.lt(${a}, ${b})`;
          case '<=': return `R.le(${a}, ${b})`;
          case '>': return `R.gt(${a}, ${b})`;
          case '>=': return `R.ge(${a}, ${b})`;
          case '+': return `R.add(${a}, ${b})`;
          case '-': return `R.sub(${a}, ${b})`;
          case '*': return `R.mul(${a}, ${b})`;
          case '/': return `R.div(${a}, ${b})`;
          case '%': return `R.mod(${a}, ${b})`;
        }
      }
    }
  }

  /** A "..." string with references: concatenation, or a small function when it holds directives. */
  private interpolated(parts: Node[]): string {
    if (parts.every((p) => p.kind === 'text' || (p.kind === 'ref' && p.backslashes === 0))) {
      return 'R.str(' + parts.map((p) => (p.kind === 'text' ? JSON.stringify(p.value) : `R.render(${this.ref((p as { ref: RefExpr }).ref)})`)).join(' + ') + ')';
    }
    return `R.str((() => { let out = '';\n${this.nodes(parts, { loopLabel: null, nested: true })}\nreturn out; })())`;
  }
}

export function compileToFunction(template: Template): RenderFunction {
  return new Compiler(template).compile();
}

/**
 * Steps one pass over `nodes` costs: one per statement, with every #if branch counted (an upper
 * bound), plus one per KiB of literal text. Nested loops and #define bodies count their own.
 */
function weight(nodes: Node[]): number {
  let w = 1;
  for (const n of nodes) {
    if (n.kind === 'text') w += 1 + (n.value.length >> 10);
    else if (n.kind === 'if') {
      for (const b of n.branches) w += weight(b.body);
      if (n.otherwise) w += weight(n.otherwise);
    } else if (n.kind !== 'define') w += 1;
  }
  return w;
}

/**
 * Wraps whatever a render threw into a VtlRenderError that says what failed and where. A
 * SliceElapsed passes through untouched: it is the scheduler's signal, not a failure.
 */
function renderFailure(e: unknown, source: string, offset: number): unknown {
  if (e instanceof SliceElapsed) return e;
  const { line, column } = lineColumn(source, offset);
  if (e instanceof VtlBudgetError) return e.line === undefined ? new VtlBudgetError(e.limit, e.reason, line, column) : e;
  if (e instanceof VtlRenderError) return e;
  // V8's own ceilings, should a budget let something reach them first.
  if (e instanceof RangeError && e.message === 'Invalid string length') {
    return new VtlBudgetError('string', budgetExceeded('string', activeMeter().limits).reason, line, column);
  }
  if (e instanceof RangeError && e.message === 'Invalid array length') {
    return new VtlBudgetError('elements', budgetExceeded('elements', activeMeter().limits).reason, line, column);
  }
  let message: string;
  if (e instanceof JavaException || e instanceof JsonPathError || e instanceof JsonSyntaxError || e instanceof RegexBudgetExceeded) message = e.message;
  else if (e instanceof RangeError) message = `Template evaluation failed: ${e.message}`;
  else message = `Internal error while rendering: ${e instanceof Error ? e.message : String(e)}`;
  const err = new VtlRenderError(message, line, column);
  (err as { cause?: unknown }).cause = e;
  return err;
}
