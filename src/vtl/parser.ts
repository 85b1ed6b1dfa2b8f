/**
 * Hand-written parser for Velocity 1.7 templates as API Gateway runs them.
 *
 * It reads the characters directly (no separate token list) and builds the tree in ast.ts.
 * Velocity 1.7's whitespace "gobbling" is applied here, so the compiler only sees the text that
 * is really printed:
 *  - `#set(...)` removes the spaces/tabs before it when nothing but spaces/tabs separates it from
 *    the previous token (in 1.7 the SET token starts with `[ \t]*`, but a text run that began
 *    earlier keeps them: JavaCC picks the longest token at each position);
 *  - the closing `)` of #set/#if/#elseif/#foreach/#define, and `#else`/`#end`, swallow trailing
 *    spaces/tabs when a newline follows, together with that one newline;
 *  - `## comment` swallows its newline; `#* *#` does not.
 */
import type {
  BinaryOp, DefineNode, Expr, ForeachNode, IfNode, Node, RefExpr, RefNode, Segment, SetNode, Template,
} from './ast.js';
import { VtlSyntaxError } from './errors.js';

const KNOWN_DIRECTIVES = new Set([
  'set', 'if', 'elseif', 'else', 'end', 'foreach', 'break', 'stop', 'define', 'macro',
  'evaluate', 'parse', 'include', 'literal',
]);

function isIdentStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
}
/** Velocity 1.7 identifiers may contain hyphens: `$elem.partition-key` is one property. */
function isIdentChar(c: number): boolean {
  return isIdentStart(c) || (c >= 48 && c <= 57) || c === 45;
}
function isDirectiveChar(c: number): boolean {
  return isIdentStart(c) || (c >= 48 && c <= 57);
}
function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

type Terminator =
  | { name: 'end'; at: number }
  | { name: 'else'; at: number }
  | { name: 'elseif'; at: number; cond: Expr };

/** What a block is inside of, for error messages and for knowing which terminators are legal. */
interface BlockContext { directive: string; at: number }

export function parseTemplate(source: string): Template {
  const parser = new Parser(source, 0, source);
  return { body: parser.parseAll(), source };
}

class Parser {
  private pos = 0;
  /** Text collected for the next TextNode. */
  private buf = '';
  private bufAt = 0;
  /** Where the current run of plain text began (just after the last token). */
  private runStart = 0;
  private out: Node[] = [];

  constructor(private readonly src: string, private readonly base: number, private readonly root: string) {}

  private error(offset: number, message: string): VtlSyntaxError {
    return VtlSyntaxError.at(this.root, Math.min(this.base + offset, this.root.length), message);
  }

  parseAll(): Node[] {
    const { nodes, terminator } = this.parseBlock(null);
    if (terminator) throw this.error(terminator.at, `#${terminator.name} without a matching #if, #foreach or #define`);
    return nodes;
  }

  // ---------------------------------------------------------------- template text

  private flush(): void {
    if (this.buf.length > 0) {
      this.out.push({ kind: 'text', at: this.base + this.bufAt, value: this.buf });
      this.buf = '';
    }
  }

  private addText(text: string, at: number): void {
    if (this.buf.length === 0) this.bufAt = at;
    this.buf += text;
  }

  private emit(node: Node): void {
    this.flush();
    this.out.push(node);
  }

  /**
   * Parses nodes until the end of input or a #end/#else/#elseif, which is returned (or null at the end).
   * `ctx` is null at the top level.
   */
  private parseBlock(ctx: BlockContext | null): { nodes: Node[]; terminator: Terminator | null } {
    this.flush(); // pending text belongs to the enclosing block
    const saved = this.out;
    this.out = [];
    const src = this.src;
    const len = src.length;
    let terminator: Terminator | null = null;
    while (this.pos < len) {
      const c = src.charCodeAt(this.pos);
      if (c === 36 /* $ */) {
        this.reference(0, this.pos);
      } else if (c === 35 /* # */) {
        terminator = this.hash(ctx);
        if (terminator) break;
      } else if (c === 92 /* \ */) {
        terminator = this.backslashes(ctx);
        if (terminator) break;
      } else {
        // A run of plain characters up to the next special one.
        let end = this.pos + 1;
        while (end < len) {
          const d = src.charCodeAt(end);
          if (d === 36 || d === 35 || d === 92) break;
          end++;
        }
        this.addText(src.slice(this.pos, end), this.pos);
        this.pos = end;
      }
    }
    this.flush();
    const nodes = this.out;
    this.out = saved;
    return { nodes, terminator };
  }

