/**
 * Character predicates with java.util.regex's meanings: predefined classes (\d \s \w \h \v, `.`),
 * POSIX and Unicode properties (\p{Alpha}, \p{Lu}, \p{javaLowerCase}, \p{IsLatin} ...), and the
 * case-insensitive forms of single characters and ranges.
 *
 * Java's definitions are followed where they differ from JavaScript's: \w \d \s are ASCII-only
 * unless (?U); \p{Lower} is ASCII while \p{IsLowercase} is Unicode; (?i) alone folds ASCII letters
 * only and (?iu) folds Unicode. Unicode categories are answered by JavaScript's own `\p{..}`
 * tables, so they follow the Unicode version of Node rather than of the JDK.
 */

/** Does the code point belong to the set? */
export type CharPredicate = (cp: number) => boolean;

export function union(...preds: CharPredicate[]): CharPredicate {
  if (preds.length === 1) return preds[0]!;
  return (cp) => {
    for (const p of preds) if (p(cp)) return true;
    return false;
  };
}

export function intersection(a: CharPredicate, b: CharPredicate): CharPredicate {
  return (cp) => a(cp) && b(cp);
}

export function complement(p: CharPredicate): CharPredicate {
  return (cp) => !p(cp);
}

export function range(lo: number, hi: number): CharPredicate {
  return (cp) => cp >= lo && cp <= hi;
}

export function exactly(c: number): CharPredicate {
  return (cp) => cp === c;
}

const ANY: CharPredicate = () => true;

/**
 * A predicate ready for matching: the first 256 code points are looked up in a table built once,
 * so the common (ASCII/Latin-1) case costs an array read whatever the class looks like.
 */
export class CharSet {
  private readonly latin1 = new Uint8Array(256);
  constructor(private readonly predicate: CharPredicate) {
    for (let c = 0; c < 256; c++) this.latin1[c] = predicate(c) ? 1 : 0;
  }
  has(cp: number): boolean {
    return cp < 256 ? this.latin1[cp] === 1 : this.predicate(cp);
  }
}

// ---------------------------------------------------------------- case folding

function isAsciiUpper(c: number): boolean {
  return c >= 0x41 && c <= 0x5a;
}
function isAsciiLower(c: number): boolean {
  return c >= 0x61 && c <= 0x7a;
}
export function asciiToLower(c: number): number {
  return isAsciiUpper(c) ? c + 0x20 : c;
}
export function asciiToUpper(c: number): number {
  return isAsciiLower(c) ? c - 0x20 : c;
}

const upperCache = new Map<number, number>();
const lowerCache = new Map<number, number>();

/**
 * Character.toUpperCase(int): a one-to-one mapping. JavaScript's toUpperCase may give several
 * characters (ß → SS); Java then leaves the character as it is, and so does this.
 */
export function toUpperCase(cp: number): number {
  if (cp < 128) return asciiToUpper(cp);
  let u = upperCache.get(cp);
  if (u === undefined) {
    const s = String.fromCodePoint(cp).toUpperCase();
    const first = s.codePointAt(0)!;
    u = s.length === String.fromCodePoint(first).length ? first : cp;
    upperCache.set(cp, u);
  }
  return u;
}

/** Character.toLowerCase(int), one-to-one as above. */
export function toLowerCase(cp: number): number {
  if (cp < 128) return asciiToLower(cp);
  if (cp === 0x130) return 0x69; // İ: Java maps it to plain i; JavaScript gives i + combining dot
  let l = lowerCache.get(cp);
  if (l === undefined) {
    const s = String.fromCodePoint(cp).toLowerCase();
    const first = s.codePointAt(0)!;
    l = s.length === String.fromCodePoint(first).length ? first : cp;
    lowerCache.set(cp, l);
  }
  return l;
}

/** The form (?iu) compares: Character.toLowerCase(Character.toUpperCase(c)), as Java's SliceU does. */
export function unicodeFold(cp: number): number {
  return toLowerCase(toUpperCase(cp));
}

/** How a pattern compares letters: exactly, ASCII-insensitively (?i), or Unicode-insensitively (?iu). */
export type CaseMode = 'exact' | 'ascii' | 'unicode';

