/**
 * java.util.regex pattern syntax → tree.ts nodes.
 *
 * The parser follows the shape of Java's own (Pattern.expr/sequence/closure/clazz/escape) so that
 * its quirks come along: a `]` or `}` outside a class is a literal, `]` first in a class is a
 * literal, `{` that does not start a count is an "Illegal repetition", inline flags such as `(?i)`
 * last until the end of the enclosing group (alternatives included), `&&` intersects everything
 * before it in the class with everything after it, negation applies to the whole class (nested
 * classes too, as since JDK 9), and `\Q..\E` is rewritten before parsing, as Java does.
 * Errors are java.util.regex.PatternSyntaxException with Java's descriptions and message layout.
 */
import { throwJava } from '../values.js';
import {
  ASCII_DIGIT, ASCII_SPACE, ASCII_WORD, HORIZONTAL_SPACE, UNICODE_DIGIT, UNICODE_SPACE, UNICODE_WORD, VERTICAL_SPACE,
  caseInsensitiveChar, caseInsensitiveRange, complement, dot, exactly, intersection, property, range, union,
  type CaseMode, type CharPredicate,
} from './charset.js';
import {
  CANON_EQ, CASE_INSENSITIVE, COMMENTS, DOTALL, MULTILINE, UNBOUNDED, UNICODE_CASE, UNICODE_CHARACTER_CLASS, UNIX_LINES,
  lengthRange, lookbehindMaxLength, type AssertKind, type ParsedPattern, type QuantifierMode, type RegexNode,
} from './tree.js';

/**
 * How deeply groups and classes may nest. Java's parser recurses and reports deep nesting as
 * "Stack overflow during pattern compilation" (OpenJDK 17 with its default stack accepts 500 levels
 * and refuses 2,000); this parser and the compiler recurse too, so they stop at a depth that
 * JavaScript's stack holds with room to spare.
 */
export const MAX_PATTERN_NESTING = 1000;

const EMPTY: RegexNode = { type: 'empty' };
const END = -1;

// Code points the parser compares against.
const TAB = 0x09, NL = 0x0a, CR = 0x0d, SPACE = 0x20, HASH = 0x23, DOLLAR = 0x24, AMP = 0x26, LPAREN = 0x28,
  RPAREN = 0x29, STAR = 0x2a, PLUS = 0x2b, COMMA = 0x2c, MINUS = 0x2d, DOT = 0x2e, COLON = 0x3a, LT = 0x3c,
  EQUALS = 0x3d, GT = 0x3e, QUESTION = 0x3f, AT = 0x40, LBRACKET = 0x5b, BACKSLASH = 0x5c, RBRACKET = 0x5d,
  CARET = 0x5e, LBRACE = 0x7b, PIPE = 0x7c, RBRACE = 0x7d, BANG = 0x21;

const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
const isHexDigit = (c: number): boolean => isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
const isAsciiAlpha = (c: number): boolean => (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
/** ASCII.isSpace: what (?x) skips. */
const isPatternSpace = (c: number): boolean => c === SPACE || (c >= TAB && c <= CR);

/** PatternSyntaxException.getMessage(): the description, the pattern, and a caret under the error. */
export function patternSyntaxMessage(desc: string, pattern: string, index: number): string {
  let s = desc;
  if (index >= 0) s += ` near index ${index}`;
  s += '\n' + pattern;
  if (index >= 0 && index < pattern.length) s += '\n' + ' '.repeat(index) + '^';
  return s;
}

function syntaxError(desc: string, pattern: string, index: number): never {
  throwJava('java.util.regex.PatternSyntaxException', patternSyntaxMessage(desc, pattern, index));
}

/** Parses `pattern` with the given Pattern flag bits (as Pattern.compile(pattern, flags)). */
export function parsePattern(pattern: string, flags = 0): ParsedPattern {
  return new Parser(pattern, flags).parse();
}

function toCodePoints(s: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < s.length; ) {
    const cp = s.codePointAt(i)!;
    out.push(cp);
    i += cp > 0xffff ? 2 : 1;
  }
  return out;
}

/**
 * Java's RemoveQEQuoting: `\Q...\E` becomes the same characters with every ASCII non-alphanumeric
 * escaped (a digit right after \Q becomes \x3N, so that it cannot extend an escape before it).
 */
