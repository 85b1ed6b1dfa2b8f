/**
 * ARNs and the wildcard matching IAM applies to them. Policy patterns use `*`
 * (any run of characters) and `?` (one character). Action names compare
 * case-insensitively; ARNs and condition values case-sensitively.
 */

export interface Arn {
  readonly partition: string;
  readonly service: string;
  readonly region: string;
  readonly account: string;
  /** Everything after the fifth colon, e.g. `stream/myStream` or `role/path/name`. */
  readonly resource: string;
}

/** Splits an ARN into its six parts, or undefined when the text is not one. */
export function parseArn(text: string): Arn | undefined {
  const parts = splitArn(text);
  if (!parts) return undefined;
  const [, partition, service, region, account, resource] = parts;
  return { partition: partition!, service: service!, region: region!, account: account!, resource: resource! };
}

/** `arn`, partition, service, region, account, resource — the resource keeps its own colons. */
function splitArn(text: string): string[] | undefined {
  const out: string[] = [];
  let start = 0;
  for (let i = 0; i < 5; i++) {
    const colon = text.indexOf(':', start);
    if (colon < 0) return undefined;
    out.push(text.slice(start, colon));
    start = colon + 1;
  }
  out.push(text.slice(start));
  return out[0] === 'arn' ? out : undefined;
}

/** One piece of a pattern: literal text, or a wildcard. */
export type PatternToken = { readonly literal: string } | { readonly wildcard: '*' | '?' };

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** An anchored regular expression for tokens. */
export function tokensToRegExp(tokens: readonly PatternToken[], caseInsensitive: boolean): RegExp {
  let src = '';
  for (const t of tokens) {
    if ('literal' in t) src += escapeRegExp(t.literal);
    else src += t.wildcard === '*' ? '[\\s\\S]*' : '[\\s\\S]';
  }
  return new RegExp(`^${src}$`, caseInsensitive ? 'i' : '');
}

/** Tokens of a plain glob (no policy variables). */
export function globTokens(pattern: string): PatternToken[] {
  const out: PatternToken[] = [];
  let lit = '';
  for (const ch of pattern) {
    if (ch === '*' || ch === '?') {
      if (lit) out.push({ literal: lit });
      lit = '';
      out.push({ wildcard: ch });
    } else lit += ch;
  }
  if (lit) out.push({ literal: lit });
  return out;
}

const globCache = new Map<string, RegExp>();

/** Whether `value` matches the glob `pattern` as a whole. */
export function globMatch(pattern: string, value: string, caseInsensitive = false): boolean {
  if (pattern === '*') return true;
  if (!pattern.includes('*') && !pattern.includes('?')) {
    return caseInsensitive ? pattern.toLowerCase() === value.toLowerCase() : pattern === value;
  }
  const key = (caseInsensitive ? 'i:' : 's:') + pattern;
  let re = globCache.get(key);
  if (!re) {
    if (globCache.size > 10_000) globCache.clear();
    re = tokensToRegExp(globTokens(pattern), caseInsensitive);
    globCache.set(key, re);
  }
  return re.test(value);
}

/**
 * ARN matching as IAM does it for Resource and the Arn* condition operators:
 * the first five colon-separated parts are matched one by one (a wildcard
 * stays inside its part), the resource part as a whole.
 */
export function arnMatch(pattern: string, value: string): boolean {
  if (pattern === '*') return true;
  const p = splitArn(pattern);
  const v = splitArn(value);
  // Something that is not an ARN matches only itself.
  if (!p || !v) return pattern === value;
  for (let i = 1; i < 6; i++) if (!globMatch(p[i]!, v[i]!)) return false;
  return true;
}

export const iamArn = {
  root: (account: string): string => `arn:aws:iam::${account}:root`,
  user: (account: string, path: string, name: string): string => `arn:aws:iam::${account}:user${path}${name}`,
  role: (account: string, path: string, name: string): string => `arn:aws:iam::${account}:role${path}${name}`,
  policy: (account: string, path: string, name: string): string => `arn:aws:iam::${account}:policy${path}${name}`,
  assumedRole: (account: string, roleName: string, session: string): string => `arn:aws:sts::${account}:assumed-role/${roleName}/${session}`,
};