/**
 * One literal character as Java's Pattern.single() matches it: under (?i) an ASCII letter also
 * matches its other case; under (?iu) any character matches those with the same folded form.
 * Returns null when the character has no other case, so that the caller can match it exactly.
 */
export function caseInsensitiveChar(c: number, mode: CaseMode): CharPredicate | null {
  if (mode === 'unicode') {
    const upper = toUpperCase(c);
    const lower = toLowerCase(upper);
    if (upper === lower) return null;
    return (cp) => cp === lower || unicodeFold(cp) === lower;
  }
  if (mode === 'ascii') {
    const lower = asciiToLower(c);
    const upper = asciiToUpper(c);
    if (lower === upper) return null;
    return (cp) => cp === lower || cp === upper;
  }
  return null;
}

/** A range [lo-hi] in a class: Java's CIRange (ASCII) and CIRangeU (Unicode) under (?i). */
export function caseInsensitiveRange(lo: number, hi: number, mode: CaseMode): CharPredicate {
  if (mode === 'unicode') {
    return (cp) => (cp >= lo && cp <= hi) || inRange(toUpperCase(cp), lo, hi) || inRange(toLowerCase(cp), lo, hi);
  }
  if (mode === 'ascii') {
    return (cp) => (cp >= lo && cp <= hi) || (cp < 128 && (inRange(asciiToUpper(cp), lo, hi) || inRange(asciiToLower(cp), lo, hi)));
  }
  return range(lo, hi);
}

function inRange(c: number, lo: number, hi: number): boolean {
  return c >= lo && c <= hi;
}

// ---------------------------------------------------------------- predefined classes

export const ASCII_DIGIT: CharPredicate = range(0x30, 0x39);
/** \w: [a-zA-Z_0-9]. */
export const ASCII_WORD: CharPredicate = (c) => (c >= 0x30 && c <= 0x39) || isAsciiUpper(c) || isAsciiLower(c) || c === 0x5f;
/** \s: [ \t\n\x0B\f\r]. */
export const ASCII_SPACE: CharPredicate = (c) => c === 0x20 || (c >= 0x09 && c <= 0x0d);
/** \h: horizontal whitespace. */
export const HORIZONTAL_SPACE: CharPredicate = (c) =>
  c === 0x20 || c === 0x09 || c === 0xa0 || c === 0x1680 || c === 0x180e || (c >= 0x2000 && c <= 0x200a) ||
  c === 0x202f || c === 0x205f || c === 0x3000;
/** \v: vertical whitespace (JDK 8 and later; before, \v was the single character 0x0B). */
export const VERTICAL_SPACE: CharPredicate = (c) => (c >= 0x0a && c <= 0x0d) || c === 0x85 || c === 0x2028 || c === 0x2029;

/** A line terminator as `.`, `^` and `$` see it: \n \r \u0085 \u2028 \u2029 (just \n under (?d)). */
export function isLineTerminator(c: number, unixLines: boolean): boolean {
  if (unixLines) return c === 0x0a;
  return c === 0x0a || c === 0x0d || c === 0x85 || c === 0x2028 || c === 0x2029;
}

/** `.`: anything under (?s); otherwise anything but a line terminator. */
export function dot(dotAll: boolean, unixLines: boolean): CharPredicate {
  if (dotAll) return ANY;
  return unixLines ? (c) => c !== 0x0a : (c) => !isLineTerminator(c, false);
}

// ---------------------------------------------------------------- Unicode tables (JavaScript's)

const unicodeCache = new Map<string, CharPredicate>();

/** A predicate for a JavaScript `\p{..}` expression such as `L` or `Script=Latin`; null if JavaScript does not know it. */
function jsProperty(expr: string): CharPredicate | null {
  let p = unicodeCache.get(expr);
  if (p) return p;
  let re: RegExp;
  try {
    re = new RegExp(`^\\p{${expr}}$`, 'u');
  } catch {
    return null;
  }
  p = (cp) => re.test(String.fromCodePoint(cp));
  unicodeCache.set(expr, p);
  return p;
}

function gc(expr: string): CharPredicate {
  return jsProperty(expr)!;
}