function removeQuoting(cps: number[]): number[] {
  let i = 0;
  while (i < cps.length - 1) {
    if (cps[i] !== BACKSLASH) i += 1;
    else if (cps[i + 1] !== 0x51 /* Q */) i += 2;
    else break;
  }
  if (i >= cps.length - 1) return cps;
  const out = cps.slice(0, i);
  i += 2;
  let inQuote = true;
  let beginQuote = true;
  while (i < cps.length) {
    const c = cps[i++]!;
    if (c > 0x7f || isAsciiAlpha(c)) {
      out.push(c);
    } else if (isDigit(c)) {
      if (beginQuote) out.push(BACKSLASH, 0x78 /* x */, 0x33 /* 3 */);
      out.push(c);
    } else if (c !== BACKSLASH) {
      if (inQuote) out.push(BACKSLASH);
      out.push(c);
    } else if (inQuote) {
      if (cps[i] === 0x45 /* E */) {
        i++;
        inQuote = false;
      } else {
        out.push(BACKSLASH, BACKSLASH);
      }
    } else if (cps[i] === 0x51 /* Q */) {
      i++;
      inQuote = true;
      beginQuote = true;
      continue;
    } else {
      out.push(c);
      if (i < cps.length) out.push(cps[i++]!);
    }
    beginQuote = false;
  }
  return out;
}

class Parser {
  private readonly cps: number[];
  private pos = 0;
  private flags: number;
  private groupCount = 0;
  private readonly names = new Map<string, number>();
  private depth = 0;
  /** What the last escape() stood for when it was not a single character (\d, \b, \1 ...). */
  private escaped: RegexNode = EMPTY;

  constructor(private readonly source: string, flags: number) {
    this.cps = removeQuoting(toCodePoints(source));
    // Pattern's constructor: UNICODE_CHARACTER_CLASS implies UNICODE_CASE.
    this.flags = flags & UNICODE_CHARACTER_CLASS ? flags | UNICODE_CASE : flags;
    if (this.flags & CANON_EQ) this.unsupported('CANON_EQ', 0);
  }

  parse(): ParsedPattern {
    const root = this.expression();
    if (this.peek() !== END) {
      if (this.peek() === RPAREN) this.error("Unmatched closing ')'");
      this.error('Unexpected internal error', this.pos);
    }
    return { source: this.source, root, groupCount: this.groupCount, names: this.names };
  }

  // ------------------------------------------------------------ reading

  private has(flag: number): boolean {
    return (this.flags & flag) !== 0;
  }

  private at(i: number): number {
    return i < this.cps.length ? this.cps[i]! : END;
  }

  /** The next character; under (?x) whitespace and #-comments are skipped first. */
  private peek(): number {
    if (this.has(COMMENTS)) {
      for (;;) {
        const c = this.at(this.pos);
        if (c !== END && isPatternSpace(c)) {
          this.pos++;
        } else if (c === HASH) {
          while (this.pos < this.cps.length && !this.isLineSeparator(this.cps[this.pos]!)) this.pos++;
        } else {
          break;
        }
      }
    }
    return this.at(this.pos);
  }

  private read(): number {
    const c = this.peek();
    this.pos++;
    return c;
  }

  private isLineSeparator(c: number): boolean {
    if (this.has(UNIX_LINES)) return c === NL;
    return c === NL || c === CR || c === 0x85 || c === 0x2028 || c === 0x2029;
  }

  private accept(c: number, desc: string): void {
    if (this.read() !== c) this.error(desc);
  }

  /** Java reports the index just before its cursor; so does this by default. */
  private error(desc: string, index = this.pos - 1): never {
    syntaxError(desc, this.source, index);
  }

  private unsupported(what: string, index: number): never {
    syntaxError(`${what} is not supported by Sluice's regular expressions`, this.source, index);
  }

  private enter(): void {
    if (++this.depth > MAX_PATTERN_NESTING) this.error('Stack overflow during pattern compilation');
  }

  private leave(): void {
    this.depth--;
  }

