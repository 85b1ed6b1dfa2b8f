/**
 * Runs a compiled program (compile.ts) against a string: a backtracking matcher with Java's
 * semantics whose choice points live on an explicit stack, so that nothing recurses, and which
 * counts its steps against a StepBudget.
 *
 * The state is a program counter, a position, and the registers. A choice point records where to
 * resume and how long the trail (the log of register changes) was; backtracking pops the newest
 * choice point and undoes the trail back to that length. Atomic groups, possessive quantifiers and
 * lookarounds drop the choice points made inside them once they succeed, which is how they
 * "never give back".
 *
 * The Matcher keeps Java's find() bookkeeping (first, last and the end of the previous match for
 * \G) so that replaceAll and split can be written as Java writes them.
 */
import { REGEX_MAX_BACKTRACK_ENTRIES, RegexBudgetExceeded, type StepBudget } from './budget.js';
import {
  BOUNDARY_WORD, NON_SPACING_MARK, UNICODE_WORD, asciiToLower, isLineTerminator, toLowerCase, toUpperCase,
  type CharPredicate,
} from './charset.js';
import { AssertCode, CaseCode, Op, QuantifierCode, type Program } from './compile.js';

/** Kinds of choice point. */
const enum Choice {
  /** Resume at pc from pos. */
  Branch,
  /** A greedy CharLoop at pc may give back one more character; `extra` = how many it still may. */
  GiveBack,
  /** A lazy CharLoop at pc may take one more character; `extra` = how many it has taken. */
  TakeMore,
  /** A lookbehind body at pc may be tried from one character further back; `extra` = the furthest start. */
  BehindNext,
}

/** Ints per choice point: kind, pc, pos, trail length, extra, id. */
const STRIDE = 6;
/** Ints per trail entry: register, old value, old stamp. */
const TRAIL_STRIDE = 3;

const unicodeWord: CharPredicate = UNICODE_WORD();

export class Matcher {
  /** Start of the last match (Java's first), -1 before any. */
  first = -1;
  /** End of the last match (Java's last). */
  last = 0;
  /** End of the match before, for \G (Java's oldLast). */
  private oldLast = -1;

  private readonly regs: Int32Array;
  /** Per register: the id of the newest choice point when it was last saved to the trail. */
  private readonly stamps: Int32Array;
  private stack = new Int32Array(STRIDE * 64);
  private height = 0;
  private trail = new Int32Array(TRAIL_STRIDE * 64);
  private trailLength = 0;
  /** Id of the newest choice point (baseId when there is none). A register stamped with it needs no new trail entry. */
  private topId = 0;
  private baseId = 0;
  /** Ids only grow during a Matcher's life, so a stamp left by an earlier attempt can never look current. */
  private nextId = 0;
  /** Captured group bounds of the last match: start of group g at 2g, end at 2g + 1 (-1: did not take part). */
  readonly groups: Int32Array;

  constructor(private readonly program: Program, readonly input: string, private readonly budget: StepBudget) {
    this.regs = new Int32Array(program.registerCount);
    this.stamps = new Int32Array(program.registerCount);
    this.groups = new Int32Array(2 * (program.groupCount + 1)).fill(-1);
  }

  get groupCount(): number {
    return this.program.groupCount;
  }

  get names(): ReadonlyMap<string, number> {
    return this.program.names;
  }

  /** Matcher.matches(): does the whole input match? */
  matches(): boolean {
    if (this.oldLast < 0) this.oldLast = 0;
    this.regs.fill(-1, 0, this.groups.length);
    const ok = this.attempt(0, true);
    if (ok) this.found(0);
    else this.first = -1;
    this.oldLast = this.last;
    return ok;
  }

  /** Matcher.find(): the next match, starting where the previous one ended (one further after an empty one). */
  find(): boolean {
    let from = this.last;
    if (from === this.first) from++;
    if (from > this.input.length) {
      this.groups.fill(-1);
      return false;
    }
    if (this.oldLast < 0) this.oldLast = from;
    const ok = this.search(from);
    this.oldLast = this.last;
    return ok;
  }

