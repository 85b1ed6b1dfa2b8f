/**
 * tree.ts nodes → a flat program for match.ts.
 *
 * A flat program with numbered registers lets the matcher keep its choice points on an explicit
 * stack instead of in JavaScript recursion, so no pattern or input can overflow the call stack,
 * and every instruction it runs can be counted against the budget.
 *
 * Registers hold, in order: the bounds of each capturing group (group 0 is the whole match), the
 * position where each group was last entered, then whatever loops and lookarounds need (loop
 * counters, saved positions, saved stack heights). The matcher saves a register's old value
 * whenever it changes one, so that backtracking restores all of them at once.
 */
import { CharSet, exactly, type CaseMode, type CharPredicate } from './charset.js';
import { lengthRange, type AssertKind, type ParsedPattern, type RegexNode } from './tree.js';

export const enum Op {
  /** Match code point `a` (a BMP character that is not a surrogate). */
  Char,
  /** Match one code point from `set`. */
  Set,
  /** Go on at `a`; if that fails, resume at `b` from the same position. */
  Split,
  Jump,
  /** Register `b` := position (where group `a` starts). */
  GroupOpen,
  /** Group `a` := from register `b` to the position. */
  GroupClose,
  /** `set` repeated `a`..`b` times; `c` is a QuantifierCode. Gives back one character at a time. */
  CharLoop,
  /** Loop counter register `a` := 0. */
  LoopInit,
  /** Loop with counter `a` (and iteration start `a`+1), `b`..`c` iterations, `d` = 1 if lazy, exit at `e`. */
  LoopHead,
  /** Register `a`+1 := position: an iteration begins. */
  LoopEnter,
  /** End of an iteration of the loop with counter `a`: back to `b`, or on to `c` after an empty iteration. */
  LoopTail,
  /** Registers `a` := stack height, `a`+1 := trail length: choices made after this point can be dropped. */
  AtomicStart,
  /** Drop the choices made since AtomicStart `a`, and keep the groups captured since (see Matcher.commitGroups). */
  AtomicEnd,
  /**
   * Lookahead with registers `a` (stack height), `a`+1 (position), `a`+2 (trail length); `b` = 1 if
   * negative; continue at `c` when a negative one holds.
   */
  LookStart,
  LookEnd,
  /** Lookbehind with registers `a`, `a`+1 (target position), `a`+2; `b` = 1 if negative; body length `c`..`d` code points; `e` as LookStart's `c`. */
  BehindStart,
  BehindEnd,
  /** Text equal to group `a`'s, compared as CaseCode `b`. */
  BackRef,
  /** The zero-width test AssertCode `a`. */
  Assert,
  Match,
}

export const enum QuantifierCode { Greedy, Lazy, Possessive }
export const enum CaseCode { Exact, Ascii, Unicode }
export const enum AssertCode {
  Begin, End, Dollar, DollarMultiline, UnixDollar, UnixDollarMultiline, Caret, UnixCaret,
  Boundary, NonBoundary, UnicodeBoundary, UnicodeNonBoundary, LastMatch,
}

const ASSERT_CODES: Record<AssertKind, AssertCode> = {
  begin: AssertCode.Begin,
  end: AssertCode.End,
  dollar: AssertCode.Dollar,
  dollarMultiline: AssertCode.DollarMultiline,
  unixDollar: AssertCode.UnixDollar,
  unixDollarMultiline: AssertCode.UnixDollarMultiline,
  caret: AssertCode.Caret,
  unixCaret: AssertCode.UnixCaret,
  boundary: AssertCode.Boundary,
  nonBoundary: AssertCode.NonBoundary,
  unicodeBoundary: AssertCode.UnicodeBoundary,
  unicodeNonBoundary: AssertCode.UnicodeNonBoundary,
  lastMatch: AssertCode.LastMatch,
};

const CASE_CODES: Record<CaseMode, CaseCode> = { exact: CaseCode.Exact, ascii: CaseCode.Ascii, unicode: CaseCode.Unicode };