  private caseMode(): CaseMode {
    if (!this.has(CASE_INSENSITIVE)) return 'exact';
    return this.has(UNICODE_CASE) ? 'unicode' : 'ascii';
  }

  // ------------------------------------------------------------ structure

  /** Alternatives separated by `|`. */
  private expression(): RegexNode {
    const options = [this.sequence()];
    while (this.peek() === PIPE) {
      this.pos++;
      options.push(this.sequence());
    }
    return options.length === 1 ? options[0]! : { type: 'alternation', options };
  }

  private sequence(): RegexNode {
    const items: RegexNode[] = [];
    for (;;) {
      const c = this.peek();
      if (c === END || c === PIPE || c === RPAREN) break;
      let node: RegexNode;
      switch (c) {
        case LPAREN: {
          // A group reads its own quantifier; a flags-only group such as (?i) gives nothing.
          const group = this.group();
          if (group) items.push(group);
          continue;
        }
        case LBRACKET:
          this.pos++;
          node = { type: 'set', set: this.classItems(true, true) };
          break;
        case BACKSLASH:
          node = this.escapeAtom();
          break;
        case CARET:
          this.pos++;
          node = this.assert(this.has(MULTILINE) ? (this.has(UNIX_LINES) ? 'unixCaret' : 'caret') : 'begin');
          break;
        case DOLLAR:
          this.pos++;
          node = this.assert(this.has(UNIX_LINES)
            ? (this.has(MULTILINE) ? 'unixDollarMultiline' : 'unixDollar')
            : (this.has(MULTILINE) ? 'dollarMultiline' : 'dollar'));
          break;
        case DOT:
          this.pos++;
          node = { type: 'set', set: dot(this.has(DOTALL), this.has(UNIX_LINES)) };
          break;
        case QUESTION:
        case STAR:
        case PLUS:
          this.pos++;
          this.error(`Dangling meta character '${String.fromCharCode(c)}'`);
        case LBRACE:
          // Java: a `{` where an atom should start repeats the empty string (`{2}`), or is an error.
          node = EMPTY;
          break;
        default:
          this.pos++;
          node = this.literal(c);
      }
      items.push(this.quantified(node));
    }
    if (items.length === 0) return EMPTY;
    return items.length === 1 ? items[0]! : { type: 'sequence', items };
  }

  private assert(kind: AssertKind): RegexNode {
    return { type: 'assert', kind };
  }

  /** One literal character, case-insensitive when (?i) is on. */
  private literal(cp: number): RegexNode {
    const folded = caseInsensitiveChar(cp, this.caseMode());
    return folded ? { type: 'set', set: folded } : { type: 'char', cp };
  }

  /** Java's closure(): a quantifier after `node`, if there is one. */
  private quantified(node: RegexNode): RegexNode {
    const c = this.peek();
    let min: number;
    let max: number;
    if (c === QUESTION) {
      min = 0;
      max = 1;
      this.pos++;
    } else if (c === STAR) {
      min = 0;
      max = UNBOUNDED;
      this.pos++;
    } else if (c === PLUS) {
      min = 1;
      max = UNBOUNDED;
      this.pos++;
    } else if (c === LBRACE) {
      if (!isDigit(this.at(this.pos + 1))) this.error('Illegal repetition', this.pos + 1);
      this.pos++;
      min = this.count();
      max = min;
      if (this.at(this.pos) === COMMA) {
        this.pos++;
        max = this.at(this.pos) === RBRACE ? UNBOUNDED : this.count();
      }
      if (this.at(this.pos) !== RBRACE) this.error('Unclosed counted closure', this.pos);
      this.pos++;
      if (max < min) this.error('Illegal repetition range');
    } else {
      return node;
    }
    let mode: QuantifierMode = 'greedy';
    const suffix = this.peek();
    if (suffix === QUESTION) {
      mode = 'lazy';
      this.pos++;
    } else if (suffix === PLUS) {
      mode = 'possessive';
      this.pos++;
    }
    return { type: 'repeat', body: node, min, max, mode };
  }

  /** Decimal digits of a {n,m} count (none gives 0, as in Java). */
  private count(): number {
    let n = 0;
    while (isDigit(this.at(this.pos))) {
      n = n * 10 + (this.cps[this.pos]! - 0x30);
      if (n > UNBOUNDED) this.error('Illegal repetition range', this.pos); // Java 17 checks each digit for overflow
      this.pos++;
    }
    return n;
  }