  /** Text of group g of the last match, or null when it did not take part. */
  group(g: number): string | null {
    const s = this.groups[2 * g]!;
    const e = this.groups[2 * g + 1]!;
    return s < 0 || e < 0 ? null : this.input.slice(s, e);
  }

  private found(start: number): void {
    const regs = this.regs;
    regs[0] = start;
    this.groups.set(regs.subarray(0, this.groups.length));
    this.first = start;
    this.last = regs[1]!;
  }

  /** Java's Start node: try each position from `from` on, skipping those that cannot begin a match. */
  private search(from: number): boolean {
    const { input, program, budget } = this;
    const guard = input.length - program.minLength;
    // Java clears the groups once per search, not per start position (see commitGroups).
    this.regs.fill(-1, 0, this.groups.length);
    if (program.anchoredAtStart) {
      if (from <= guard && this.attempt(from, false)) {
        this.found(from);
        return true;
      }
      this.first = -1;
      return false;
    }
    const firstChars = program.firstChars;
    for (let i = from; i <= guard; i++) {
      if (firstChars !== null && !firstChars.has(input.codePointAt(i)!)) {
        if (--budget.remaining < 0) budget.exceeded();
        continue;
      }
      if (this.attempt(i, false)) {
        this.found(i);
        return true;
      }
    }
    this.first = -1;
    return false;
  }

  // ------------------------------------------------------------ the machine

