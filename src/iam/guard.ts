/**
 * The dispatcher's authentication step. Each guarded service supplies a hook
 * saying which SigV4 service its clients sign for and how its errors look on
 * the wire. Authorization is not decided here: a service decides it once it
 * has parsed the call and resolved the resource the call acts on (access.ts),
 * so the decision is made on exactly what the action then touches.
 *
 *  - A request that already carries an identity (API Gateway's in-process
 *    calls under an execution role) is left as it is.
 *  - With --auth sigv4, any other request is verified before its body is read,
 *    and the caller's identity is attached to it.
 *  - With --auth off, nothing is checked (STS and IAM still identify the
 *    caller by its access key, for GetCallerIdentity and trust policies).
 */
import type { AwsError } from '../protocol/errors.js';
import type { SluiceRequest, SluiceResponse } from '../server/types.js';
import { authError, type Dialect } from './auth-errors.js';
import type { Iam } from './iam.js';
import { bindIdentity, identityOf } from './request-identity.js';

export interface AuthHook {
  readonly dialect: Dialect;
  /** The service name in the credential scope (kinesis, iam, sts, apigateway). */
  readonly signingService: string;
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

/** For a service without a hook: authenticated with any signing scope. */
const authenticateOnly: AuthHook = {
  dialect: 'rest-json',
  signingService: '',
  render: (error) => ({
    status: error.status,
    headers: { 'content-type': 'application/json', 'x-amzn-errortype': error.code },
    body: Buffer.from(JSON.stringify({ message: error.message })),
  }),
};

export function createGuard(iam: Iam, hooks: Readonly<Record<string, AuthHook>>): Guard {
  return async (serviceName, req) => {
    if (UNGUARDED.has(serviceName) && !Object.hasOwn(hooks, serviceName)) return undefined;
    if (identityOf(req)) return undefined;
    // Handlers that need the caller (STS, IAM) identify it themselves when auth is off.
    if (iam.options.auth === 'off') return undefined;
    const hook = Object.hasOwn(hooks, serviceName) ? hooks[serviceName]! : authenticateOnly;
    const auth = iam.authenticate(req, hook.signingService || undefined);
    if (!auth.ok) return hook.render(authError(auth.failure, hook.dialect), req);
    bindIdentity(req, auth.identity);
    return undefined;
  };
}