  /** At `(`: a group of any kind with its quantifier, or null for a flags-only group such as (?i). */
  private group(): RegexNode | null {
    this.enter();
    const saved = this.flags;
    this.pos++;
    let node: RegexNode;
    if (this.peek() === QUESTION) {
      const kind = this.at(this.pos + 1);
      this.pos += 2;
      switch (kind) {
        case COLON:
          node = this.expression();
          break;
        case EQUALS:
        case BANG:
          node = { type: 'look', behind: false, negate: kind === BANG, body: this.expression(), minLength: 0, maxLength: 0 };
          break;
        case GT:
          node = { type: 'atomic', body: this.expression() };
          break;
        case LT: {
          const c = this.read();
          if (c !== EQUALS && c !== BANG) {
            const name = this.groupName(c);
            if (this.names.has(name)) this.error(`Named capturing group <${name}> is already defined`);
            const index = ++this.groupCount;
            this.names.set(name, index);
            node = { type: 'group', index, body: this.expression() };
            break;
          }
          const body = this.expression();
          const max = lookbehindMaxLength(body);
          if (max === null) this.error('Look-behind group does not have an obvious maximum length');
          node = { type: 'look', behind: true, negate: c === BANG, body, minLength: lengthRange(body).min, maxLength: max };
          break;
        }
        case DOLLAR:
        case AT:
          this.error('Unknown group type');
        default: {
          this.pos--;
          this.inlineFlags();
          const c = this.read();
          if (c === RPAREN) {
            // (?i) alone: the flags stay on until the enclosing group ends.
            this.leave();
            return null;
          }
          if (c !== COLON) this.error('Unknown inline modifier');
          node = this.expression();
        }
      }
    } else {
      const index = ++this.groupCount;
      node = { type: 'group', index, body: this.expression() };
    }
    this.accept(RPAREN, 'Unclosed group');
    this.flags = saved;
    this.leave();
    return this.quantified(node);
  }

  /** A group name: a Latin letter, then Latin letters and digits, then `>`. */
  private groupName(first: number): string {
    if (!isAsciiAlpha(first)) this.error('capturing group name does not start with a Latin letter');
    let name = String.fromCharCode(first);
    let c: number;
    while (isAsciiAlpha((c = this.read())) || isDigit(c)) name += String.fromCharCode(c);
    if (c !== GT) this.error("named capturing group is missing trailing '>'");
    return name;
  }

  /** Java's addFlag/subFlag: letters turn flags on, letters after `-` turn them off. */
  private inlineFlags(): void {
    let on = true;
    for (;;) {
      const c = this.peek();
      let bits: number;
      switch (c) {
        case 0x69: bits = CASE_INSENSITIVE; break; // i
        case 0x6d: bits = MULTILINE; break; // m
        case 0x73: bits = DOTALL; break; // s
        case 0x64: bits = UNIX_LINES; break; // d
        case 0x75: bits = UNICODE_CASE; break; // u
        case 0x78: bits = COMMENTS; break; // x
        case 0x55: bits = UNICODE_CHARACTER_CLASS | UNICODE_CASE; break; // U
        case 0x63: this.unsupported('The CANON_EQ flag (?c)', this.pos); // c
        case MINUS:
          if (!on) return;
          on = false;
          this.pos++;
          continue;
        default:
          return;
      }
      this.flags = on ? this.flags | bits : this.flags & ~bits;
      this.pos++;
    }
  }

  // ------------------------------------------------------------ escapes

  /** At `\` outside a class. */
  private escapeAtom(): RegexNode {
    const letter = this.at(this.pos + 1);
    if (letter === 0x70 || letter === 0x50) {
      // \p{..} / \P{..}
      this.pos += 2;
      return { type: 'set', set: this.family(letter === 0x50) };
    }
    const cp = this.escape(false, false);
    return cp >= 0 ? this.literal(cp) : this.escaped;
  }