  /** Runs the program from `start`; on success registers 0/1 hold the match and the groups theirs. */
  private attempt(start: number, wholeInput: boolean): boolean {
    const { input, budget } = this;
    const insts = this.program.insts;
    const regs = this.regs;
    const len = input.length;
    // The base id stands for "before any choice": a failed attempt undoes the whole trail, which
    // restores every group it set except those a region that never gives back committed to.
    this.baseId = ++this.nextId;
    this.topId = this.baseId;
    this.height = 0;
    this.trailLength = 0;
    let pc = 0;
    let pos = start;

    run: for (;;) {
      if (--budget.remaining < 0) budget.exceeded();
      const inst = insts[pc]!;
      switch (inst.op) {
        case Op.Char:
          if (pos < len && input.charCodeAt(pos) === inst.a) {
            pos++;
            pc++;
            continue run;
          }
          break;
        case Op.Set:
          if (pos < len) {
            const cp = input.codePointAt(pos)!;
            if (inst.set!.has(cp)) {
              pos += cp > 0xffff ? 2 : 1;
              pc++;
              continue run;
            }
          }
          break;
        case Op.Split:
          this.push(Choice.Branch, inst.b, pos, 0);
          pc = inst.a;
          continue run;
        case Op.Jump:
          pc = inst.a;
          continue run;
        case Op.GroupOpen:
          this.setReg(inst.b, pos);
          pc++;
          continue run;
        case Op.GroupClose:
          this.setReg(2 * inst.a, regs[inst.b]!);
          this.setReg(2 * inst.a + 1, pos);
          pc++;
          continue run;
        case Op.CharLoop: {
          const set = inst.set!;
          const min = inst.a;
          const max = inst.b;
          if (inst.c === QuantifierCode.Lazy) {
            // Take the minimum now; each further character is a choice point taken on backtracking.
            const p = skipChars(input, pos, set, min);
            budget.remaining -= min;
            if (p < 0) break;
            if (min < max) this.push(Choice.TakeMore, pc, p, min);
            pos = p;
            pc++;
            continue run;
          }
          // Greedy and possessive: take as many as allowed (Java's CharPropertyGreedy / Curly).
          let p = pos;
          let n = 0;
          while (n < max && p < len) {
            const cp = input.codePointAt(p)!;
            if (!set.has(cp)) break;
            p += cp > 0xffff ? 2 : 1;
            n++;
          }
          budget.remaining -= n;
          if (budget.remaining < 0) budget.exceeded();
          if (n < min) break;
          if (n > min && inst.c === QuantifierCode.Greedy) this.push(Choice.GiveBack, pc, p, n - min);
          pos = p;
          pc++;
          continue run;
        }
        case Op.LoopInit:
          this.setReg(inst.a, 0);
          pc++;
          continue run;
        case Op.LoopHead: {
          const count = regs[inst.a]!;
          if (count < inst.b) {
            pc++;
          } else if (count < inst.c) {
            if (inst.d === 1) {
              this.push(Choice.Branch, pc + 1, pos, 0);
              pc = inst.e;
            } else {
              this.push(Choice.Branch, inst.e, pos, 0);
              pc++;
            }
          } else {
            pc = inst.e;
          }
          continue run;
        }
        case Op.LoopEnter:
          this.setReg(inst.a + 1, pos);
          pc++;
          continue run;
        case Op.LoopTail:
          if (pos === regs[inst.a + 1]) {
            // An iteration that matched nothing ends the loop (Java's Loop: "avoid infinite loop in zero-length case").
            pc = inst.c;
          } else {
            this.setReg(inst.a, regs[inst.a]! + 1);
            pc = inst.b;
          }
          continue run;
        case Op.AtomicStart: {
          const trailStart = this.trailLength;
          this.setReg(inst.a, this.height);
          this.setReg(inst.a + 1, trailStart);
          pc++;
          continue run;
        }
        case Op.AtomicEnd:
          this.cut(regs[inst.a]!);
          this.commitGroups(regs[inst.a + 1]!);
          pc++;
          continue run;
        case Op.LookStart: {
          const trailStart = this.trailLength;
          this.setReg(inst.a, this.height);
          this.setReg(inst.a + 1, pos);
          this.setReg(inst.a + 2, trailStart);
          // A negative lookahead holds when its body fails: that failure comes back here.
          if (inst.b === 1) this.push(Choice.Branch, inst.c, pos, 0);
          pc++;
          continue run;
        }
        case Op.LookEnd:
          this.cut(regs[inst.a]!);
          this.commitGroups(regs[inst.a + 2]!);
          if (inst.b === 1) break; // the body matched, so the negative lookahead fails
          pos = regs[inst.a + 1]!;
          pc++;
          continue run;
        case Op.BehindStart: {
          // Java's Behind: try the body from (pos - shortest) back to (pos - longest); it must end at pos.
          const trailStart = this.trailLength;
          this.setReg(inst.a, this.height);
          this.setReg(inst.a + 1, pos);
          this.setReg(inst.a + 2, trailStart);
          if (inst.b === 1) this.push(Choice.Branch, inst.e, pos, 0);
          const nearest = backBy(input, pos, inst.c);
          // A negative longest length is Java's int overflow (tree.ts lookbehindMaxLength), reproduced as Java computes it.
          const furthest = inst.d >= 0 ? Math.max(0, backBy(input, pos, Math.min(inst.d, pos))) : Math.max((pos - inst.d) | 0, 0);
          budget.remaining -= Math.max(0, pos - furthest); // walking back costs like reading
          if (nearest < furthest) break;
          if (nearest > furthest) this.push(Choice.BehindNext, pc + 1, nearest, furthest);
          pos = nearest;
          pc++;
          continue run;
        }
        case Op.BehindEnd:
          if (pos !== regs[inst.a + 1]) break;
          this.cut(regs[inst.a]!);
          this.commitGroups(regs[inst.a + 2]!);
          if (inst.b === 1) break;
          pc++;
          continue run;
        case Op.BackRef: {
          const end = this.backReference(inst.a, inst.b, pos);
          if (end < 0) break;
          budget.remaining -= end - pos;
          pos = end;
          pc++;
          continue run;
        }
        case Op.Assert:
          if (!this.assertion(inst.a, pos)) break;
          pc++;
          continue run;
        case Op.Match:
          if (wholeInput && pos !== len) break;
          regs[1] = pos;
          return true;
      }

      // The instruction failed: resume at the newest choice point.
      for (;;) {
        if (this.height === 0) {
          this.undo(0);
          return false;
        }
        if (--budget.remaining < 0) budget.exceeded();
        const top = (this.height - 1) * STRIDE;
        const stack = this.stack;
        const kind = stack[top]!;
        const at = stack[top + 1]!;
        const from = stack[top + 2]!;
        const extra = stack[top + 4]!;
        this.undo(stack[top + 3]!);
        this.cut(this.height - 1);
        switch (kind) {
          case Choice.Branch:
            pc = at;
            pos = from;
            continue run;
          case Choice.GiveBack: {
            const p = backBy(input, from, 1);
            if (extra > 1) this.push(Choice.GiveBack, at, p, extra - 1);
            pc = at + 1;
            pos = p;
            continue run;
          }
          case Choice.TakeMore: {
            const loop = insts[at]!;
            if (from >= len) continue;
            const cp = input.codePointAt(from)!;
            if (!loop.set!.has(cp)) continue;
            const p = from + (cp > 0xffff ? 2 : 1);
            if (extra + 1 < loop.b) this.push(Choice.TakeMore, at, p, extra + 1);
            pc = at + 1;
            pos = p;
            continue run;
          }
          case Choice.BehindNext: {
            const p = backBy(input, from, 1);
            if (p < extra) continue;
            if (p > extra) this.push(Choice.BehindNext, at, p, extra);
            pc = at;
            pos = p;
            continue run;
          }
        }
      }
    }
  }