/** One instruction; every instruction has the same fields so that the matcher's reads stay monomorphic. */
export class Inst {
  constructor(
    public op: Op,
    public a = 0,
    public b = 0,
    public c = 0,
    public d = 0,
    public e = 0,
    public set: CharSet | null = null,
  ) {}
}

export interface Program {
  readonly insts: Inst[];
  readonly groupCount: number;
  readonly names: ReadonlyMap<string, number>;
  readonly registerCount: number;
  /** No match is shorter than this many code points, so find() need not start closer to the end. */
  readonly minLength: number;
  /** Set when the pattern starts with \A or ^ (without (?m)): only the first position can match. */
  readonly anchoredAtStart: boolean;
  /** The code points a match can start with, when the pattern says (null: any). find() skips other positions. */
  readonly firstChars: CharSet | null;
}

export function compileProgram(parsed: ParsedPattern): Program {
  const c = new Compiler(parsed.groupCount);
  c.node(parsed.root);
  c.emit(Op.Match);
  const first = firstChars(parsed.root);
  return {
    insts: c.insts,
    groupCount: parsed.groupCount,
    names: parsed.names,
    registerCount: c.registerCount,
    minLength: lengthRange(parsed.root).min,
    anchoredAtStart: startsWithBegin(parsed.root),
    firstChars: first ? new CharSet(first) : null,
  };
}

class Compiler {
  readonly insts: Inst[] = [];
  /** Register of "where group g was entered" is openBase + g. */
  private readonly openBase: number;
  registerCount: number;

  constructor(groupCount: number) {
    this.openBase = 2 * (groupCount + 1);
    this.registerCount = this.openBase + groupCount + 1;
  }

  emit(op: Op, a = 0, b = 0, c = 0, d = 0, e = 0, set: CharSet | null = null): Inst {
    const inst = new Inst(op, a, b, c, d, e, set);
    this.insts.push(inst);
    return inst;
  }

  private get pc(): number {
    return this.insts.length;
  }

  private registers(n: number): number {
    const r = this.registerCount;
    this.registerCount += n;
    return r;
  }

  node(n: RegexNode): void {
    switch (n.type) {
      case 'empty':
        return;
      case 'char':
        if (n.cp <= 0xffff && (n.cp < 0xd800 || n.cp > 0xdfff)) this.emit(Op.Char, n.cp);
        else this.emit(Op.Set, 0, 0, 0, 0, 0, new CharSet(exactly(n.cp)));
        return;
      case 'set':
        this.emit(Op.Set, 0, 0, 0, 0, 0, new CharSet(n.set));
        return;
      case 'sequence':
        for (const item of n.items) this.node(item);
        return;
      case 'alternation': {
        const jumps: Inst[] = [];
        for (let i = 0; i < n.options.length - 1; i++) {
          const split = this.emit(Op.Split, this.pc + 1);
          this.node(n.options[i]!);
          jumps.push(this.emit(Op.Jump));
          split.b = this.pc;
        }
        this.node(n.options[n.options.length - 1]!);
        for (const j of jumps) j.a = this.pc;
        return;
      }
      case 'group':
        this.emit(Op.GroupOpen, n.index, this.openBase + n.index);
        this.node(n.body);
        this.emit(Op.GroupClose, n.index, this.openBase + n.index);
        return;
      case 'atomic':
        this.atomic(() => this.node(n.body));
        return;
      case 'look': {
        const r = this.registers(3);
        if (n.behind) {
          const start = this.emit(Op.BehindStart, r, n.negate ? 1 : 0, n.minLength, n.maxLength);
          this.node(n.body);
          this.emit(Op.BehindEnd, r, n.negate ? 1 : 0);
          start.e = this.pc;
        } else {
          const start = this.emit(Op.LookStart, r, n.negate ? 1 : 0);
          this.node(n.body);
          this.emit(Op.LookEnd, r, n.negate ? 1 : 0);
          start.c = this.pc;
        }
        return;
      }
      case 'backref':
        this.emit(Op.BackRef, n.group, CASE_CODES[n.caseMode]);
        return;
      case 'assert':
        this.emit(Op.Assert, ASSERT_CODES[n.kind]);
        return;
      case 'repeat':
        this.repeat(n);
        return;
    }
  }

