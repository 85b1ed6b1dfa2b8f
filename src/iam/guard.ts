/**
 * The dispatcher's authentication + authorization step. Each guarded service
 * supplies a hook saying which SigV4 service its clients sign for, which IAM
 * action and resource a request needs, and how its errors look on the wire.
 *
 *  - A request that already carries an identity (API Gateway's in-process
 *    calls under an execution role) is authorized as that identity.
 *  - With --auth sigv4, any other request is verified, then authorized.
 *  - With --auth off, nothing else is checked (STS and IAM still identify the
 *    caller by its access key, for GetCallerIdentity and trust policies).
 */
import type { AwsError } from '../protocol/errors.js';
import type { SluiceRequest, SluiceResponse } from '../server/types.js';
import { authError, failure, type Dialect } from './auth-errors.js';
import type { ContextValues } from './context.js';
import type { Iam } from './iam.js';
import { bindIdentity, identityOf } from './request-identity.js';

/** What a request needs permission for. */
export interface AuthTarget {
  /** service:Action */
  readonly action: string;
  /** ARN, or "*" for actions without a resource. */
  readonly resource: string;
  /** Service condition keys (kinesis:..., aws:ResourceTag/...). */
  readonly context?: ContextValues;
  /** The resource's own policy (a resource-based policy), when it has one. */
  readonly resourcePolicy?: string;
}

export interface AuthHook {
  readonly dialect: Dialect;
  /** The service name in the credential scope (kinesis, iam, sts, apigateway). */
  readonly signingService: string;
  /**
   * The action and resource, or undefined when the request needs no
   * permission or names no action this hook knows (the service then answers,
   * e.g. with UnknownOperationException).
   */
  target(req: SluiceRequest): AuthTarget | undefined;
  /** The error as the service would send it. */
  render(error: AwsError, req: SluiceRequest): SluiceResponse;
}

/** Answers the request itself when it must be refused; undefined lets the service handle it. */
export type Guard = (serviceName: string, req: SluiceRequest) => Promise<SluiceResponse | undefined>;

/**
 * Services the guard leaves alone: API Gateway invoke URLs (each method's
 * authorizationType decides, see invoke.ts) and Sluice's own /_sluice/ pages.
 */
const UNGUARDED = new Set(['execute-api', 'sluice']);

/** For a service without a hook yet: authenticated (any signing scope), not authorized. */
const authenticateOnly: AuthHook = {
  dialect: 'rest-json',
  signingService: '',
  target: () => undefined,
  render: (error) => ({
    status: error.status,
    headers: { 'content-type': 'application/json', 'x-amzn-errortype': error.code },
    body: Buffer.from(JSON.stringify({ message: error.message })),
  }),
};

export function createGuard(iam: Iam, hooks: Readonly<Record<string, AuthHook>>): Guard {
  return async (serviceName, req) => {
    if (UNGUARDED.has(serviceName) && !Object.hasOwn(hooks, serviceName)) return undefined;
    const hook = Object.hasOwn(hooks, serviceName) ? hooks[serviceName]! : authenticateOnly;
    let identity = identityOf(req);
    if (!identity) {
      // Handlers that need the caller (STS, IAM) identify it themselves when auth is off.
      if (iam.options.auth === 'off') return undefined;
      const auth = iam.authenticate(req, hook.signingService || undefined);
      if (!auth.ok) return hook.render(authError(auth.failure, hook.dialect), req);
      identity = auth.identity;
      bindIdentity(req, identity);
    }
    // The root may do anything: no need to read the body to find the resource.
    if (identity.principal.kind === 'root') return undefined;
    let target: AuthTarget | undefined;
    try {
      target = hook.target(req);
    } catch {
      // An unreadable body: the service refuses it with its own error.
      target = undefined;
    }
    if (!target) return undefined;
    const result = iam.authorize(identity, target.action, target.resource, iam.contextFor(identity, req, target.context), target.resourcePolicy);
    if (result.allowed) return undefined;
    return hook.render(authError(failure('AccessDenied', result.message), hook.dialect), req);
  };
}