  /** `$...` in text: a reference, or a literal `$` when no identifier follows. */
  private reference(backslashes: number, start: number): boolean {
    const dollar = this.pos;
    const ref = this.tryReference();
    if (!ref) {
      // Not a reference: the backslashes and the `$` are plain text.
      this.addText(this.src.slice(start, dollar + 1), start);
      this.pos = dollar + 1;
      this.runStart = this.pos;
      return false;
    }
    const node: RefNode = {
      kind: 'ref',
      at: this.base + dollar,
      ref,
      literal: this.src.slice(dollar, this.pos),
      backslashes,
    };
    this.emit(node);
    this.runStart = this.pos;
    return true;
  }

  /** A run of backslashes: escapes for a following reference or directive, else plain text. */
  private backslashes(ctx: BlockContext | null): Terminator | null {
    const src = this.src;
    const start = this.pos;
    let p = start;
    while (p < src.length && src.charCodeAt(p) === 92) p++;
    const n = p - start;
    const next = src.charCodeAt(p);
    if (next === 36 /* $ */) {
      this.pos = p;
      this.reference(n, start);
      return null;
    }
    if (next === 35 /* # */) {
      const word = this.directiveWordAt(p);
      if (word && KNOWN_DIRECTIVES.has(word.name)) {
        this.addText('\\'.repeat(n >> 1), start);
        if (n % 2 === 1) {
          // Escaped directive: its name is printed, the rest is parsed as usual text.
          this.addText(src.slice(p, word.end), p);
          this.pos = word.end;
          this.runStart = this.pos;
          return null;
        }
        this.pos = p;
        return this.hash(ctx);
      }
    }
    this.addText(src.slice(start, p), start);
    this.pos = p;
    return null;
  }

  /** Name of the directive written at `p` (`#name` or `#{name}`), if any. */
  private directiveWordAt(p: number): { name: string; end: number; braced: boolean } | null {
    const src = this.src;
    let q = p + 1;
    const braced = src.charCodeAt(q) === 123; /* { */
    if (braced) q++;
    if (!isIdentStart(src.charCodeAt(q))) return null;
    const nameStart = q;
    while (q < src.length && isDirectiveChar(src.charCodeAt(q))) q++;
    const name = src.slice(nameStart, q);
    if (braced) {
      if (src.charCodeAt(q) !== 125) return null;
      q++;
    }
    return { name, end: q, braced };
  }

  /** Everything starting with `#`: comments, raw blocks, directives, or a literal `#`. */
  private hash(ctx: BlockContext | null): Terminator | null {
    const src = this.src;
    const at = this.pos;
    const next = src.charCodeAt(at + 1);
    if (next === 35 /* ## */) {
      let end = src.indexOf('\n', at);
      end = end < 0 ? src.length : end + 1;
      this.flush();
      this.pos = end;
      this.runStart = end;
      return null;
    }
    if (next === 42 /* #* */) {
      const end = src.indexOf('*#', at + 2);
      if (end < 0) throw this.error(at, 'Unterminated comment: #* has no closing *#');
      this.flush();
      this.pos = end + 2;
      this.runStart = this.pos;
      return null;
    }
    if (next === 91 /* [ */ && src.charCodeAt(at + 2) === 91) {
      const end = src.indexOf(']]#', at + 3);
      if (end < 0) throw this.error(at, 'Unterminated raw block: #[[ has no closing ]]#');
      this.addText(src.slice(at + 3, end), at + 3);
      this.pos = end + 3;
      this.runStart = this.pos;
      return null;
    }
    const word = this.directiveWordAt(at);
    if (!word) {
      this.addText('#', at);
      this.pos = at + 1;
      this.runStart = this.pos;
      return null;
    }
    this.pos = word.end;
    switch (word.name) {
      case 'set':
        this.setDirective(at);
        return null;
      case 'if':
        this.ifDirective(at);
        return null;
      case 'foreach':
        this.foreachDirective(at);
        return null;
      case 'define':
        this.defineDirective(at);
        return null;
      case 'macro':
        this.macroDirective(at);
        return null;
      case 'elseif': {
        if (!ctx || (ctx.directive !== 'if' && ctx.directive !== 'elseif')) throw this.error(at, '#elseif without a matching #if');
        const cond = this.parenthesizedCondition('#elseif');
        this.gobbleNewline();
        return { name: 'elseif', at, cond };
      }
      case 'else':
        if (!ctx || (ctx.directive !== 'if' && ctx.directive !== 'elseif')) throw this.error(at, '#else without a matching #if');
        this.gobbleNewline();
        return { name: 'else', at };
      case 'end':
        if (!ctx) throw this.error(at, '#end without a matching #if, #foreach or #define');
        this.gobbleNewline();
        return { name: 'end', at };
      case 'break':
      case 'stop': {
        // `#break($foreach)` / `#stop()`: the argument is accepted and ignored (innermost loop / whole template).
        const save = this.pos;
        this.skipBlanks();
        if (this.src.charCodeAt(this.pos) === 40) this.skipBalancedParens(at);
        else this.pos = save;
        this.emit({ kind: word.name, at: this.base + at });
        this.runStart = this.pos;
        return null;
      }
      default:
        this.otherDirective(at, word.name);
        return null;
    }
  }

