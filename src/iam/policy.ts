/**
 * Policy documents: parsed once into a typed form, validated as IAM validates
 * them. A document that IAM would refuse is refused with
 * MalformedPolicyDocument and AWS's wording, so it never reaches evaluation.
 *
 * Two kinds: identity policies (attached to users and roles; they name
 * Resources and must not name a Principal) and trust policies (a role's
 * AssumeRolePolicyDocument; they name a Principal and no Resource).
 */
import { AwsError } from '../protocol/errors.js';
import { isConditionOperator, type ConditionOperator } from './conditions.js';

export type Effect = 'Allow' | 'Deny';
export type PolicyVersion = '2012-10-17' | '2008-10-17';
export type PolicyKind = 'identity' | 'trust' | 'resource';

/** Action/NotAction or Resource/NotResource: the patterns and which of the two it was. */
export interface PatternList {
  readonly negated: boolean;
  readonly patterns: readonly string[];
}

export type PrincipalSpec =
  | { readonly any: true }
  | {
      readonly any: false;
      readonly aws: readonly string[];
      readonly service: readonly string[];
      readonly federated: readonly string[];
      readonly canonicalUser: readonly string[];
    };

export interface ConditionClause {
  readonly operator: ConditionOperator;
  readonly qualifier: 'ForAllValues' | 'ForAnyValue' | undefined;
  readonly ifExists: boolean;
  readonly key: string;
  readonly values: readonly string[];
}

interface StatementBase {
  readonly sid: string | undefined;
  readonly effect: Effect;
  readonly actions: PatternList;
  readonly conditions: readonly ConditionClause[];
}

export interface IdentityStatement extends StatementBase {
  readonly resources: PatternList;
}

export interface TrustStatement extends StatementBase {
  readonly principals: { readonly negated: boolean; readonly spec: PrincipalSpec };
}

/** A resource-based policy statement (e.g. a Kinesis stream's): whom, what, and on which resources. */
export interface ResourceStatement extends IdentityStatement {
  readonly principals: { readonly negated: boolean; readonly spec: PrincipalSpec };
}

export interface Policy<S extends StatementBase = IdentityStatement | TrustStatement> {
  readonly version: PolicyVersion;
  readonly statements: readonly S[];
}

export type IdentityPolicy = Policy<IdentityStatement>;
export type TrustPolicy = Policy<TrustStatement>;
export type ResourcePolicy = Policy<ResourceStatement>;

export interface ParseOptions {
  /** Resource forms a service accepts besides ARNs (API Gateway's `execute-api:/stage/GET/path`). */
  readonly otherResource?: (resource: string) => boolean;
}

export const malformed = (message: string): AwsError => new AwsError('MalformedPolicyDocument', message, 400);

const SYNTAX = 'Syntax errors in policy.';
const TOP_KEYS = new Set(['Version', 'Id', 'Statement']);
const STATEMENT_KEYS = new Set(['Sid', 'Effect', 'Action', 'NotAction', 'Resource', 'NotResource', 'Principal', 'NotPrincipal', 'Condition']);
const TRUST_ACTIONS = /^sts:(\*|AssumeRole\*?|AssumeRoleWithSAML|AssumeRoleWithWebIdentity|TagSession|SetSourceIdentity|SetContext)$/i;
const AWS_PRINCIPAL = /^(\*|\d{12}|arn:aws[a-z-]*:iam::\d{12}:(root|user\/.+|role\/.+|federated-user\/.+)|arn:aws[a-z-]*:sts::\d{12}:(assumed-role|federated-user)\/.+)$/;

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function stringList(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string')) return v as string[];
  throw malformed(SYNTAX);
}

/** Condition values may be strings, numbers or booleans, alone or in a list. */
function conditionValues(v: unknown): string[] {
  const one = (x: unknown): string => {
    if (typeof x === 'string') return x;
    if (typeof x === 'number' || typeof x === 'boolean') return String(x);
    throw malformed(SYNTAX);
  };
  return Array.isArray(v) ? v.map(one) : [one(v)];
}

function checkVendorPrefixed(name: string): void {
  if (name === '*') return;
  const colons = name.split(':').length - 1;
  if (colons === 0) throw malformed('Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.');
  if (colons > 1) throw malformed('Actions/Condition can contain only one colon.');
  if (name.startsWith(':')) throw malformed('Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.');
}

