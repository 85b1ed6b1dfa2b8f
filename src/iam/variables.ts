/**
 * Policy variables (`${aws:username}`, `${aws:username, 'fallback'}`) and the
 * escapes `${*}`, `${?}`, `${$}`, resolved against a request context. They
 * apply only in documents of Version 2012-10-17; in older documents the text
 * is literal, as in AWS.
 */
import { globTokens, type PatternToken } from './arn.js';
import { contextValues, type RequestContext } from './context.js';

const ESCAPES: Record<string, string> = { '*': '*', '?': '?', $: '$' };

/**
 * The pattern as tokens, variables replaced by their (literal) values. Undefined
 * when a variable has no value in the context and no default: AWS then treats
 * the element as not matching.
 */
export function resolvePattern(pattern: string, ctx: RequestContext, variables: boolean): PatternToken[] | undefined {
  if (!variables || !pattern.includes('${')) return globTokens(pattern);
  const out: PatternToken[] = [];
  let i = 0;
  while (i < pattern.length) {
    const start = pattern.indexOf('${', i);
    const end = start < 0 ? -1 : pattern.indexOf('}', start + 2);
    if (start < 0 || end < 0) {
      out.push(...globTokens(pattern.slice(i)));
      break;
    }
    if (start > i) out.push(...globTokens(pattern.slice(i, start)));
    const value = resolveVariable(pattern.slice(start + 2, end), ctx);
    if (value === undefined) return undefined;
    if (value !== '') out.push({ literal: value });
    i = end + 1;
  }
  return out;
}

/** The pattern as plain text with variables resolved (for operators without wildcards). */
export function resolveLiteral(pattern: string, ctx: RequestContext, variables: boolean): string | undefined {
  const tokens = resolvePattern(pattern, ctx, variables);
  if (!tokens) return undefined;
  return tokens.map((t) => ('literal' in t ? t.literal : t.wildcard)).join('');
}

function resolveVariable(body: string, ctx: RequestContext): string | undefined {
  const trimmed = body.trim();
  if (Object.hasOwn(ESCAPES, trimmed)) return ESCAPES[trimmed];
  let key = trimmed;
  let fallback: string | undefined;
  const comma = trimmed.indexOf(',');
  if (comma >= 0) {
    key = trimmed.slice(0, comma).trim();
    const m = /^'([^']*)'$/.exec(trimmed.slice(comma + 1).trim());
    if (m) fallback = m[1];
  }
  const values = contextValues(ctx, key);
  // Multi-valued keys cannot be used as variables.
  if (values && values.length === 1) return values[0];
  return fallback;
}