  /** `#name(...)` that API Gateway does not run (or a plain word after `#`, which is text). */
  private otherDirective(at: number, name: string): void {
    const save = this.pos;
    this.skipBlanks();
    if (this.src.charCodeAt(this.pos) === 40 /* ( */ && this.trySkipBalancedParens()) {
      this.emit({ kind: 'unsupported', at: this.base + at, name, literal: this.src.slice(at, this.pos), isDefinition: false });
      this.runStart = this.pos;
      return;
    }
    // `#hashtag`, `#13ff93`, ...: plain text.
    this.pos = save;
    this.addText(this.src.slice(at, save), at);
    this.runStart = save;
  }

  private setDirective(at: number): void {
    // 1.7: the #set token includes the spaces/tabs before it, unless an earlier text run owns them.
    const lead = this.src.slice(this.runStart, at);
    if (lead.length > 0 && /^[ \t]*$/.test(lead) && this.buf.endsWith(lead)) {
      this.buf = this.buf.slice(0, this.buf.length - lead.length);
    }
    this.skipBlanks();
    this.expect(40, '#set must be followed by (');
    this.skipWs();
    if (this.src.charCodeAt(this.pos) !== 36) throw this.error(this.pos, '#set must assign to a $reference');
    const target = this.refExpr();
    this.skipWs();
    this.expect(61, '#set expects = after the reference');
    this.skipWs();
    const value = this.expression();
    this.skipWs();
    this.expect(41, '#set expects ) after the value');
    this.gobbleNewline();
    const node: SetNode = { kind: 'set', at: this.base + at, target, value };
    this.emit(node);
  }

  private ifDirective(at: number): void {
    const cond = this.parenthesizedCondition('#if');
    this.gobbleNewline();
    const node: IfNode = { kind: 'if', at: this.base + at, branches: [], otherwise: null };
    let branchCond = cond;
    let ctxName = 'if';
    for (;;) {
      const { nodes, terminator } = this.parseBlock({ directive: ctxName, at });
      node.branches.push({ cond: branchCond, body: nodes });
      if (!terminator) throw this.error(at, '#if has no matching #end');
      if (terminator.name === 'end') break;
      if (terminator.name === 'elseif') {
        branchCond = terminator.cond;
        ctxName = 'elseif';
        continue;
      }
      const rest = this.parseBlock({ directive: 'else', at });
      if (!rest.terminator) throw this.error(at, '#if has no matching #end');
      if (rest.terminator.name !== 'end') throw this.error(rest.terminator.at, `#${rest.terminator.name} after #else`);
      node.otherwise = rest.nodes;
      break;
    }
    this.emit(node);
    this.runStart = this.pos;
  }

