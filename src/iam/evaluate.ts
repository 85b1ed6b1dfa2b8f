/**
 * IAM's evaluation logic for one account: a matching Deny statement denies
 * (explicit deny); otherwise a matching Allow allows; otherwise the request
 * is denied by default (implicit deny). Permissions boundaries, SCPs and
 * session policies are not modelled (see docs/iam.md).
 */
import { arnMatch, globMatch, parseArn, tokensToRegExp } from './arn.js';
import { conditionsHold } from './conditions.js';
import type { RequestContext } from './context.js';
import type { IdentityPolicy, IdentityStatement, PatternList, PrincipalSpec, ResourcePolicy, TrustPolicy, TrustStatement } from './policy.js';
import type { Principal } from './principal.js';
import { resolvePattern } from './variables.js';

export type Decision = 'allow' | 'explicit-deny' | 'implicit-deny';

export interface AuthzRequest {
  /** service:Action, e.g. kinesis:PutRecord. */
  readonly action: string;
  /** The resource ARN, or "*" for actions without a resource. */
  readonly resource: string;
  readonly context: RequestContext;
}

function actionMatches(list: PatternList, action: string): boolean {
  const any = list.patterns.some((p) => globMatch(p, action, true));
  return list.negated ? !any : any;
}

function resourcePatternMatches(pattern: string, resource: string, ctx: RequestContext, variables: boolean): boolean {
  if (!variables || !pattern.includes('${')) return arnMatch(pattern, resource);
  const tokens = resolvePattern(pattern, ctx, variables);
  return tokens !== undefined && tokensToRegExp(tokens, false).test(resource);
}

function resourceMatches(list: PatternList, resource: string, ctx: RequestContext, variables: boolean): boolean {
  const any = list.patterns.some((p) => resourcePatternMatches(p, resource, ctx, variables));
  return list.negated ? !any : any;
}

export function statementApplies(stmt: IdentityStatement, req: AuthzRequest, variables: boolean): boolean {
  return (
    actionMatches(stmt.actions, req.action) &&
    resourceMatches(stmt.resources, req.resource, req.context, variables) &&
    conditionsHold(stmt.conditions, req.context, variables)
  );
}

/** The decision over every identity policy that applies to the caller. */
export function evaluateIdentityPolicies(policies: readonly IdentityPolicy[], req: AuthzRequest): Decision {
  let allowed = false;
  for (const policy of policies) {
    const variables = policy.version === '2012-10-17';
    for (const stmt of policy.statements) {
      if (!statementApplies(stmt, req, variables)) continue;
      if (stmt.effect === 'Deny') return 'explicit-deny';
      allowed = true;
    }
  }
  return allowed ? 'allow' : 'implicit-deny';
}

// ---------------------------------------------------------------- trust policies

/**
 * How a trust policy admits a caller. Naming the caller itself (or a service)
 * is enough on its own; naming the caller's account only delegates to that
 * account, whose identity policies must then allow sts:AssumeRole too.
 */
export type TrustDecision = 'allow' | 'allow-account' | 'explicit-deny' | 'implicit-deny';

type PrincipalMatch = 'direct' | 'account' | 'none';

function matchPrincipal(spec: PrincipalSpec, caller: Principal): PrincipalMatch {
  if (spec.any) return 'direct';
  if (caller.kind === 'service') {
    return spec.service.some((s) => s.toLowerCase() === caller.service.toLowerCase()) ? 'direct' : 'none';
  }
  let best: PrincipalMatch = 'none';
  for (const entry of spec.aws) {
    if (entry === '*') return 'direct';
    if (/^\d{12}$/.test(entry)) {
      if (entry === caller.account) best = 'account';
      continue;
    }
    const arn = parseArn(entry);
    if (!arn || arn.account !== caller.account) continue;
    if (arn.service === 'iam' && arn.resource === 'root') {
      best = 'account';
      continue;
    }
    if (caller.kind === 'user' && arn.service === 'iam' && entry === caller.arn) return 'direct';
    if (caller.kind === 'assumed-role') {
      if (arn.service === 'iam' && entry === caller.roleArn) return 'direct';
      if (arn.service === 'sts' && arn.resource === `assumed-role/${caller.roleName}/${caller.sessionName}`) return 'direct';
    }
  }
  return best;
}

function trustStatementApplies(stmt: TrustStatement, caller: Principal, action: string, ctx: RequestContext, variables: boolean): PrincipalMatch {
  if (!actionMatches(stmt.actions, action) || !conditionsHold(stmt.conditions, ctx, variables)) return 'none';
  const m = matchPrincipal(stmt.principals.spec, caller);
  if (!stmt.principals.negated) return m;
  return m === 'none' ? 'direct' : 'none';
}

export function evaluateTrustPolicy(policy: TrustPolicy, caller: Principal, action: string, ctx: RequestContext): TrustDecision {
  const variables = policy.version === '2012-10-17';
  let decision: TrustDecision = 'implicit-deny';
  for (const stmt of policy.statements) {
    const m = trustStatementApplies(stmt, caller, action, ctx, variables);
    if (m === 'none') continue;
    if (stmt.effect === 'Deny') return 'explicit-deny';
    if (m === 'direct') decision = 'allow';
    else if (decision === 'implicit-deny') decision = 'allow-account';
  }
  return decision;
}

// ---------------------------------------------------------------- resource policies

/**
 * A resource-based policy's say on a request. Within one account, a statement
 * naming the caller itself allows on its own; one naming only the account
 * leaves the decision to the caller's identity policies (so it adds nothing).
 */
export function evaluateResourcePolicy(policy: ResourcePolicy, caller: Principal, req: AuthzRequest): Decision {
  const variables = policy.version === '2012-10-17';
  let allowed = false;
  for (const stmt of policy.statements) {
    if (!statementApplies(stmt, req, variables)) continue;
    const m = matchPrincipal(stmt.principals.spec, caller);
    const named = stmt.principals.negated ? (m === 'none' ? 'direct' : 'none') : m;
    if (named === 'none') continue;
    if (stmt.effect === 'Deny') return 'explicit-deny';
    if (named === 'direct') allowed = true;
  }
  return allowed ? 'allow' : 'implicit-deny';
}
