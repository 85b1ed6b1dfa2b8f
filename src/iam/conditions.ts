/**
 * The Condition element: operators, the ...IfExists suffix and the
 * ForAllValues/ForAnyValue qualifiers, evaluated as IAM documents them:
 *  - several values for one key in the policy: any may match (OR); for a
 *    negated operator none may (NOR);
 *  - a key missing from the request: positive operators are false, negated
 *    ones true, ...IfExists true; ForAllValues is true and ForAnyValue false
 *    on a missing key;
 *  - Null tests presence alone.
 */
import { BlockList, isIP } from 'node:net';
import { arnMatch, tokensToRegExp } from './arn.js';
import { contextValues, type RequestContext } from './context.js';
import type { ConditionClause } from './policy.js';
import { resolveLiteral, resolvePattern } from './variables.js';

type Matcher = (contextValue: string, policyValue: string, ctx: RequestContext, variables: boolean) => boolean;

interface OperatorSpec {
  /** The operator is the negation of `match` (StringNotEquals...). */
  readonly negated: boolean;
  readonly match: Matcher;
}

const stringEquals: Matcher = (cv, pv, ctx, vars) => resolveLiteral(pv, ctx, vars) === cv;
const stringEqualsIgnoreCase: Matcher = (cv, pv, ctx, vars) => resolveLiteral(pv, ctx, vars)?.toLowerCase() === cv.toLowerCase();
const stringLike: Matcher = (cv, pv, ctx, vars) => {
  const tokens = resolvePattern(pv, ctx, vars);
  return tokens !== undefined && tokensToRegExp(tokens, false).test(cv);
};

const toNumber = (s: string): number | undefined => {
  if (s.trim() === '') return undefined;
  const n = Number(s);
  return Number.isFinite(n) ? n : undefined;
};
const numeric = (cmp: (a: number, b: number) => boolean): Matcher => (cv, pv) => {
  const a = toNumber(cv);
  const b = toNumber(pv);
  return a !== undefined && b !== undefined && cmp(a, b);
};

/** ISO 8601 text or epoch seconds, as IAM accepts both. */
const toTime = (s: string): number | undefined => {
  if (/^\d+(\.\d+)?$/.test(s)) return Number(s) * 1000;
  const t = Date.parse(s);
  return Number.isNaN(t) ? undefined : t;
};
const date = (cmp: (a: number, b: number) => boolean): Matcher => (cv, pv) => {
  const a = toTime(cv);
  const b = toTime(pv);
  return a !== undefined && b !== undefined && cmp(a, b);
};

const bool: Matcher = (cv, pv, ctx, vars) => resolveLiteral(pv, ctx, vars)?.toLowerCase() === cv.toLowerCase();

const subnets = new Map<string, BlockList | null>();
function subnetOf(cidr: string): BlockList | null {
  let list = subnets.get(cidr);
  if (list !== undefined) return list;
  list = null;
  const [addr, bits] = cidr.trim().split('/');
  const family = isIP(addr ?? '');
  if (family !== 0) {
    const type = family === 4 ? 'ipv4' : 'ipv6';
    const prefix = bits === undefined ? (family === 4 ? 32 : 128) : Number(bits);
    if (Number.isInteger(prefix) && prefix >= 0 && prefix <= (family === 4 ? 32 : 128)) {
      list = new BlockList();
      list.addSubnet(addr!, prefix, type);
    }
  }
  if (subnets.size > 1_000) subnets.clear();
  subnets.set(cidr, list);
  return list;
}
const ipAddress: Matcher = (cv, pv) => {
  const ip = cv.startsWith('::ffff:') && isIP(cv.slice(7)) === 4 ? cv.slice(7) : cv;
  const family = isIP(ip);
  const list = subnetOf(pv);
  return family !== 0 && list !== null && list.check(ip, family === 4 ? 'ipv4' : 'ipv6');
};

const arnLike: Matcher = (cv, pv, ctx, vars) => {
  const p = resolveLiteral(pv, ctx, vars);
  return p !== undefined && arnMatch(p, cv);
};

const OPERATORS = {
  StringEquals: { negated: false, match: stringEquals },
  StringNotEquals: { negated: true, match: stringEquals },
  StringEqualsIgnoreCase: { negated: false, match: stringEqualsIgnoreCase },
  StringNotEqualsIgnoreCase: { negated: true, match: stringEqualsIgnoreCase },
  StringLike: { negated: false, match: stringLike },
  StringNotLike: { negated: true, match: stringLike },
  NumericEquals: { negated: false, match: numeric((a, b) => a === b) },
  NumericNotEquals: { negated: true, match: numeric((a, b) => a === b) },
  NumericLessThan: { negated: false, match: numeric((a, b) => a < b) },
  NumericLessThanEquals: { negated: false, match: numeric((a, b) => a <= b) },
  NumericGreaterThan: { negated: false, match: numeric((a, b) => a > b) },
  NumericGreaterThanEquals: { negated: false, match: numeric((a, b) => a >= b) },
  DateEquals: { negated: false, match: date((a, b) => a === b) },
  DateNotEquals: { negated: true, match: date((a, b) => a === b) },
  DateLessThan: { negated: false, match: date((a, b) => a < b) },
  DateLessThanEquals: { negated: false, match: date((a, b) => a <= b) },
  DateGreaterThan: { negated: false, match: date((a, b) => a > b) },
  DateGreaterThanEquals: { negated: false, match: date((a, b) => a >= b) },
  Bool: { negated: false, match: bool },
  BinaryEquals: { negated: false, match: (cv: string, pv: string) => cv === pv },
  IpAddress: { negated: false, match: ipAddress },
  NotIpAddress: { negated: true, match: ipAddress },
  ArnEquals: { negated: false, match: arnLike },
  ArnLike: { negated: false, match: arnLike },
  ArnNotEquals: { negated: true, match: arnLike },
  ArnNotLike: { negated: true, match: arnLike },
  // Null is handled on its own: it looks at presence, not values.
  Null: { negated: false, match: () => false },
} satisfies Record<string, OperatorSpec>;

export type ConditionOperator = keyof typeof OPERATORS;

export const isConditionOperator = (name: string): name is ConditionOperator => Object.hasOwn(OPERATORS, name);

/** Whether one clause (operator + key + values) holds for the request. */
export function evaluateClause(c: ConditionClause, ctx: RequestContext, variables: boolean): boolean {
  const values = contextValues(ctx, c.key);
  const present = values !== undefined && values.length > 0 && !(values.length === 1 && values[0] === '');
  if (c.operator === 'Null') return c.values.some((v) => (v.toLowerCase() === 'true') === !present);
  const spec: OperatorSpec = OPERATORS[c.operator];
  const holdsFor = (cv: string): boolean => {
    const any = c.values.some((pv) => spec.match(cv, pv, ctx, variables));
    return spec.negated ? !any : any;
  };
  if (c.qualifier === 'ForAllValues') return !present || values.every(holdsFor);
  if (c.qualifier === 'ForAnyValue') return present ? values.some(holdsFor) : c.ifExists;
  if (!present) return c.ifExists || spec.negated;
  return spec.negated ? values.every(holdsFor) : values.some(holdsFor);
}

/** All clauses of a statement hold (operators and keys are ANDed). */
export function conditionsHold(clauses: readonly ConditionClause[], ctx: RequestContext, variables: boolean): boolean {
  for (const c of clauses) if (!evaluateClause(c, ctx, variables)) return false;
  return true;
}