  private foreachDirective(at: number): void {
    this.skipBlanks();
    this.expect(40, '#foreach must be followed by (');
    this.skipWs();
    if (this.src.charCodeAt(this.pos) !== 36) throw this.error(this.pos, '#foreach expects a $variable');
    const variable = this.refExpr();
    if (variable.path.length > 0) throw this.error(variable.at - this.base, '#foreach variable must be a plain $name');
    this.skipWs();
    if (!this.src.startsWith('in', this.pos) || isIdentChar(this.src.charCodeAt(this.pos + 2))) {
      throw this.error(this.pos, "#foreach expects 'in' after the variable");
    }
    this.pos += 2;
    this.skipWs();
    const iterable = this.expression();
    this.skipWs();
    this.expect(41, '#foreach expects ) after the list');
    this.gobbleNewline();
    const { nodes, terminator } = this.parseBlock({ directive: 'foreach', at });
    if (!terminator) throw this.error(at, '#foreach has no matching #end');
    const node: ForeachNode = { kind: 'foreach', at: this.base + at, variable: variable.name, iterable, body: nodes };
    this.emit(node);
    this.runStart = this.pos;
  }

  private defineDirective(at: number): void {
    this.skipBlanks();
    this.expect(40, '#define must be followed by (');
    this.skipWs();
    if (this.src.charCodeAt(this.pos) !== 36) throw this.error(this.pos, '#define expects a $name');
    const name = this.refExpr();
    if (name.path.length > 0) throw this.error(name.at - this.base, '#define expects a plain $name');
    this.skipWs();
    this.expect(41, '#define expects ) after the name');
    this.gobbleNewline();
    const { nodes, terminator } = this.parseBlock({ directive: 'define', at });
    if (!terminator) throw this.error(at, '#define has no matching #end');
    const node: DefineNode = { kind: 'define', at: this.base + at, name: name.name, body: nodes };
    this.emit(node);
    this.runStart = this.pos;
  }

  /** #macro is parsed (so its #end pairs up) but API Gateway does not define macros: it outputs nothing. */
  private macroDirective(at: number): void {
    this.skipBlanks();
    if (this.src.charCodeAt(this.pos) !== 40) throw this.error(this.pos, '#macro must be followed by (');
    this.skipBalancedParens(at);
    this.gobbleNewline();
    const { terminator } = this.parseBlock({ directive: 'macro', at });
    if (!terminator) throw this.error(at, '#macro has no matching #end');
    this.emit({ kind: 'unsupported', at: this.base + at, name: 'macro', literal: this.src.slice(at, this.pos), isDefinition: true });
    this.runStart = this.pos;
  }

  private parenthesizedCondition(what: string): Expr {
    this.skipBlanks();
    this.expect(40, `${what} must be followed by (`);
    this.skipWs();
    const cond = this.expression();
    this.skipWs();
    this.expect(41, `${what} expects ) after the condition`);
    return cond;
  }

  /** After `)`, `#else` or `#end`: spaces/tabs followed by a newline are swallowed with the newline. */
  private gobbleNewline(): void {
    const src = this.src;
    let p = this.pos;
    while (p < src.length && (src.charCodeAt(p) === 32 || src.charCodeAt(p) === 9)) p++;
    if (src.charCodeAt(p) === 10) this.pos = p + 1;
    else if (src.charCodeAt(p) === 13) this.pos = src.charCodeAt(p + 1) === 10 ? p + 2 : p + 1;
    this.runStart = this.pos;
  }

  private skipBalancedParens(at: number): void {
    if (!this.trySkipBalancedParens()) throw this.error(at, 'Unbalanced parentheses in directive arguments');
  }

  /** Skips `( ... )`, respecting quotes; false if it never closes. */
  private trySkipBalancedParens(): boolean {
    const src = this.src;
    let depth = 0;
    let p = this.pos;
    while (p < src.length) {
      const c = src.charCodeAt(p);
      if (c === 34 || c === 39) {
        const close = src.indexOf(src[p]!, p + 1);
        if (close < 0) return false;
        p = close + 1;
        continue;
      }
      if (c === 40) depth++;
      else if (c === 41) {
        depth--;
        if (depth === 0) {
          this.pos = p + 1;
          return true;
        }
      } else if (c === 10 && depth === 0) return false;
      p++;
    }
    return false;
  }

  // ---------------------------------------------------------------- references