  /**
   * At `\`: the escaped character, or -1 when the escape stands for something else (then in
   * this.escaped). In a class only character escapes and predefined classes are allowed.
   * `isRange` is Java's compatibility rule: \v at a range end is the single character 0x0B.
   */
  private escape(inClass: boolean, isRange: boolean): number {
    const c = this.at(this.pos + 1);
    this.pos += 2;
    const unicodeClasses = this.has(UNICODE_CHARACTER_CLASS);
    const set = (p: CharPredicate): number => {
      this.escaped = { type: 'set', set: p };
      return -1;
    };
    const node = (n: RegexNode): number => {
      this.escaped = n;
      return -1;
    };
    switch (c) {
      case END:
        this.error('Unexpected internal error', this.cps.length);
      case 0x30: // 0
        return this.octal();
      case 0x31: case 0x32: case 0x33: case 0x34: case 0x35: case 0x36: case 0x37: case 0x38: case 0x39:
        if (inClass) break;
        return node(this.backreference(c - 0x30));
      case 0x41: // A
        if (inClass) break;
        return node(this.assert('begin'));
      case 0x42: // B
        if (inClass) break;
        return node(this.assert(unicodeClasses ? 'unicodeNonBoundary' : 'nonBoundary'));
      case 0x44: // D
        return set(complement(unicodeClasses ? UNICODE_DIGIT() : ASCII_DIGIT));
      case 0x47: // G
        if (inClass) break;
        return node(this.assert('lastMatch'));
      case 0x48: // H
        return set(complement(HORIZONTAL_SPACE));
      case 0x4e: // N
        this.unsupported('\\N{name}', this.pos - 1);
      case 0x52: // R: (?:\r\n|[\n\x0B\f\r\u0085\u2028\u2029]), which may give back the \n (JDK 9 and later)
        if (inClass) break;
        return node({
          type: 'alternation',
          options: [
            { type: 'sequence', items: [{ type: 'char', cp: CR }, { type: 'char', cp: NL }] },
            { type: 'set', set: VERTICAL_SPACE },
          ],
        });
      case 0x53: // S
        return set(complement(unicodeClasses ? UNICODE_SPACE() : ASCII_SPACE));
      case 0x56: // V
        return set(complement(VERTICAL_SPACE));
      case 0x57: // W
        return set(complement(unicodeClasses ? UNICODE_WORD() : ASCII_WORD));
      case 0x58: // X
        if (inClass) break;
        this.unsupported('\\X (grapheme clusters)', this.pos - 1);
      case 0x5a: // Z
        if (inClass) break;
        return node(this.assert(this.has(UNIX_LINES) ? 'unixDollar' : 'dollar'));
      case 0x61: return 0x07; // a
      case 0x62: // b
        if (inClass) break;
        if (this.at(this.pos) === LBRACE && this.at(this.pos + 1) === 0x67 /* g */) {
          if (this.at(this.pos + 2) !== RBRACE) {
            this.pos += 3;
            break;
          }
          this.unsupported('\\b{g} (grapheme boundaries)', this.pos);
        }
        return node(this.assert(unicodeClasses ? 'unicodeBoundary' : 'boundary'));
      case 0x63: // c
        if (this.pos < this.cps.length) return this.read() ^ 64;
        this.error('Illegal control escape sequence');
      case 0x64: // d
        return set(unicodeClasses ? UNICODE_DIGIT() : ASCII_DIGIT);
      case 0x65: return 0x1b; // e
      case 0x66: return 0x0c; // f
      case 0x68: // h
        return set(HORIZONTAL_SPACE);
      case 0x6b: { // k<name>
        if (inClass) break;
        if (this.read() !== LT) this.error("\\k is not followed by '<' for named capturing group");
        const name = this.groupName(this.read());
        const group = this.names.get(name);
        if (group === undefined) this.error(`named capturing group <${name}> does not exist`);
        return node({ type: 'backref', group, caseMode: this.caseMode() });
      }
      case 0x6e: return NL; // n
      case 0x72: return CR; // r
      case 0x73: // s
        return set(unicodeClasses ? UNICODE_SPACE() : ASCII_SPACE);
      case 0x74: return TAB; // t
      case 0x75: // u
        return this.unicodeEscape();
      case 0x76: // v
        if (isRange) return 0x0b;
        return set(VERTICAL_SPACE);
      case 0x77: // w
        return set(unicodeClasses ? UNICODE_WORD() : ASCII_WORD);
      case 0x78: // x
        return this.hexEscape();
      case 0x7a: // z
        if (inClass) break;
        return node(this.assert('end'));
      default:
        // Any other letter is reserved; anything else stands for itself (\. \\ \/ \- ...).
        if (!isAsciiAlpha(c)) return c;
    }
    this.error('Illegal/unsupported escape sequence');
  }