function patternList(stmt: Json, positive: string, negative: string, missing: string): PatternList | undefined {
  const has = stmt[positive] !== undefined;
  const hasNot = stmt[negative] !== undefined;
  if (has && hasNot) throw malformed(SYNTAX);
  if (!has && !hasNot) {
    if (missing) throw malformed(missing);
    return undefined;
  }
  return { negated: hasNot, patterns: stringList(has ? stmt[positive] : stmt[negative]) };
}

function parseConditions(v: unknown): ConditionClause[] {
  if (v === undefined) return [];
  if (!isObject(v)) throw malformed(SYNTAX);
  const out: ConditionClause[] = [];
  for (const [rawOp, block] of Object.entries(v)) {
    let op = rawOp;
    let qualifier: ConditionClause['qualifier'];
    const colon = op.indexOf(':');
    if (colon >= 0) {
      const q = op.slice(0, colon);
      if (q.toLowerCase() === 'forallvalues') qualifier = 'ForAllValues';
      else if (q.toLowerCase() === 'foranyvalue') qualifier = 'ForAnyValue';
      else throw malformed(`Invalid Condition type : ${rawOp}`);
      op = op.slice(colon + 1);
    }
    let ifExists = false;
    if (op.endsWith('IfExists') && op !== 'IfExists') {
      ifExists = true;
      op = op.slice(0, -'IfExists'.length);
    }
    if (!isConditionOperator(op) || (ifExists && op === 'Null')) throw malformed(`Invalid Condition type : ${rawOp}`);
    if (!isObject(block)) throw malformed(SYNTAX);
    for (const [key, values] of Object.entries(block)) {
      checkVendorPrefixed(key);
      out.push({ operator: op, qualifier, ifExists, key, values: conditionValues(values) });
    }
  }
  return out;
}

function parsePrincipal(v: unknown): PrincipalSpec {
  if (v === '*') return { any: true };
  if (!isObject(v)) throw malformed(SYNTAX);
  const spec = { any: false as const, aws: [] as string[], service: [] as string[], federated: [] as string[], canonicalUser: [] as string[] };
  for (const [k, raw] of Object.entries(v)) {
    const values = stringList(raw);
    switch (k) {
      case 'AWS':
        for (const a of values) if (!AWS_PRINCIPAL.test(a)) throw malformed(`Invalid principal in policy: "AWS":"${a}"`);
        spec.aws.push(...values);
        break;
      case 'Service':
        spec.service.push(...values);
        break;
      case 'Federated':
        spec.federated.push(...values);
        break;
      case 'CanonicalUser':
        spec.canonicalUser.push(...values);
        break;
      default:
        throw malformed(`Invalid principal in policy: "${k}"`);
    }
  }
  if (spec.aws.length === 1 && spec.aws[0] === '*' && !spec.service.length && !spec.federated.length) return { any: true };
  return spec;
}

