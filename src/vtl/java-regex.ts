/**
 * java.util.regex patterns and replacement strings, translated to JavaScript RegExp.
 * Covers what templates use: the common syntax is shared; Java-only pieces (\p{Alpha}-style POSIX
 * classes, \A \z \Z, possessive quantifiers, inline (?i) at the start) are rewritten.
 */
import { throwJava } from './values.js';

const POSIX: Record<string, string> = {
  Lower: 'a-z', Upper: 'A-Z', ASCII: '\\x00-\\x7F', Alpha: 'a-zA-Z', Digit: '0-9', Alnum: 'a-zA-Z0-9',
  Punct: '!-\\/:-@\\[-`{-~', Graph: '!-~', Print: ' -~', Blank: ' \\t', Cntrl: '\\x00-\\x1F\\x7F',
  XDigit: '0-9a-fA-F', Space: ' \\t\\n\\x0B\\f\\r', L: 'a-zA-Z\\u00C0-\\u024F', IsAlphabetic: 'a-zA-Z',
  javaLowerCase: 'a-z', javaUpperCase: 'A-Z', IsDigit: '0-9', N: '0-9',
};

const cache = new Map<string, RegExp>();

function translate(pattern: string): { source: string; flags: string } {
  let flags = '';
  let p = pattern;
  const inline = /^\(\?([imsux]+)\)/.exec(p);
  if (inline) {
    for (const f of inline[1]!) if ((f === 'i' || f === 'm' || f === 's') && !flags.includes(f)) flags += f;
    p = p.slice(inline[0].length);
  }
  let out = '';
  let inClass = 0;
  for (let i = 0; i < p.length; i++) {
    const c = p[i]!;
    if (c === '\\') {
      const n = p[i + 1];
      if (n === undefined) throwJava('java.util.regex.PatternSyntaxException', `Unexpected internal error near index ${i + 1}`);
      if ((n === 'p' || n === 'P') && p[i + 2] === '{') {
        const close = p.indexOf('}', i + 3);
        const name = p.slice(i + 3, close).replace(/^Is/, (m) => (POSIX[p.slice(i + 3, close)] ? m : ''));
        const set = POSIX[p.slice(i + 3, close)] ?? POSIX[name];
        if (close < 0 || set === undefined) throwJava('java.util.regex.PatternSyntaxException', `Unknown character property name {${p.slice(i + 3, close)}}`);
        out += inClass ? set : (n === 'p' ? `[${set}]` : `[^${set}]`);
        i = close;
        continue;
      }
      if (n === 'A') { out += '^'; i++; continue; }
      if (n === 'z') { out += '$'; i++; continue; }
      if (n === 'Z') { out += '(?=\\n?$)'; i++; continue; }
      if (n === 'Q') {
        // \Q...\E quotes everything in between.
        let end = p.indexOf('\\E', i + 2);
        if (end < 0) end = p.length;
        out += p.slice(i + 2, end).replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
        i = end + 1;
        continue;
      }
      out += c + n;
      i++;
      continue;
    }
    if (c === '[') inClass++;
    else if (c === ']' && inClass) inClass--;
    else if (!inClass && (c === '+') && /[*+?}]/.test(p[i - 1] ?? '') && p[i - 2] !== '\\') {
      // Possessive quantifier (x*+): JavaScript has none; the greedy form matches the same strings in practice.
      continue;
    }
    out += c;
  }
  return { source: out, flags };
}

/** A RegExp for a Java pattern; `mode` g = global search, full = must match the whole input. */
export function javaRegex(pattern: string, mode: 'g' | 'full' | ''): RegExp {
  const key = mode + '\u0000' + pattern;
  let re = cache.get(key);
  if (re) {
    re.lastIndex = 0;
    return re;
  }
  const { source, flags } = translate(pattern);
  try {
    re = new RegExp(mode === 'full' ? `^(?:${source})$` : source, flags + (mode === 'g' ? 'g' : ''));
  } catch (e) {
    throwJava('java.util.regex.PatternSyntaxException', `${(e as Error).message} in pattern ${pattern}`);
  }
  if (cache.size > 500) cache.clear();
  cache.set(key, re);
  return re;
}

/** Translates a Java replacement string (`$1`, `${name}`, `\$`) to JavaScript's syntax. */
export function javaReplacement(replacement: string): string {
  let out = '';
  for (let i = 0; i < replacement.length; i++) {
    const c = replacement[i]!;
    if (c === '\\') {
      i++;
      if (i >= replacement.length) throwJava('java.lang.IllegalArgumentException', 'character to be escaped is missing');
      out += replacement[i] === '$' ? '$$' : replacement[i];
    } else if (c === '$') {
      const m = /^(\d+|\{[A-Za-z][A-Za-z0-9]*\})/.exec(replacement.slice(i + 1));
      if (!m) throwJava('java.lang.IllegalArgumentException', 'Illegal group reference');
      out += m[1]!.startsWith('{') ? `$<${m[1]!.slice(1, -1)}>` : `$${m[1]}`;
      i += m[0].length;
    } else {
      out += c;
    }
  }
  return out;
}

/**
 * String.split(regex, limit) with Java's rules: at most `limit` pieces when limit > 0; trailing
 * empty strings dropped when limit is 0; no empty first piece for a zero-width match at the start;
 * the input itself when nothing matches.
 */
export function javaSplit(s: string, pattern: string, limit: number): string[] {
  // Java's own fast path: a one-character pattern that is not a regex metacharacter is split literally.
  const literal = pattern.length === 1 && '.$|()[{^?*+\\'.indexOf(pattern) < 0;
  const re = literal ? null : javaRegex(pattern, 'g');
  const pieces: string[] = [];
  let last = 0;
  let matched = false;
  while (limit <= 0 || pieces.length < limit - 1) {
    let index: number;
    let end: number;
    if (re === null) {
      index = s.indexOf(pattern, last);
      if (index < 0) break;
      end = index + 1;
    } else {
      const m = re.exec(s);
      if (m === null) break;
      index = m.index;
      end = index + m[0].length;
      if (end === index) {
        re.lastIndex++; // step over a zero-width match
        if (index === 0) continue;
      }
    }
    matched = true;
    pieces.push(s.slice(last, index));
    last = end;
  }
  if (re !== null) re.lastIndex = 0;
  if (!matched) return [s];
  pieces.push(s.slice(last));
  if (limit === 0) {
    let n = pieces.length;
    while (n > 0 && pieces[n - 1] === '') n--;
    pieces.length = n;
  }
  return pieces;
}
