/**
 * Authorization of an identity's request: gathers the policies that apply to
 * the caller (inline and attached, for a user or the role behind a session),
 * evaluates them, and words a denial as AWS does.
 */
import { makeContext, withKeys, type ContextValues, type RequestContext } from './context.js';
import { evaluateIdentityPolicies, evaluateResourcePolicy, type Decision } from './evaluate.js';
import { cachedPolicy, type IdentityPolicy } from './policy.js';
import { principalArn, principalPolicyArn, principalType, principalUserId, type AccountPrincipal } from './principal.js';
import type { IamStore } from './store.js';

/** An authenticated caller. */
export interface Identity {
  readonly principal: AccountPrincipal;
  /** The access key that signed the request, when one did. */
  readonly accessKeyId?: string;
  /** Temporary credentials: when they were issued and expire. */
  readonly session?: { readonly issuedAt: number; readonly expiresAt: number };
}

/** What the request itself contributes to the context. */
export interface RequestFacts {
  readonly sourceIp?: string;
  readonly secureTransport?: boolean;
  readonly region?: string;
  readonly now?: number;
}

export type AuthzResult = { readonly allowed: true } | { readonly allowed: false; readonly decision: Exclude<Decision, 'allow'>; readonly message: string };

const isoSeconds = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** The global condition keys Sluice knows for a caller and request. */
export function requestContext(identity: Identity, facts: RequestFacts = {}, extra: ContextValues = {}): RequestContext {
  const p = identity.principal;
  const now = facts.now ?? Date.now();
  const ip = facts.sourceIp?.startsWith('::ffff:') ? facts.sourceIp.slice(7) : facts.sourceIp;
  const base = makeContext({
    'aws:CurrentTime': isoSeconds(now),
    'aws:EpochTime': String(Math.floor(now / 1000)),
    'aws:SourceIp': ip,
    'aws:SecureTransport': facts.secureTransport === undefined ? undefined : String(facts.secureTransport),
    'aws:RequestedRegion': facts.region,
    'aws:PrincipalArn': principalPolicyArn(p),
    'aws:PrincipalAccount': p.account,
    'aws:PrincipalType': principalType(p),
    'aws:userid': principalUserId(p),
    'aws:username': p.kind === 'user' ? p.userName : undefined,
    'aws:TokenIssueTime': identity.session ? isoSeconds(identity.session.issuedAt) : undefined,
    'aws:MultiFactorAuthPresent': identity.session ? 'false' : undefined,
  });
  return withKeys(base, extra);
}

/** AWS's wording: "User: <arn> is not authorized to perform: <action> on resource: <arn> because ..." */
export function denialMessage(
  callerArn: string,
  action: string,
  resource: string,
  decision: Exclude<Decision, 'allow'>,
  deniedBy: 'identity' | 'resource' = 'identity',
): string {
  const head = `User: ${callerArn} is not authorized to perform: ${action} on resource: ${resource}`;
  return decision === 'explicit-deny'
    ? `${head} with an explicit deny in ${deniedBy === 'resource' ? 'a resource-based' : 'an identity-based'} policy`
    : `${head} because no identity-based policy allows the ${action} action`;
}

export class Authorizer {
  private cache = new Map<string, { generation: number; policies: IdentityPolicy[] }>();

  constructor(private readonly store: IamStore) {}

  /** The identity policies that apply to a principal; the account root is not subject to any. */
  policiesOf(p: AccountPrincipal): IdentityPolicy[] | 'root' {
    if (p.kind === 'root') return 'root';
    const key = p.kind === 'user' ? `u:${p.userName.toLowerCase()}` : `r:${p.roleName.toLowerCase()}:${p.roleId}`;
    const hit = this.cache.get(key);
    if (hit && hit.generation === this.store.generation) return hit.policies;
    const entity = p.kind === 'user' ? this.store.user(p.userName) : this.store.role(p.roleName);
    // A deleted (or deleted and re-created) user or role keeps no permissions.
    const current = entity && (p.kind === 'user' ? 'userId' in entity && entity.userId === p.userId : 'roleId' in entity && entity.roleId === p.roleId);
    const policies: IdentityPolicy[] = [];
    if (entity && current) {
      for (const doc of Object.values(entity.inlinePolicies)) policies.push(cachedPolicy(doc, 'identity'));
      for (const arn of entity.attachedPolicies) {
        const m = this.store.managedPolicy(arn);
        if (m) policies.push(cachedPolicy(m.document, 'identity'));
      }
    }
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(key, { generation: this.store.generation, policies });
    return policies;
  }

  decide(identity: Identity, action: string, resource: string, context: RequestContext): Decision {
    const policies = this.policiesOf(identity.principal);
    if (policies === 'root') return 'allow';
    return evaluateIdentityPolicies(policies, { action, resource, context });
  }

  /**
   * Identity policies, and the resource's own policy when it has one: an
   * explicit Deny in either denies; otherwise an Allow in either allows.
   */
  authorize(identity: Identity, action: string, resource: string, context: RequestContext, resourcePolicy?: string): AuthzResult {
    const decision = this.decide(identity, action, resource, context);
    const onResource = resourcePolicy === undefined ? 'implicit-deny' : evaluateResourcePolicy(cachedPolicy(resourcePolicy, 'resource'), identity.principal, { action, resource, context });
    const caller = principalArn(identity.principal);
    if (onResource === 'explicit-deny') return { allowed: false, decision: onResource, message: denialMessage(caller, action, resource, onResource, 'resource') };
    if (decision === 'allow' || onResource === 'allow') return { allowed: true };
    return { allowed: false, decision, message: denialMessage(caller, action, resource, decision) };
  }
}
