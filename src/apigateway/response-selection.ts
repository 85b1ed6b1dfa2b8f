/**
 * Integration response selection for AWS, HTTP and MOCK integrations: the
 * selectionPattern is a Java regex that must match the whole integration
 * status code; the response without a pattern is the default.
 */
import type { IntegrationResponse } from './model.js';

/**
 * Java regex → JavaScript regex source with Java's `matches()` semantics (the
 * whole string must match). Java-only constructs are translated where a
 * simple equivalent exists.
 */
export function javaRegexToJs(pattern: string): string {
  const translated = pattern
    .replace(/\\A/g, '^')
    .replace(/\\[Zz]/g, '$')
    // Possessive quantifiers (x*+, x++, x?+) have no JS form; greedy is equivalent for full matches of status codes.
    .replace(/([*+?}])\+/g, '$1');
  return `^(?:${translated})$`;
}

export interface Selectable<T> {
  readonly pattern: RegExp | undefined;
  readonly value: T;
}

export function compileSelectionPattern(pattern: string | undefined): RegExp | undefined {
  if (pattern === undefined || pattern === '') return undefined;
  return new RegExp(javaRegexToJs(pattern));
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