  /** Parses `$name...`, `$!name...`, `${name...}` at this.pos; null (position unchanged) if none. */
  private tryReference(): RefExpr | null {
    const src = this.src;
    const start = this.pos;
    let p = start + 1;
    if (src.charCodeAt(p) === 33 /* ! */) p++;
    const formal = src.charCodeAt(p) === 123; /* { */
    if (formal) p++;
    if (!isIdentStart(src.charCodeAt(p))) return null;
    let q = p;
    while (q < src.length && isIdentChar(src.charCodeAt(q))) q++;
    const ref: RefExpr = { kind: 'ref', at: this.base + start, name: src.slice(p, q), path: [] };
    this.pos = q;
    this.modifiers(ref, formal);
    if (formal) {
      if (src.charCodeAt(this.pos) !== 125 /* } */) {
        // `${name` without its brace is not a reference: leave it as text.
        this.pos = start;
        return null;
      }
      this.pos++;
    }
    return ref;
  }

  /** `.prop`, `.method(args)` and `[index]` after a reference name. */
  private modifiers(ref: RefExpr, formal: boolean): void {
    const src = this.src;
    for (;;) {
      const c = src.charCodeAt(this.pos);
      if (c === 46 /* . */ && isIdentStart(src.charCodeAt(this.pos + 1))) {
        const at = this.pos + 1;
        let q = at;
        while (q < src.length && isIdentChar(src.charCodeAt(q))) q++;
        const name = src.slice(at, q);
        if (src.charCodeAt(q) === 40 /* ( */) {
          this.pos = q + 1;
          const args = this.argumentList(41, 'method arguments');
          ref.path.push({ kind: 'call', at: this.base + at, name, args });
        } else {
          this.pos = q;
          ref.path.push({ kind: 'prop', at: this.base + at, name });
        }
      } else if (c === 91 /* [ */) {
        const save = this.pos;
        try {
          this.pos++;
          this.skipWs();
          const index = this.expression();
          this.skipWs();
          if (src.charCodeAt(this.pos) !== 93) throw this.error(this.pos, 'Expected ]');
          this.pos++;
          const seg: Segment = { kind: 'index', at: this.base + save, index };
          ref.path.push(seg);
        } catch (e) {
          if (formal) throw e;
          // `$x[` that is not an index (e.g. JSON text after a reference): the `[` is text.
          this.pos = save;
          return;
        }
      } else {
        return;
      }
    }
  }

  /** A reference inside an expression (also the target of #set). */
  private refExpr(): RefExpr {
    const at = this.pos;
    const ref = this.tryReference();
    if (!ref) throw this.error(at, 'Invalid reference');
    return ref;
  }

  // ---------------------------------------------------------------- expressions

  private skipWs(): void {
    const src = this.src;
    let p = this.pos;
    for (;;) {
      const c = src.charCodeAt(p);
      if (c === 32 || c === 9 || c === 10 || c === 13) {
        p++;
      } else if (c === 35 && src.charCodeAt(p + 1) === 35) {
        // `##` comment inside a directive's arguments.
        const nl = src.indexOf('\n', p);
        p = nl < 0 ? src.length : nl + 1;
      } else if (c === 35 && src.charCodeAt(p + 1) === 42) {
        const end = src.indexOf('*#', p + 2);
        if (end < 0) throw this.error(p, 'Unterminated comment: #* has no closing *#');
        p = end + 2;
      } else {
        break;
      }
    }
    this.pos = p;
  }

  private skipBlanks(): void {
    const src = this.src;
    while (this.pos < src.length && (src.charCodeAt(this.pos) === 32 || src.charCodeAt(this.pos) === 9)) this.pos++;
  }

  private expect(code: number, message: string): void {
    if (this.src.charCodeAt(this.pos) !== code) {
      const found = this.pos >= this.src.length ? 'end of template' : `'${this.src[this.pos]}'`;
      throw this.error(this.pos, `${message} (found ${found})`);
    }
    this.pos++;
  }

  /** Comma-separated expressions up to the closing character `close`. */
  private argumentList(close: number, what: string): Expr[] {
    const args: Expr[] = [];
    this.skipWs();
    if (this.src.charCodeAt(this.pos) === close) {
      this.pos++;
      return args;
    }
    for (;;) {
      args.push(this.expression());
      this.skipWs();
      const c = this.src.charCodeAt(this.pos);
      if (c === 44) {
        this.pos++;
        this.skipWs();
        continue;
      }
      if (c === close) {
        this.pos++;
        return args;
      }
      throw this.error(this.pos, `Expected , or ${String.fromCharCode(close)} in ${what}`);
    }
  }