  /** \0n, \0nn, \0mnn (m ≤ 3). */
  private octal(): number {
    const isOctal = (c: number): boolean => c >= 0x30 && c <= 0x37;
    const n = this.at(this.pos);
    if (!isOctal(n)) {
      this.pos++;
      this.error('Illegal octal escape sequence');
    }
    this.pos++;
    const m = this.at(this.pos);
    if (!isOctal(m)) return n - 0x30;
    this.pos++;
    const o = this.at(this.pos);
    if (isOctal(o) && n <= 0x33) {
      this.pos++;
      return (n - 0x30) * 64 + (m - 0x30) * 8 + (o - 0x30);
    }
    return (n - 0x30) * 8 + (m - 0x30);
  }

  /** \xhh or \x{h...}. */
  private hexEscape(): number {
    const n = this.at(this.pos++);
    if (isHexDigit(n)) {
      const m = this.at(this.pos++);
      if (isHexDigit(m)) return parseInt(String.fromCharCode(n, m), 16);
    } else if (n === LBRACE && isHexDigit(this.at(this.pos))) {
      let cp = 0;
      let c: number;
      while (isHexDigit((c = this.at(this.pos++)))) {
        cp = cp * 16 + parseInt(String.fromCharCode(c), 16);
        if (cp > 0x10ffff) this.error('Hexadecimal codepoint is too big');
      }
      if (c !== RBRACE) this.error('Unclosed hexadecimal escape sequence');
      return cp;
    }
    this.error('Illegal hexadecimal escape sequence');
  }

  /** \uhhhh; a high surrogate followed by \uhhhh holding a low one makes one code point. */
  private unicodeEscape(): number {
    const four = (): number => {
      let n = 0;
      for (let k = 0; k < 4; k++) {
        const c = this.at(this.pos++);
        if (!isHexDigit(c)) this.error('Illegal Unicode escape sequence');
        n = n * 16 + parseInt(String.fromCharCode(c), 16);
      }
      return n;
    };
    const n = four();
    if (n >= 0xd800 && n <= 0xdbff && this.at(this.pos) === BACKSLASH && this.at(this.pos + 1) === 0x75) {
      const save = this.pos;
      this.pos += 2;
      let low = -1;
      try {
        low = four();
      } catch {
        low = -1;
      }
      if (low >= 0xdc00 && low <= 0xdfff) return (n - 0xd800) * 0x400 + (low - 0xdc00) + 0x10000;
      this.pos = save;
    }
    return n;
  }

  /**
   * \1 to \9, taking further digits while they still name a group that exists at this point
   * (Java's ref()). A reference to a group that never matched fails to match.
   */
  private backreference(first: number): RegexNode {
    let group = first;
    for (;;) {
      const c = this.peek();
      if (!isDigit(c)) break;
      const next = group * 10 + (c - 0x30);
      if (next > this.groupCount) break;
      group = next;
      this.pos++;
    }
    return { type: 'backref', group, caseMode: this.caseMode() };
  }

  /** After \p or \P: `{name}` or a one-letter name (\pL). */
  private family(negate: boolean): CharPredicate {
    let name: string;
    if (this.at(this.pos) === LBRACE) {
      const start = this.pos + 1;
      let end = start;
      while (end < this.cps.length && this.cps[end] !== RBRACE) end++;
      if (end >= this.cps.length) {
        this.pos = this.cps.length + 1;
        this.error('Unclosed character family');
      }
      this.pos = end + 1;
      if (end === start) this.error('Empty character family');
      name = this.cps.slice(start, end).map((c) => String.fromCodePoint(c)).join('');
    } else {
      if (this.pos >= this.cps.length) this.error('Illegal/unsupported escape sequence');
      name = String.fromCodePoint(this.cps[this.pos++]!);
    }
    const found = property(name, this.has(CASE_INSENSITIVE), this.has(UNICODE_CHARACTER_CLASS));
    if ('unknown' in found) this.error(found.unknown);
    if ('unsupported' in found) this.unsupported(found.unsupported, this.pos - 1);
    return negate ? complement(found.predicate) : found.predicate;
  }