  // ------------------------------------------------------------ choice points and registers

  private push(kind: Choice, pc: number, pos: number, extra: number): void {
    if (this.height + this.trailLength >= REGEX_MAX_BACKTRACK_ENTRIES) {
      throw new RegexBudgetExceeded('backtrack', REGEX_MAX_BACKTRACK_ENTRIES);
    }
    let stack = this.stack;
    const at = this.height * STRIDE;
    if (at + STRIDE > stack.length) {
      const bigger = new Int32Array(stack.length * 2);
      bigger.set(stack);
      this.stack = stack = bigger;
    }
    const id = ++this.nextId;
    stack[at] = kind;
    stack[at + 1] = pc;
    stack[at + 2] = pos;
    stack[at + 3] = this.trailLength;
    stack[at + 4] = extra;
    stack[at + 5] = id;
    this.height++;
    this.topId = id;
  }

  /** Drops every choice point above `height` (they stay undone on the trail's side: their changes are kept). */
  private cut(height: number): void {
    this.height = height;
    this.topId = height > 0 ? this.stack[(height - 1) * STRIDE + 5]! : this.baseId;
  }

  /**
   * Sets a register, logging its old value unless it was already logged since the newest choice
   * point was made (restoring to that point restores the older value anyway).
   */
  private setReg(r: number, value: number): void {
    const stamps = this.stamps;
    if (stamps[r] !== this.topId) {
      if (this.height + this.trailLength >= REGEX_MAX_BACKTRACK_ENTRIES) {
        throw new RegexBudgetExceeded('backtrack', REGEX_MAX_BACKTRACK_ENTRIES);
      }
      let trail = this.trail;
      const at = this.trailLength * TRAIL_STRIDE;
      if (at + TRAIL_STRIDE > trail.length) {
        const bigger = new Int32Array(trail.length * 2);
        bigger.set(trail);
        this.trail = trail = bigger;
      }
      trail[at] = r;
      trail[at + 1] = this.regs[r]!;
      trail[at + 2] = stamps[r]!;
      this.trailLength++;
      stamps[r] = this.topId;
    }
    this.regs[r] = value;
  }