  private atomic(body: () => void): void {
    const r = this.registers(2);
    this.emit(Op.AtomicStart, r);
    body();
    this.emit(Op.AtomicEnd, r);
  }

  private repeat(n: Extract<RegexNode, { type: 'repeat' }>): void {
    if (n.max === 0) return; // X{0} matches the empty string, and X never runs
    const body = n.body;
    if (body.type === 'char' || body.type === 'set') {
      // One character at a time: a dedicated instruction that needs one choice point, not one per character.
      const set = new CharSet(body.type === 'char' ? exactly(body.cp) : body.set);
      const mode = n.mode === 'greedy' ? QuantifierCode.Greedy : n.mode === 'lazy' ? QuantifierCode.Lazy : QuantifierCode.Possessive;
      this.emit(Op.CharLoop, n.min, n.max, mode, 0, 0, set);
      return;
    }
    if (n.mode === 'possessive') {
      // Java's possessive Curly: every iteration atomic, and the whole repetition never gives back.
      this.atomic(() => this.loop({ ...n, mode: 'greedy', body: { type: 'atomic', body } }));
      return;
    }
    if (n.min === 0 && n.max === 1) {
      // X? and X??: Java's Ques/Branch, without the empty-iteration check of real loops.
      const split = this.emit(Op.Split);
      const bodyStart = this.pc;
      this.node(body);
      const after = this.pc;
      split.a = n.mode === 'greedy' ? bodyStart : after;
      split.b = n.mode === 'greedy' ? after : bodyStart;
      return;
    }
    this.loop(n);
  }

  /**
   * A counted loop over a general body, as Java's Loop/LazyLoop: below the minimum an iteration is
   * required; between minimum and maximum the greedy form tries another iteration first and the
   * lazy form tries the rest of the pattern first; an iteration that matched nothing ends the loop.
   */
  private loop(n: Extract<RegexNode, { type: 'repeat' }>): void {
    const r = this.registers(2);
    this.emit(Op.LoopInit, r);
    const head = this.emit(Op.LoopHead, r, n.min, n.max, n.mode === 'lazy' ? 1 : 0);
    const headPc = this.pc - 1;
    this.emit(Op.LoopEnter, r);
    this.node(n.body);
    const tail = this.emit(Op.LoopTail, r, headPc);
    head.e = this.pc;
    tail.c = this.pc;
  }
}

/** Does the pattern begin with \A (or ^ without (?m)) on every path? Java then tries only the first position. */
function startsWithBegin(node: RegexNode): boolean {
  if (node.type === 'assert') return node.kind === 'begin';
  if (node.type === 'sequence') return node.items.length > 0 && startsWithBegin(node.items[0]!);
  if (node.type === 'group' || node.type === 'atomic') return startsWithBegin(node.body);
  return false;
}

/** The code points any match must start with, or null when that is not simple to say. */
function firstChars(node: RegexNode): CharPredicate | null {
  switch (node.type) {
    case 'char':
      return exactly(node.cp);
    case 'set':
      return node.set;
    case 'group':
    case 'atomic':
      return firstChars(node.body);
    case 'repeat':
      return node.min > 0 ? firstChars(node.body) : null;
    case 'sequence':
      for (const item of node.items) {
        // Zero-width tests consume nothing: the first character comes from what follows them.
        if (item.type === 'assert' || item.type === 'look') continue;
        return lengthRange(item).min > 0 ? firstChars(item) : null;
      }
      return null;
    case 'alternation': {
      const sets: CharPredicate[] = [];
      for (const option of node.options) {
        const s = firstChars(option);
        if (!s) return null;
        sets.push(s);
      }
      return (cp) => sets.some((s) => s(cp));
    }
    default:
      return null;
  }
}