const LETTER = (): CharPredicate => gc('L');
const DIGIT = (): CharPredicate => gc('Nd');
const LOWERCASE = (): CharPredicate => gc('Lowercase');
const UPPERCASE = (): CharPredicate => gc('Uppercase');
const TITLECASE = (): CharPredicate => gc('Lt');
const CASED = (): CharPredicate => union(LOWERCASE(), UPPERCASE(), TITLECASE());
const ALPHABETIC = (): CharPredicate => gc('Alphabetic');
const CONTROL = (): CharPredicate => gc('Cc');
const PUNCTUATION = (): CharPredicate => gc('P');
const JOIN_CONTROL: CharPredicate = (c) => c === 0x200c || c === 0x200d;
/** Java's \p{IsWhite_Space}: space separators, line/paragraph separators, \t-\r and \u0085. */
const WHITE_SPACE = (): CharPredicate => union(gc('Z'), range(0x09, 0x0d), exactly(0x85));
const HEX_DIGIT = (): CharPredicate =>
  union(DIGIT(), range(0x30, 0x39), range(0x41, 0x46), range(0x61, 0x66), range(0xff10, 0xff19), range(0xff21, 0xff26), range(0xff41, 0xff46));
const BLANK = (): CharPredicate => union(gc('Zs'), exactly(0x09));
const GRAPH = (): CharPredicate => complement(union(gc('Z'), gc('Cc'), gc('Cs'), gc('Cn')));
/** \w under (?U): alphabetic, marks, decimal digits, connector punctuation, joiners. */
export const UNICODE_WORD = (): CharPredicate => union(ALPHABETIC(), gc('M'), DIGIT(), gc('Pc'), JOIN_CONTROL);
export const UNICODE_DIGIT = DIGIT;
export const UNICODE_SPACE = WHITE_SPACE;

/** Character.isLetterOrDigit plus '_': what \b counts as a word character (JDK 8 to 18, without (?U)). */
export const BOUNDARY_WORD: CharPredicate = (() => {
  const letter = LETTER();
  const digit = DIGIT();
  return (c: number) => c === 0x5f || ASCII_WORD(c) || (c >= 128 && (letter(c) || digit(c)));
})();

export const NON_SPACING_MARK: CharPredicate = gc('Mn');

/** Unicode versions of the POSIX names, used by \p{IsAlpha} and under (?U). */
function posixUnicode(upperName: string, caseIns: boolean): CharPredicate | null {
  switch (upperName) {
    case 'ALPHA': return ALPHABETIC();
    case 'LOWER': return caseIns ? CASED() : LOWERCASE();
    case 'UPPER': return caseIns ? CASED() : UPPERCASE();
    case 'SPACE': return WHITE_SPACE();
    case 'PUNCT': return PUNCTUATION();
    case 'XDIGIT': return HEX_DIGIT();
    case 'ALNUM': return union(ALPHABETIC(), DIGIT());
    case 'CNTRL': return CONTROL();
    case 'DIGIT': return DIGIT();
    case 'BLANK': return BLANK();
    case 'GRAPH': return GRAPH();
    case 'PRINT': return intersection(union(GRAPH(), BLANK()), complement(CONTROL()));
    default: return null;
  }
}

/** Binary properties reached with the Is prefix (\p{IsAlphabetic}, \p{IsWhite_Space} ...). */
function unicodeBinary(upperName: string, caseIns: boolean): CharPredicate | null {
  switch (upperName) {
    case 'ALPHABETIC': return ALPHABETIC();
    case 'ASSIGNED': return complement(gc('Cn'));
    case 'CONTROL': return CONTROL();
    case 'HEXDIGIT':
    case 'HEX_DIGIT': return HEX_DIGIT();
    case 'IDEOGRAPHIC': return gc('Ideographic');
    case 'JOINCONTROL':
    case 'JOIN_CONTROL': return JOIN_CONTROL;
    case 'LETTER': return LETTER();
    case 'LOWERCASE': return caseIns ? CASED() : LOWERCASE();
    case 'NONCHARACTERCODEPOINT':
    case 'NONCHARACTER_CODE_POINT': return gc('Noncharacter_Code_Point');
    case 'TITLECASE': return caseIns ? CASED() : TITLECASE();
    case 'PUNCTUATION': return PUNCTUATION();
    case 'UPPERCASE': return caseIns ? CASED() : UPPERCASE();
    case 'WHITESPACE':
    case 'WHITE_SPACE': return WHITE_SPACE();
    case 'WORD': return UNICODE_WORD();
    default: return posixUnicode(upperName, caseIns);
  }
}