  /**
   * Java restores a group on backtracking only when the group's end was reached on the way that is
   * being undone. Atomic groups, possessive quantifiers and lookarounds match their body on a way
   * of its own that ends with them, so groups set inside keep their values afterwards, even when
   * the match then fails and is retried from a later start position: `(ab|a)*+b` on "abab" finds
   * "b" with group 1 = "ab". Forgetting the saved old values of group registers reproduces that.
   */
  private commitGroups(trailStart: number): void {
    const trail = this.trail;
    const groupRegs = this.groups.length;
    let kept = trailStart;
    for (let k = trailStart; k < this.trailLength; k++) {
      const at = k * TRAIL_STRIDE;
      const r = trail[at]!;
      if (r < groupRegs) {
        this.stamps[r] = -1; // so that its next change is saved again
        continue;
      }
      if (kept !== k) trail.copyWithin(kept * TRAIL_STRIDE, at, at + TRAIL_STRIDE);
      kept++;
    }
    this.trailLength = kept;
  }

  /** Restores registers changed since the trail was `length` long. */
  private undo(length: number): void {
    const trail = this.trail;
    const regs = this.regs;
    const stamps = this.stamps;
    for (let i = this.trailLength - 1; i >= length; i--) {
      const at = i * TRAIL_STRIDE;
      const r = trail[at]!;
      regs[r] = trail[at + 1]!;
      stamps[r] = trail[at + 2]!;
    }
    this.trailLength = length;
  }

  // ------------------------------------------------------------ single tests

  /** End of the text equal to group g's at pos, or -1 (also when group g did not take part). */
  private backReference(g: number, caseCode: CaseCode, pos: number): number {
    if (g > this.program.groupCount) return -1;
    const s = this.regs[2 * g]!;
    const e = this.regs[2 * g + 1]!;
    if (s < 0 || e < 0) return -1;
    const input = this.input;
    const size = e - s;
    if (pos + size > input.length) return -1;
    if (caseCode === CaseCode.Exact) {
      for (let k = 0; k < size; k++) if (input.charCodeAt(s + k) !== input.charCodeAt(pos + k)) return -1;
      return pos + size;
    }
    // Java's CIBackRef: code point by code point, ASCII or Unicode case folding.
    let x = s;
    let j = pos;
    while (x < e) {
      const c1 = input.codePointAt(x)!;
      const c2 = input.codePointAt(j)!;
      if (c1 !== c2) {
        if (caseCode === CaseCode.Unicode) {
          const u1 = toUpperCase(c1);
          const u2 = toUpperCase(c2);
          if (u1 !== u2 && toLowerCase(u1) !== toLowerCase(u2)) return -1;
        } else if (asciiToLower(c1) !== asciiToLower(c2)) {
          return -1;
        }
      }
      x += c1 > 0xffff ? 2 : 1;
      j += c2 > 0xffff ? 2 : 1;
      if (j > input.length) return -1;
    }
    return j;
  }

  private assertion(code: AssertCode, i: number): boolean {
    const s = this.input;
    const end = s.length;
    switch (code) {
      case AssertCode.Begin:
        return i === 0;
      case AssertCode.End:
        return i === end;
      case AssertCode.Dollar:
      case AssertCode.DollarMultiline:
        return dollar(s, i, code === AssertCode.DollarMultiline);
      case AssertCode.UnixDollar:
      case AssertCode.UnixDollarMultiline:
        if (i < end) {
          if (s.charCodeAt(i) !== 0x0a) return false;
          if (code === AssertCode.UnixDollar && i !== end - 1) return false;
        }
        return true;
      case AssertCode.Caret:
      case AssertCode.UnixCaret: {
        // Java (like Perl) does not match ^ at the very end of the input, even after a line terminator.
        if (i === end) return false;
        if (i > 0) {
          const ch = s.charCodeAt(i - 1);
          if (!isLineTerminator(ch, code === AssertCode.UnixCaret)) return false;
          if (ch === 0x0d && s.charCodeAt(i) === 0x0a && code === AssertCode.Caret) return false;
        }
        return true;
      }
      case AssertCode.Boundary:
      case AssertCode.NonBoundary:
      case AssertCode.UnicodeBoundary:
      case AssertCode.UnicodeNonBoundary: {
        const unicode = code === AssertCode.UnicodeBoundary || code === AssertCode.UnicodeNonBoundary;
        const atBoundary = isWordAt(s, i - 1, unicode, true) !== isWordAt(s, i, unicode, false);
        return code === AssertCode.Boundary || code === AssertCode.UnicodeBoundary ? atBoundary : !atBoundary;
      }
      case AssertCode.LastMatch:
        return i === this.oldLast;
    }
  }
}

