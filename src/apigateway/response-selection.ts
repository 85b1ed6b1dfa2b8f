/**
 * Integration response selection for AWS, HTTP and MOCK integrations: the
 * selectionPattern is a Java regex that must match the whole integration
 * status code; the response without a pattern is the default.
 */
import { compilePattern, matchesCompiled, RegexBudgetExceeded } from '../vtl/regex/index.js';
import type { IntegrationResponse } from './model.js';

/** A compiled selection pattern: Java's `matches()`, the whole status code must match. */
export interface SelectionPattern {
  test(statusCode: string): boolean;
}

export interface Selectable<T> {
  readonly pattern: SelectionPattern | undefined;
  readonly value: T;
}

/**
 * Compiles a selectionPattern with Java's regex semantics (the engine the
 * templates use, which cannot run away); throws when the pattern is not a
 * valid Java regex.
 */
export function compileSelectionPattern(pattern: string | undefined): SelectionPattern | undefined {
  if (pattern === undefined || pattern === '') return undefined;
  const program = compilePattern(pattern);
  return {
    test(statusCode: string): boolean {
      try {
        return matchesCompiled(program, statusCode);
      } catch (e) {
        // A pattern that runs out of work selects nothing, as a pattern that does not match.
        if (e instanceof RegexBudgetExceeded) return false;
        throw e;
      }
    },
  };
}

/** Whether `pattern` is a valid Java regex. */
export function isValidSelectionPattern(pattern: string): boolean {
  try {
    compilePattern(pattern);
    return true;
  } catch {
    return false;
  }
}

/** Patterns are tried in definition order; the first full match wins, else the default. */
export function selectIntegrationResponse<T>(
  candidates: readonly Selectable<T>[],
  defaultResponse: T | undefined,
  statusCode: string,
): T | undefined {
  for (const c of candidates) if (c.pattern && c.pattern.test(statusCode)) return c.value;
  return defaultResponse;
}

export function splitResponses(responses: Record<string, IntegrationResponse>): {
  patterned: IntegrationResponse[];
  defaultResponse: IntegrationResponse | undefined;
} {
  const patterned: IntegrationResponse[] = [];
  let defaultResponse: IntegrationResponse | undefined;
  for (const r of Object.values(responses)) {
    if (r.selectionPattern === undefined || r.selectionPattern === '') defaultResponse = r;
    else patterned.push(r);
  }
  return { patterned, defaultResponse };
}