const ASCII_ALPHA: CharPredicate = (c) => isAsciiUpper(c) || isAsciiLower(c);
const ASCII_PUNCT: CharPredicate = (c) => (c >= 0x21 && c <= 0x2f) || (c >= 0x3a && c <= 0x40) || (c >= 0x5b && c <= 0x60) || (c >= 0x7b && c <= 0x7e);

/** Character.isIdentifierIgnorable. */
const IDENTIFIER_IGNORABLE = (): CharPredicate => union(range(0, 8), range(0x0e, 0x1b), range(0x7f, 0x9f), gc('Cf'));

/** General categories, their groups, the ASCII POSIX classes and the java* methods of Character (exact-case names). */
function namedProperty(name: string, caseIns: boolean): CharPredicate | null {
  switch (name) {
    case 'Lu':
    case 'Ll':
    case 'Lt': return caseIns ? gc('LC') : gc(name);
    case 'LD': return union(LETTER(), DIGIT());
    case 'L1': return range(0x00, 0xff);
    case 'all': return ANY;
    // POSIX classes, ASCII only (java.util.regex.Pattern javadoc, "POSIX character classes (US-ASCII only)")
    case 'ASCII': return range(0x00, 0x7f);
    case 'Alnum': return (c) => ASCII_ALPHA(c) || ASCII_DIGIT(c);
    case 'Alpha': return ASCII_ALPHA;
    case 'Blank': return (c) => c === 0x20 || c === 0x09;
    case 'Cntrl': return (c) => c < 0x20 || c === 0x7f;
    case 'Digit': return ASCII_DIGIT;
    case 'Graph': return (c) => ASCII_PUNCT(c) || ASCII_ALPHA(c) || ASCII_DIGIT(c);
    case 'Lower': return caseIns ? ASCII_ALPHA : range(0x61, 0x7a);
    case 'Print': return range(0x20, 0x7e);
    case 'Punct': return ASCII_PUNCT;
    case 'Space': return ASCII_SPACE;
    case 'Upper': return caseIns ? ASCII_ALPHA : range(0x41, 0x5a);
    case 'XDigit': return (c) => ASCII_DIGIT(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
    // java.lang.Character methods
    case 'javaLowerCase': return caseIns ? CASED() : LOWERCASE();
    case 'javaUpperCase': return caseIns ? CASED() : UPPERCASE();
    case 'javaTitleCase': return caseIns ? CASED() : TITLECASE();
    case 'javaAlphabetic': return ALPHABETIC();
    case 'javaIdeographic': return gc('Ideographic');
    case 'javaDigit': return DIGIT();
    case 'javaDefined': return complement(gc('Cn'));
    case 'javaLetter': return LETTER();
    case 'javaLetterOrDigit': return union(LETTER(), DIGIT());
    case 'javaJavaIdentifierStart': return union(LETTER(), gc('Nl'), gc('Sc'), gc('Pc'));
    case 'javaJavaIdentifierPart': return union(LETTER(), gc('Sc'), gc('Pc'), DIGIT(), gc('Nl'), gc('Mc'), gc('Mn'), IDENTIFIER_IGNORABLE());
    case 'javaUnicodeIdentifierStart': return gc('ID_Start');
    case 'javaUnicodeIdentifierPart': return union(gc('ID_Continue'), IDENTIFIER_IGNORABLE());
    case 'javaIdentifierIgnorable': return IDENTIFIER_IGNORABLE();
    case 'javaSpaceChar': return gc('Z');
    case 'javaWhitespace': return (c) => (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x1f) || (gc('Z')(c) && c !== 0xa0 && c !== 0x2007 && c !== 0x202f);
    case 'javaISOControl': return (c) => c <= 0x1f || (c >= 0x7f && c <= 0x9f);
    case 'javaMirrored': return gc('Bidi_M');
    default:
      // Any other one- or two-letter general category (L, N, P, Sc, Zs, Cn ...).
      return /^(?:[LMNPSZC][a-z]?|LC)$/.test(name) ? jsProperty(`gc=${name}`) : null;
  }
}

/**
 * Java's script names are case-insensitive (LATIN, latin, Latn); JavaScript wants its own spelling
 * (Latin, Old_Italic, Latn), which title-casing each word gives for nearly every script.
 */
function script(name: string): CharPredicate | null {
  const spelled = name.split('_').map((w) => w.charAt(0).toUpperCase() + w.slice(1).toLowerCase()).join('_');
  return jsProperty(`Script=${spelled}`) ?? jsProperty(`Script=${name}`);
}

/**
 * The Unicode blocks templates are likely to name (\p{InGreek}). JavaScript has no block tables,
 * so others are refused rather than guessed.
 */
const BLOCKS: Record<string, [number, number]> = {
  basiclatin: [0x0000, 0x007f],
  latin1supplement: [0x0080, 0x00ff],
  latinextendeda: [0x0100, 0x017f],
  latinextendedb: [0x0180, 0x024f],
  greek: [0x0370, 0x03ff],
  greekandcoptic: [0x0370, 0x03ff],
  cyrillic: [0x0400, 0x04ff],
  hebrew: [0x0590, 0x05ff],
  arabic: [0x0600, 0x06ff],
  devanagari: [0x0900, 0x097f],
  thai: [0x0e00, 0x0e7f],
  hangulsyllables: [0xac00, 0xd7af],
  hiragana: [0x3040, 0x309f],
  katakana: [0x30a0, 0x30ff],
  cjkunifiedideographs: [0x4e00, 0x9fff],
  generalpunctuation: [0x2000, 0x206f],
  currencysymbols: [0x20a0, 0x20cf],
  arrows: [0x2190, 0x21ff],
  mathematicaloperators: [0x2200, 0x22ff],
  boxdrawing: [0x2500, 0x257f],
  privateusearea: [0xe000, 0xf8ff],
  halfwidthandfullwidthforms: [0xff00, 0xffef],
  specials: [0xfff0, 0xffff],
};

function block(name: string): CharPredicate | null {
  const r = BLOCKS[name.toLowerCase().replace(/[\s_-]/g, '')];
  return r ? range(r[0], r[1]) : null;
}

/** What a \p{..} name resolved to: a predicate, or why not. */
export type PropertyLookup = { predicate: CharPredicate } | { unknown: string } | { unsupported: string };

/**
 * Resolves the name inside \p{..} / \P{..} the way Java's Pattern.family() does:
 * `name=value` forms (sc, gc, blk), `In` blocks, `Is` binary properties/categories/scripts, then
 * plain names (POSIX classes, categories, java* methods; under (?U) POSIX names are Unicode).
 */
export function property(name: string, caseIns: boolean, unicodeClasses: boolean): PropertyLookup {
  const eq = name.indexOf('=');
  if (eq >= 0) {
    const key = name.slice(0, eq).toLowerCase();
    const value = name.slice(eq + 1);
    let p: CharPredicate | null = null;
    if (key === 'sc' || key === 'script') p = script(value);
    else if (key === 'gc' || key === 'general_category') p = namedProperty(value, caseIns);
    else if (key === 'blk' || key === 'block') {
      p = block(value);
      if (!p) return { unsupported: `The Unicode block {${name}}` };
    }
    return p ? { predicate: p } : { unknown: `Unknown Unicode property {name=<${key}>, value=<${value}>}` };
  }
  if (name.startsWith('In')) {
    const p = block(name.slice(2));
    return p ? { predicate: p } : { unsupported: `The Unicode block {${name}}` };
  }
  let p: CharPredicate | null = null;
  if (name.startsWith('Is')) {
    const rest = name.slice(2);
    p = unicodeBinary(rest.toUpperCase(), caseIns) ?? namedProperty(rest, caseIns) ?? script(rest);
  } else {
    if (unicodeClasses) p = posixUnicode(name.toUpperCase(), caseIns);
    p ??= namedProperty(name, caseIns);
  }
  return p ? { predicate: p } : { unknown: `Unknown character property name {${name}}` };
}
