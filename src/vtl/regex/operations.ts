/**
 * String.matches / replaceAll / replaceFirst / split as java.lang.String and java.util.regex.Matcher
 * define them, on top of match.ts: the same find() loop, the same replacement-string syntax
 * ($1, ${name}, \$ and \\) with the same exceptions, the same split rules.
 */
import { throwJava } from '../values.js';
import type { StepBudget } from './budget.js';
import type { Program } from './compile.js';
import { Matcher } from './match.js';

/** Matcher.matches(): the pattern must match the whole string. */
export function matchesWhole(program: Program, s: string, budget: StepBudget): boolean {
  return new Matcher(program, s, budget).matches();
}

/** Matcher.replaceAll: every match replaced, scanning on from the end of each (one further after an empty match). */
export function replaceAll(program: Program, s: string, replacement: string, budget: StepBudget): string {
  const m = new Matcher(program, s, budget);
  if (!m.find()) return s;
  const parts = parseReplacement(replacement, m);
  let out = '';
  let appended = 0;
  do {
    out += s.slice(appended, m.first) + expand(parts, m);
    appended = m.last;
  } while (m.find());
  return out + s.slice(appended);
}

/** Matcher.replaceFirst. */
export function replaceFirst(program: Program, s: string, replacement: string, budget: StepBudget): string {
  const m = new Matcher(program, s, budget);
  if (!m.find()) return s;
  return s.slice(0, m.first) + expand(parseReplacement(replacement, m), m) + s.slice(m.last);
}

/**
 * Pattern.split(input, limit) (JDK 8 and later): at most `limit` pieces when limit > 0, the last
 * holding the rest; trailing empty strings dropped when limit is 0; no empty first piece for a
 * zero-width match at the start; the input itself when nothing matches.
 */
export function split(program: Program, s: string, limit: number, budget: StepBudget): string[] {
  const m = new Matcher(program, s, budget);
  const limited = limit > 0;
  const pieces: string[] = [];
  let index = 0;
  while (m.find()) {
    if (!limited || pieces.length < limit - 1) {
      if (index === 0 && m.first === 0 && m.last === 0) continue;
      pieces.push(s.slice(index, m.first));
      index = m.last;
    } else {
      // The last piece: everything from here. (Java goes on scanning but adds nothing more.)
      pieces.push(s.slice(index));
      index = m.last;
      break;
    }
  }
  if (index === 0) return [s];
  if (!limited || pieces.length < limit) pieces.push(s.slice(index));
  if (limit === 0) {
    let n = pieces.length;
    while (n > 0 && pieces[n - 1] === '') n--;
    pieces.length = n;
  }
  return pieces;
}

/** A replacement string, read once: literal text and group numbers. */
type ReplacementPart = string | number;

/**
 * Matcher.appendExpandedReplacement's reading of a replacement: `\x` is a literal x, `$n` and
 * `${name}` are groups, and `$n` takes further digits while they still name an existing group.
 * Java reads it at the first match, so an invalid replacement is only an error when something
 * matched; so here.
 */
function parseReplacement(replacement: string, m: Matcher): ReplacementPart[] {
  const parts: ReplacementPart[] = [];
  let text = '';
  let i = 0;
  while (i < replacement.length) {
    const c = replacement[i]!;
    if (c === '\\') {
      i++;
      if (i === replacement.length) throwJava('java.lang.IllegalArgumentException', 'character to be escaped is missing');
      text += replacement[i++];
    } else if (c === '$') {
      i++;
      if (i === replacement.length) throwJava('java.lang.IllegalArgumentException', 'Illegal group reference: group index is missing');
      let group: number;
      if (replacement[i] === '{') {
        i++;
        let name = '';
        while (i < replacement.length && /[A-Za-z0-9]/.test(replacement[i]!)) name += replacement[i++];
        if (name.length === 0) throwJava('java.lang.IllegalArgumentException', 'named capturing group has 0 length name');
        if (replacement[i] !== '}') throwJava('java.lang.IllegalArgumentException', "named capturing group is missing trailing '}'");
        i++;
        if (/^[0-9]/.test(name)) throwJava('java.lang.IllegalArgumentException', `capturing group name {${name}} starts with digit character`);
        const found = m.names.get(name);
        if (found === undefined) throwJava('java.lang.IllegalArgumentException', `No group with name {${name}}`);
        group = found;
      } else {
        const d = replacement.charCodeAt(i) - 0x30;
        if (d < 0 || d > 9) throwJava('java.lang.IllegalArgumentException', 'Illegal group reference');
        group = d;
        i++;
        while (i < replacement.length) {
          const next = replacement.charCodeAt(i) - 0x30;
          if (next < 0 || next > 9 || group * 10 + next > m.groupCount) break;
          group = group * 10 + next;
          i++;
        }
        if (group > m.groupCount) throwJava('java.lang.IndexOutOfBoundsException', `No group ${group}`);
      }
      if (text) parts.push(text);
      text = '';
      parts.push(group);
    } else {
      text += c;
      i++;
    }
  }
  if (text) parts.push(text);
  return parts;
}

/** The replacement for the current match; a group that did not take part adds nothing. */
function expand(parts: ReplacementPart[], m: Matcher): string {
  let out = '';
  for (const p of parts) out += typeof p === 'string' ? p : m.group(p) ?? '';
  return out;
}
