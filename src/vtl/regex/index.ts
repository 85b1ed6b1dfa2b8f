/**
 * Java regular expressions for mapping templates: java.util.regex syntax and semantics, run by a
 * backtracking matcher that counts its work and stops (RegexBudgetExceeded) instead of stalling
 * the event loop.
 *
 *   parse.ts       pattern text → syntax tree (tree.ts), PatternSyntaxException on errors
 *   charset.ts     character classes and properties with Java's meanings
 *   compile.ts     tree → flat program with registers
 *   match.ts       runs a program: explicit backtracking stack, step budget, Java's find() rules
 *   operations.ts  String.matches / replaceAll / replaceFirst / split
 *   budget.ts      the limits and the error
 *
 * This module adds the compiled-pattern cache and the allowance a template render shares.
 */
import { RenderAllowance, StepBudget } from './budget.js';
import { compileProgram, type Program } from './compile.js';
import { matchesWhole, replaceAll, replaceFirst, split } from './operations.js';
import { parsePattern } from './parse.js';

export {
  REGEX_BASE_STEPS, REGEX_MAX_BACKTRACK_ENTRIES, REGEX_RENDER_BASE_STEPS, REGEX_STEPS_PER_CHAR, RegexBudgetExceeded,
} from './budget.js';
export { flagsFromLetters } from './parse.js';
export type { Program as CompiledPattern } from './compile.js';

/** Compiled patterns kept: templates use a handful of patterns on every request. */
export const MAX_CACHED_PATTERNS = 500;

const cache = new Map<string, Program>();

/** Pattern.compile(pattern, flags), cached; the least recently used pattern leaves first. */
export function compilePattern(pattern: string, flags = 0): Program {
  const key = `${flags}/${pattern}`;
  let program = cache.get(key);
  if (program) {
    cache.delete(key);
  } else {
    program = compileProgram(parsePattern(pattern, flags));
    if (cache.size >= MAX_CACHED_PATTERNS) cache.delete(cache.keys().next().value!);
  }
  cache.set(key, program);
  return program;
}

/** The allowance of the render in progress; renders are synchronous, so there is at most one. */
let render: RenderAllowance | null = null;

/** Runs `fn` (a template render) with every regular-expression operation in it drawing on one allowance. */
export function withRenderAllowance<T>(fn: () => T): T {
  const outer = render;
  render = new RenderAllowance();
  try {
    return fn();
  } finally {
    render = outer;
  }
}

/** Runs one operation over `length` characters with its budget. */
function operation<T>(length: number, run: (budget: StepBudget) => T): T {
  const current = render;
  if (!current) return run(StepBudget.forInput(length));
  const budget = current.operation(length);
  try {
    return run(budget);
  } finally {
    current.charge(budget);
  }
}

/** String.matches(regex). */
export function javaMatches(s: string, regex: string): boolean {
  const program = compilePattern(regex);
  return operation(s.length, (b) => matchesWhole(program, s, b));
}

/** Matcher.matches() with an already compiled pattern (JSONPath's =~). */
export function matchesCompiled(program: Program, s: string): boolean {
  return operation(s.length, (b) => matchesWhole(program, s, b));
}

/** String.replaceAll(regex, replacement). */
export function javaReplaceAll(s: string, regex: string, replacement: string): string {
  const program = compilePattern(regex);
  return operation(s.length, (b) => replaceAll(program, s, replacement, b));
}

/** String.replaceFirst(regex, replacement). */
export function javaReplaceFirst(s: string, regex: string, replacement: string): string {
  const program = compilePattern(regex);
  return operation(s.length, (b) => replaceFirst(program, s, replacement, b));
}

/** String.split(regex, limit); String.split(regex) is limit 0. */
export function javaSplit(s: string, regex: string, limit = 0): string[] {
  const program = compilePattern(regex);
  return operation(s.length, (b) => split(program, s, limit, b));
}