  private word(w: string): boolean {
    const src = this.src;
    if (src.startsWith(w, this.pos) && !isIdentChar(src.charCodeAt(this.pos + w.length))) {
      this.pos += w.length;
      return true;
    }
    return false;
  }

  expression(): Expr {
    return this.orExpr();
  }

  private binary(op: BinaryOp, at: number, left: Expr, right: Expr): Expr {
    return { kind: 'binary', at: this.base + at, op, left, right };
  }

  private orExpr(): Expr {
    let left = this.andExpr();
    for (;;) {
      this.skipWs();
      const at = this.pos;
      if (this.src.startsWith('||', at)) this.pos += 2;
      else if (!this.word('or')) return left;
      this.skipWs();
      left = this.binary('||', at, left, this.andExpr());
    }
  }

  private andExpr(): Expr {
    let left = this.eqExpr();
    for (;;) {
      this.skipWs();
      const at = this.pos;
      if (this.src.startsWith('&&', at)) this.pos += 2;
      else if (!this.word('and')) return left;
      this.skipWs();
      left = this.binary('&&', at, left, this.eqExpr());
    }
  }

  private eqExpr(): Expr {
    let left = this.relExpr();
    for (;;) {
      this.skipWs();
      const at = this.pos;
      let op: BinaryOp;
      if (this.src.startsWith('==', at)) { this.pos += 2; op = '=='; }
      else if (this.src.startsWith('!=', at)) { this.pos += 2; op = '!='; }
      else if (this.word('eq')) op = '==';
      else if (this.word('ne')) op = '!=';
      else return left;
      this.skipWs();
      left = this.binary(op, at, left, this.relExpr());
    }
  }

  private relExpr(): Expr {
    let left = this.addExpr();
    for (;;) {
      this.skipWs();
      const at = this.pos;
      const src = this.src;
      let op: BinaryOp;
      if (src.startsWith('<=', at)) { this.pos += 2; op = '<='; }
      else if (src.startsWith('>=', at)) { this.pos += 2; op = '>='; }
      else if (src.charCodeAt(at) === 60) { this.pos++; op = '<'; }
      else if (src.charCodeAt(at) === 62) { this.pos++; op = '>'; }
      else if (this.word('lt')) op = '<';
      else if (this.word('le')) op = '<=';
      else if (this.word('gt')) op = '>';
      else if (this.word('ge')) op = '>=';
      else return left;
      this.skipWs();
      left = this.binary(op, at, left, this.addExpr());
    }
  }

  private addExpr(): Expr {
    let left = this.mulExpr();
    for (;;) {
      this.skipWs();
      const at = this.pos;
      const c = this.src.charCodeAt(at);
      if (c !== 43 && c !== 45) return left;
      this.pos++;
      this.skipWs();
      left = this.binary(c === 43 ? '+' : '-', at, left, this.mulExpr());
    }
  }

  private mulExpr(): Expr {
    let left = this.unary();
    for (;;) {
      this.skipWs();
      const at = this.pos;
      const c = this.src.charCodeAt(at);
      if (c !== 42 && c !== 47 && c !== 37) return left;
      this.pos++;
      this.skipWs();
      left = this.binary(c === 42 ? '*' : c === 47 ? '/' : '%', at, left, this.unary());
    }
  }

  private unary(): Expr {
    const at = this.pos;
    const src = this.src;
    if (src.charCodeAt(at) === 33 && src.charCodeAt(at + 1) !== 61) {
      this.pos++;
      this.skipWs();
      return { kind: 'unary', at: this.base + at, op: '!', operand: this.unary() };
    }
    if (this.word('not')) {
      this.skipWs();
      return { kind: 'unary', at: this.base + at, op: '!', operand: this.unary() };
    }
    if (src.charCodeAt(at) === 45 && !isDigit(src.charCodeAt(at + 1)) && src.charCodeAt(at + 1) !== 46) {
      this.pos++;
      this.skipWs();
      return { kind: 'unary', at: this.base + at, op: '-', operand: this.unary() };
    }
    return this.primary();
  }