/** `pos` advanced over `n` code points that are all in `set`, or -1 if they are not there. */
function skipChars(s: string, pos: number, set: { has(cp: number): boolean }, n: number): number {
  let p = pos;
  for (let k = 0; k < n; k++) {
    if (p >= s.length) return -1;
    const cp = s.codePointAt(p)!;
    if (!set.has(cp)) return -1;
    p += cp > 0xffff ? 2 : 1;
  }
  return p;
}

/** `pos` moved back by `n` code points, or -1 when the input starts sooner. */
function backBy(s: string, pos: number, n: number): number {
  let p = pos;
  for (let k = 0; k < n; k++) {
    if (p <= 0) return -1;
    p--;
    if (p > 0) {
      const c = s.charCodeAt(p);
      if (c >= 0xdc00 && c <= 0xdfff) {
        const h = s.charCodeAt(p - 1);
        if (h >= 0xd800 && h <= 0xdbff) p--;
      }
    }
  }
  return p;
}

/** Java's Dollar node: end of input, or before a final line terminator; under (?m) before any. */
function dollar(s: string, i: number, multiline: boolean): boolean {
  const end = s.length;
  if (!multiline) {
    if (i < end - 2) return false;
    if (i === end - 2) {
      if (s.charCodeAt(i) !== 0x0d || s.charCodeAt(i + 1) !== 0x0a) return false;
    }
  }
  if (i < end) {
    const ch = s.charCodeAt(i);
    if (ch === 0x0a) {
      // Not between \r and \n.
      if (i > 0 && s.charCodeAt(i - 1) === 0x0d) return false;
    } else if (!(ch === 0x0d || ch === 0x85 || ch === 0x2028 || ch === 0x2029)) {
      return false;
    }
  }
  return true;
}

/**
 * Is the character at `at` a word character for \b? Java (8 to 18) counts letters and digits of
 * any script and '_' (not \w's ASCII set), and a non-spacing mark that follows one.
 * `before` says `at` is the character before the position (read backwards over a surrogate pair).
 */
function isWordAt(s: string, at: number, unicode: boolean, before: boolean): boolean {
  if (at < 0 || at >= s.length) return false;
  let cp: number;
  if (before) {
    cp = s.charCodeAt(at);
    if (cp >= 0xdc00 && cp <= 0xdfff && at > 0) {
      const h = s.charCodeAt(at - 1);
      if (h >= 0xd800 && h <= 0xdbff) {
        cp = (h - 0xd800) * 0x400 + (cp - 0xdc00) + 0x10000;
        at--;
      }
    }
  } else {
    cp = s.codePointAt(at)!;
  }
  const word = unicode ? unicodeWord : BOUNDARY_WORD;
  if (word(cp)) return true;
  return NON_SPACING_MARK(cp) && hasBaseCharacter(s, at);
}

/** Java's hasBaseCharacter: looking back over non-spacing marks, is there a letter or digit? */
function hasBaseCharacter(s: string, at: number): boolean {
  for (let x = at; x >= 0; x--) {
    const cp = s.codePointAt(x)!;
    if (BOUNDARY_WORD(cp) && cp !== 0x5f) return true;
    if (NON_SPACING_MARK(cp)) continue;
    return false;
  }
  return false;
}
