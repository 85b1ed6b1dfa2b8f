/**
 * Authorization as services ask for it. A service resolves what a parsed call
 * acts on (from the members its operation declares, nothing else), turns that
 * into the permissions AWS's Service Authorization Reference says the call
 * needs, and asks `require` for them before acting. The guard in front of the
 * services only authenticates; deciding happens here, on the resolved
 * resource, so the decision and the action cannot disagree about what they touch.
 */
import type { SluiceRequest } from '../server/types.js';
import { authError, failure, type Dialect } from './auth-errors.js';
import type { Identity } from './authorizer.js';
import type { ContextValues } from './context.js';
import type { Iam } from './iam.js';
import { identityOf } from './request-identity.js';

/** One permission a call needs: an IAM action on one resource. */
export interface Permission {
  /** service:Action, e.g. kinesis:PutRecord. */
  readonly action: string;
  /** The resource's ARN, or "*" for actions AWS authorizes on no resource. */
  readonly resource: string;
  /** Service and request condition keys (kinesis:..., aws:ResourceTag/..., iam:PolicyARN). */
  readonly context?: ContextValues;
  /** The resource's own policy (a resource-based policy), when it has one. */
  readonly resourcePolicy?: string | undefined;
}

export interface AccessControl {
  /**
   * The caller whose permissions a request is checked against, or undefined
   * when nothing is checked: unauthenticated requests under --auth off, and
   * the account root, which may do anything.
   */
  checkedCaller(req: SluiceRequest): Identity | undefined;
  /** Throws the AccessDenied the service's protocol words (`dialect`) unless the caller holds every permission. */
  require(req: SluiceRequest, permissions: readonly Permission[], dialect: Dialect): void;
}

/** For services run without IAM (unit tests, tools): nothing is checked. */
export const allowAll: AccessControl = {
  checkedCaller: () => undefined,
  require: () => {},
};

export function createAccessControl(iam: Iam): AccessControl {
  const checkedCaller = (req: SluiceRequest): Identity | undefined => {
    const identity = identityOf(req);
    return identity && identity.principal.kind !== 'root' ? identity : undefined;
  };
  return {
    checkedCaller,
    require(req, permissions, dialect) {
      const identity = checkedCaller(req);
      if (!identity) return;
      for (const p of permissions) {
        const result = iam.authorize(identity, p.action, p.resource, iam.contextFor(identity, req, p.context), p.resourcePolicy);
        if (!result.allowed) throw authError(failure('AccessDenied', result.message), dialect);
      }
    },
  };
}

/** The request tag condition keys for tags a call sets: aws:RequestTag/<key> and aws:TagKeys. */
export function requestTagKeys(tags: Readonly<Record<string, string>> | undefined, tagKeys?: readonly string[]): ContextValues {
  const out: Record<string, string | readonly string[]> = {};
  const keys = tagKeys ? [...tagKeys] : [];
  if (tags) {
    for (const [k, v] of Object.entries(tags)) {
      out[`aws:RequestTag/${k}`] = v;
      keys.push(k);
    }
  }
  if (tags || tagKeys) out['aws:TagKeys'] = keys;
  return out;
}

/** aws:ResourceTag/<key> for each tag a resource has. */
export function resourceTagKeys(tags: Readonly<Record<string, string>> | undefined): ContextValues {
  const out: Record<string, string> = {};
  if (tags) for (const [k, v] of Object.entries(tags)) out[`aws:ResourceTag/${k}`] = v;
  return out;
}