  private primary(): Expr {
    const src = this.src;
    const at = this.pos;
    const c = src.charCodeAt(at);
    if (c === 36) return this.refExpr();
    if (c === 40) {
      this.pos++;
      this.skipWs();
      const e = this.expression();
      this.skipWs();
      this.expect(41, 'Expected )');
      return e;
    }
    if (c === 34 || c === 39) return this.stringLiteral();
    if (isDigit(c) || c === 45 || (c === 46 && isDigit(src.charCodeAt(at + 1)))) return this.numberLiteral();
    if (c === 91) return this.listLiteral();
    if (c === 123) return this.mapLiteral();
    if (this.word('true')) return { kind: 'bool', at: this.base + at, value: true };
    if (this.word('false')) return { kind: 'bool', at: this.base + at, value: false };
    if (this.word('null')) return { kind: 'null', at: this.base + at };
    const found = at >= src.length ? 'end of template' : `'${src[at]}'`;
    throw this.error(at, `Expected a value (reference, literal, list or map), found ${found}`);
  }

  private numberLiteral(): Expr {
    const src = this.src;
    const at = this.pos;
    let p = at;
    if (src.charCodeAt(p) === 45) p++;
    const intStart = p;
    while (isDigit(src.charCodeAt(p))) p++;
    let isDouble = false;
    // `1..5` is a range, not the double `1.`.
    if (src.charCodeAt(p) === 46 && isDigit(src.charCodeAt(p + 1))) {
      isDouble = true;
      p++;
      while (isDigit(src.charCodeAt(p))) p++;
    }
    if (p === intStart) throw this.error(at, 'Invalid number');
    this.pos = p;
    return { kind: 'number', at: this.base + at, value: Number(src.slice(at, p)), isDouble };
  }

  private stringLiteral(): Expr {
    const src = this.src;
    const at = this.pos;
    const quote = src.charCodeAt(at);
    let p = at + 1;
    let value = '';
    for (;;) {
      const close = src.indexOf(src[at]!, p);
      if (close < 0) throw this.error(at, 'Unterminated string literal');
      value += src.slice(p, close);
      // A doubled quote stands for one quote character.
      if (src.charCodeAt(close + 1) === quote) {
        value += src[at];
        p = close + 2;
        continue;
      }
      p = close + 1;
      break;
    }
    this.pos = p;
    if (quote === 39) return { kind: 'string', at: this.base + at, value };
    value = value.replace(/\\u([0-9a-fA-F]{4})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
    if (value.indexOf('$') < 0 && value.indexOf('#') < 0 && value.indexOf('\\') < 0) {
      return { kind: 'string', at: this.base + at, value };
    }
    const inner = new Parser(value, this.base + at + 1, this.root);
    const parts = inner.parseAll();
    if (parts.length === 0) return { kind: 'string', at: this.base + at, value: '' };
    if (parts.length === 1 && parts[0]!.kind === 'text') return { kind: 'string', at: this.base + at, value: parts[0]!.value };
    return { kind: 'istring', at: this.base + at, parts };
  }

  private listLiteral(): Expr {
    const at = this.pos;
    this.pos++;
    this.skipWs();
    if (this.src.charCodeAt(this.pos) === 93) {
      this.pos++;
      return { kind: 'list', at: this.base + at, items: [] };
    }
    const first = this.expression();
    this.skipWs();
    if (this.src.startsWith('..', this.pos)) {
      this.pos += 2;
      this.skipWs();
      const to = this.expression();
      this.skipWs();
      this.expect(93, 'Expected ] after range');
      return { kind: 'range', at: this.base + at, from: first, to };
    }
    const items = [first];
    if (this.src.charCodeAt(this.pos) === 44) {
      this.pos++;
      items.push(...this.argumentList(93, 'list'));
    } else {
      this.expect(93, 'Expected , or ] in list');
    }
    return { kind: 'list', at: this.base + at, items };
  }

  private mapLiteral(): Expr {
    const at = this.pos;
    this.pos++;
    const entries: { key: Expr; value: Expr }[] = [];
    this.skipWs();
    if (this.src.charCodeAt(this.pos) === 125) {
      this.pos++;
      return { kind: 'map', at: this.base + at, entries };
    }
    for (;;) {
      this.skipWs();
      const key = this.expression();
      this.skipWs();
      this.expect(58, 'Expected : in map');
      this.skipWs();
      const value = this.expression();
      entries.push({ key, value });
      this.skipWs();
      const c = this.src.charCodeAt(this.pos);
      if (c === 44) {
        this.pos++;
        continue;
      }
      this.expect(125, 'Expected , or } in map');
      return { kind: 'map', at: this.base + at, entries };
    }
  }
}