export function parsePolicy(text: string, kind: 'identity'): IdentityPolicy;
export function parsePolicy(text: string, kind: 'trust'): TrustPolicy;
export function parsePolicy(text: string, kind: 'resource', options?: ParseOptions): ResourcePolicy;
export function parsePolicy(text: string, kind: PolicyKind, options?: ParseOptions): IdentityPolicy | TrustPolicy | ResourcePolicy;
/** Parses and validates a document, or throws MalformedPolicyDocument. */
export function parsePolicy(text: string, kind: PolicyKind, options: ParseOptions = {}): IdentityPolicy | TrustPolicy | ResourcePolicy {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    // IAM words the same mistake differently for a role's trust policy.
    throw malformed(kind === 'trust' ? 'This policy contains invalid Json' : SYNTAX);
  }
  if (!isObject(doc)) throw malformed(SYNTAX);
  for (const k of Object.keys(doc)) if (!TOP_KEYS.has(k)) throw malformed(SYNTAX);
  const rawVersion = doc['Version'];
  if (rawVersion !== undefined && rawVersion !== '2012-10-17' && rawVersion !== '2008-10-17') {
    throw malformed('The policy failed legacy parsing');
  }
  const version: PolicyVersion = rawVersion ?? '2008-10-17';
  const rawStatements = doc['Statement'];
  const list = Array.isArray(rawStatements) ? rawStatements : rawStatements === undefined ? [] : [rawStatements];
  if (list.length === 0) throw malformed(SYNTAX);

  const sids = new Set<string>();
  const statements = list.map((s) => {
    if (!isObject(s)) throw malformed(SYNTAX);
    for (const k of Object.keys(s)) if (!STATEMENT_KEYS.has(k)) throw malformed(SYNTAX);
    const sid = s['Sid'];
    if (sid !== undefined && typeof sid !== 'string') throw malformed(SYNTAX);
    if (sid) {
      if (sids.has(sid)) throw malformed('Statement IDs (SID) in a single policy must be unique.');
      sids.add(sid);
    }
    const effect = s['Effect'];
    if (effect !== 'Allow' && effect !== 'Deny') throw malformed(SYNTAX);
    const actions = patternList(s, 'Action', 'NotAction', 'Policy statement must contain actions.')!;
    for (const a of actions.patterns) checkVendorPrefixed(a);
    const conditions = parseConditions(s['Condition']);
    const base = { sid: sid || undefined, effect, actions, conditions } as const;

    const principalsOf = (): { negated: boolean; spec: PrincipalSpec } => {
      const hasP = s['Principal'] !== undefined;
      const hasNotP = s['NotPrincipal'] !== undefined;
      if (!hasP && !hasNotP) throw malformed('Missing required field Principal');
      if (hasP && hasNotP) throw malformed(SYNTAX);
      return { negated: hasNotP, spec: parsePrincipal(hasP ? s['Principal'] : s['NotPrincipal']) };
    };
    const resourcesOf = (): PatternList => {
      const resources = patternList(s, 'Resource', 'NotResource', 'Policy statement must contain resources.')!;
      for (const r of resources.patterns) {
        if (r !== '*' && !/^arn:[^:]*:[^:]*:[^:]*:[^:]*:/.test(r) && !options.otherResource?.(r)) throw malformed(`Resource ${r} must be in ARN format or "*".`);
      }
      return resources;
    };
    if (kind === 'identity') {
      if (s['Principal'] !== undefined || s['NotPrincipal'] !== undefined) throw malformed('Policy document should not specify a principal.');
      return { ...base, resources: resourcesOf() } satisfies IdentityStatement;
    }
    if (kind === 'resource') return { ...base, resources: resourcesOf(), principals: principalsOf() } satisfies ResourceStatement;
    if (s['Resource'] !== undefined) throw malformed('Has prohibited field Resource');
    if (s['NotResource'] !== undefined) throw malformed('Has prohibited field NotResource');
    for (const a of actions.patterns) {
      if (!actions.negated && !TRUST_ACTIONS.test(a)) throw malformed('AssumeRole policy may only specify STS AssumeRole actions.');
    }
    return { ...base, principals: principalsOf() } satisfies TrustStatement;
  });
  return { version, statements } as IdentityPolicy | TrustPolicy | ResourcePolicy;
}

/**
 * What a stored document that does not parse is evaluated as: a Deny of
 * everything to everyone. Documents are validated on the way in, so this is
 * only for state written before that (or by hand): failing closed keeps a
 * Deny the owner meant from being ignored, and the account root, which no
 * policy binds, can still replace the document.
 */
const ALL: PatternList = { negated: false, patterns: ['*'] };
const ANYONE = { negated: false, spec: { any: true } } as const;
const UNREADABLE = {
  identity: { version: '2012-10-17', statements: [{ sid: 'Unreadable', effect: 'Deny', actions: ALL, resources: ALL, conditions: [] }] } satisfies IdentityPolicy,
  trust: { version: '2012-10-17', statements: [{ sid: 'Unreadable', effect: 'Deny', actions: ALL, principals: ANYONE, conditions: [] }] } satisfies TrustPolicy,
  resource: { version: '2012-10-17', statements: [{ sid: 'Unreadable', effect: 'Deny', actions: ALL, resources: ALL, principals: ANYONE, conditions: [] }] } satisfies ResourcePolicy,
} as const;

// Parsing is pure, and the same few documents are evaluated on every request.
const cache = new Map<string, IdentityPolicy | TrustPolicy | ResourcePolicy>();

/** parsePolicy for evaluation, memoised by document text; a document that does not parse denies everything. */
export function cachedPolicy(text: string, kind: 'identity'): IdentityPolicy;
export function cachedPolicy(text: string, kind: 'trust'): TrustPolicy;
export function cachedPolicy(text: string, kind: 'resource'): ResourcePolicy;
export function cachedPolicy(text: string, kind: PolicyKind): IdentityPolicy | TrustPolicy | ResourcePolicy {
  const key = kind[0] + text;
  let p = cache.get(key);
  if (!p) {
    if (cache.size > 2_000) cache.clear();
    try {
      p = parsePolicy(text, kind);
    } catch {
      p = UNREADABLE[kind];
    }
    cache.set(key, p);
  }
  return p;
}
