/**
 * The syntax tree of a java.util.regex pattern, as parse.ts builds it and compile.ts consumes it.
 * Flags are already applied: a case-insensitive literal is a `set`, `^` under (?m) is a `caret`
 * assertion, and so on, so that nothing downstream needs to know which flags were in force where.
 */
import type { CaseMode, CharPredicate } from './charset.js';

/** Java's Pattern flag bits (the values of Pattern.CASE_INSENSITIVE etc.). */
export const UNIX_LINES = 0x01;
export const CASE_INSENSITIVE = 0x02;
export const COMMENTS = 0x04;
export const MULTILINE = 0x08;
export const DOTALL = 0x20;
export const UNICODE_CASE = 0x40;
export const CANON_EQ = 0x80;
export const UNICODE_CHARACTER_CLASS = 0x100;

/** Repetition count standing for "no upper bound" (Java's MAX_REPS). */
export const UNBOUNDED = 0x7fffffff;

/** Zero-width tests, named after the Java node classes they reproduce. */
export type AssertKind =
  | 'begin' // \A, and ^ without (?m)
  | 'end' // \z
  | 'dollar' // $ without (?m), and \Z
  | 'dollarMultiline' // $ under (?m)
  | 'unixDollar' // $ / \Z under (?d)
  | 'unixDollarMultiline'
  | 'caret' // ^ under (?m)
  | 'unixCaret' // ^ under (?md)
  | 'boundary' // \b
  | 'nonBoundary' // \B
  | 'unicodeBoundary' // \b under (?U)
  | 'unicodeNonBoundary'
  | 'lastMatch'; // \G

export type QuantifierMode = 'greedy' | 'lazy' | 'possessive';

export type RegexNode =
  | { type: 'empty' }
  /** One code point, compared exactly. */
  | { type: 'char'; cp: number }
  /** One code point from a set (class, `.`, \d, or a literal under (?i)). */
  | { type: 'set'; set: CharPredicate }
  | { type: 'sequence'; items: RegexNode[] }
  /** Alternatives, tried left to right. */
  | { type: 'alternation'; options: RegexNode[] }
  /** A capturing group; `index` counts from 1. */
  | { type: 'group'; index: number; body: RegexNode }
  /** (?>...): once the body has matched, its choices are forgotten. */
  | { type: 'atomic'; body: RegexNode }
  /**
   * Lookahead, or lookbehind with the body's shortest and longest length in code points; the
   * longest is Java's own figure (lookbehindMaxLength), wrapped-around int arithmetic included.
   */
  | { type: 'look'; behind: boolean; negate: boolean; body: RegexNode; minLength: number; maxLength: number }
  | { type: 'repeat'; body: RegexNode; min: number; max: number; mode: QuantifierMode }
  | { type: 'backref'; group: number; caseMode: CaseMode }
  | { type: 'assert'; kind: AssertKind };

/** What the parser gives: the tree, how many groups it captures, and the named ones. */
export interface ParsedPattern {
  readonly source: string;
  readonly root: RegexNode;
  readonly groupCount: number;
  readonly names: ReadonlyMap<string, number>;
}

/**
 * The shortest and longest text, in code points, a node can match (Infinity when unbounded).
 * Java computes the same (TreeInfo) to bound lookbehind and to skip start positions too close
 * to the end of the input.
 */
export function lengthRange(node: RegexNode): { min: number; max: number } {
  switch (node.type) {
    case 'empty':
    case 'assert':
    case 'look':
      return { min: 0, max: 0 };
    case 'char':
    case 'set':
      return { min: 1, max: 1 };
    case 'backref':
      return { min: 0, max: Infinity };
    case 'group':
    case 'atomic':
      return lengthRange(node.body);
    case 'sequence': {
      let min = 0;
      let max = 0;
      for (const item of node.items) {
        const r = lengthRange(item);
        min += r.min;
        max += r.max;
      }
      return { min, max };
    }
    case 'alternation': {
      let min = Infinity;
      let max = 0;
      for (const option of node.options) {
        const r = lengthRange(option);
        min = Math.min(min, r.min);
        max = Math.max(max, r.max);
      }
      return { min: min === Infinity ? 0 : min, max };
    }
    case 'repeat': {
      const r = lengthRange(node.body);
      const max = r.max === 0 || node.max === 0 ? 0 : node.max === UNBOUNDED ? Infinity : r.max * node.max;
      return { min: r.min * node.min, max: max > UNBOUNDED ? Infinity : max };
    }
  }
}

/**
 * The longest text a lookbehind body can match, computed as Java 9-17's TreeInfo does, or null
 * where Java finds "no obvious maximum length" (a backreference; an unbounded or counted loop over
 * a group whose length varies). A single-character loop such as `a+` or `\\d*` counts as
 * Integer.MAX_VALUE characters, and sums wrap around as Java's ints do: `(?<=\\d+\\.)` still works
 * (Java then looks back to the start of the input), while `(?<=a+b+)` never matches in Java, and so
 * not here either.
 */
export function lookbehindMaxLength(node: RegexNode): number | null {
  switch (node.type) {
    case 'empty':
    case 'assert':
    case 'look':
      return 0;
    case 'char':
    case 'set':
      return 1;
    case 'backref':
      return null;
    case 'group':
    case 'atomic':
      return lookbehindMaxLength(node.body);
    case 'sequence': {
      let sum = 0;
      for (const item of node.items) {
        const m = lookbehindMaxLength(item);
        if (m === null) return null;
        sum = (sum + m) | 0;
      }
      return sum;
    }
    case 'alternation': {
      let max = -1;
      for (const option of node.options) {
        const m = lookbehindMaxLength(option);
        if (m === null) return null;
        max = Math.max(max, m);
      }
      return max;
    }
    case 'repeat': {
      const body = lookbehindMaxLength(node.body);
      if (body === null) return null;
      if (node.min === 0 && node.max === 1) return body; // Java's Ques
      const singleChar = node.body.type === 'char' || node.body.type === 'set';
      if (!singleChar && node.mode !== 'possessive') {
        // A group loop: Java's GroupCurly when the body has one fixed length, else Loop, which has no maximum.
        const { min, max } = lengthRange(node.body);
        if (min !== max) return null;
      }
      const product = body * node.max;
      return product > UNBOUNDED ? null : product;
    }
  }
}