  // ------------------------------------------------------------ character classes

  /**
   * The items of a class after its `[`, up to its `]` (consumed when `consume`; the right side of
   * `&&` written without brackets, as in [a-z&&def], stops before it). `opened` says a `[` was just
   * read, so that a `^` here negates the class.
   */
  private classItems(consume: boolean, opened: boolean): CharPredicate {
    this.enter();
    let negate = false;
    let c = this.peek();
    if (opened && c === CARET && this.cps[this.pos - 1] === LBRACKET) {
      this.pos++;
      negate = true;
      c = this.peek();
    }
    let items: CharPredicate[] = [];
    for (;;) {
      if (c === LBRACKET) {
        this.pos++;
        items.push(this.classItems(true, true));
        c = this.peek();
        continue;
      }
      if (c === AMP && this.at(this.pos + 1) === AMP) {
        // Everything so far, intersected with everything up to the next && or the end of the class.
        this.pos += 2;
        c = this.peek();
        let right: CharPredicate | null = null;
        while (c !== RBRACKET && c !== AMP) {
          if (c === LBRACKET) {
            this.pos++;
            const inner = this.classItems(true, true);
            right = right ? union(right, inner) : inner;
          } else {
            right = this.classItems(false, false);
          }
          c = this.peek();
        }
        if (items.length === 0) {
          if (!right) this.error('Bad class syntax');
          items = [right];
        } else if (right) {
          items = [intersection(union(...items), right)];
        }
        continue;
      }
      if (c === END) this.error('Unclosed character class', this.cps.length - 1);
      if (c === RBRACKET && items.length > 0) {
        if (consume) this.pos++;
        this.leave();
        const all = union(...items);
        return negate ? complement(all) : all;
      }
      // Anything else, including a `]` first in the class and a single `&`, is a character or range.
      items.push(this.classRange());
      c = this.peek();
    }
  }

  /** One character, a range a-z, a predefined class (\d) or a property (\p{L}) inside a class. */
  private classRange(): CharPredicate {
    let c = this.peek();
    if (c === BACKSLASH) {
      const letter = this.at(this.pos + 1);
      if (letter === 0x70 || letter === 0x50) {
        this.pos += 2;
        return this.family(letter === 0x50);
      }
      c = this.escape(true, this.at(this.pos + 2) === MINUS);
      if (c < 0) return (this.escaped as { set: CharPredicate }).set;
    } else {
      this.pos++;
    }
    if (this.peek() === MINUS) {
      const after = this.at(this.pos + 1);
      if (after === LBRACKET) return this.classChar(c); // [a-[bc]]: the '-' is a literal
      if (after !== RBRACKET) {
        this.pos++;
        let end = this.peek();
        if (end === BACKSLASH) end = this.escape(true, true);
        else this.pos++;
        if (end < c) this.error('Illegal character range');
        const mode = this.caseMode();
        return mode === 'exact' ? range(c, end) : caseInsensitiveRange(c, end, mode);
      }
    }
    return this.classChar(c);
  }

  private classChar(c: number): CharPredicate {
    return caseInsensitiveChar(c, this.caseMode()) ?? exactly(c);
  }
}

/** Jayway JsonPath's flag letters after /pattern/ (PatternFlag): unknown letters are ignored. */
export function flagsFromLetters(letters: string): number {
  let flags = 0;
  for (const l of letters) {
    switch (l) {
      case 'd': flags |= UNIX_LINES; break;
      case 'i': flags |= CASE_INSENSITIVE; break;
      case 'x': flags |= COMMENTS; break;
      case 'm': flags |= MULTILINE; break;
      case 's': flags |= DOTALL; break;
      case 'u': flags |= UNICODE_CASE; break;
      case 'U': flags |= UNICODE_CHARACTER_CLASS; break;
      default: break;
    }
  }
  return flags;
}
