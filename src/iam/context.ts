/**
 * The request context a policy is evaluated against: the condition keys
 * (global `aws:*` ones and service ones) with their values. Key names are
 * case-insensitive in IAM, so they are stored lower-cased.
 */

export interface RequestContext {
  /** Lower-cased key → its values; a single-valued key has one. */
  readonly keys: ReadonlyMap<string, readonly string[]>;
}

export type ContextValues = Record<string, string | readonly string[] | undefined>;

export function makeContext(values: ContextValues): RequestContext {
  const keys = new Map<string, readonly string[]>();
  for (const [k, v] of Object.entries(values)) {
    if (v === undefined) continue;
    keys.set(k.toLowerCase(), typeof v === 'string' ? [v] : v);
  }
  return { keys };
}

export function withKeys(ctx: RequestContext, values: ContextValues): RequestContext {
  const keys = new Map(ctx.keys);
  for (const [k, v] of Object.entries(values)) {
    if (v === undefined) continue;
    keys.set(k.toLowerCase(), typeof v === 'string' ? [v] : v);
  }
  return { keys };
}

export const contextValues = (ctx: RequestContext, key: string): readonly string[] | undefined => ctx.keys.get(key.toLowerCase());
