/**
 * The caller of a request, attached to the request object itself. The guard
 * attaches it after authenticating; API Gateway attaches the execution role's
 * identity to the requests it sends in-process, so those are authorized as
 * the role without being signed. Requests from the network cannot carry one.
 */
import type { SluiceRequest } from '../server/types.js';
import type { Identity } from './authorizer.js';

const identities = new WeakMap<object, Identity>();

/** Attaches `identity` to `req` and returns `req`. */
export function bindIdentity<R extends SluiceRequest>(req: R, identity: Identity): R {
  identities.set(req, identity);
  return req;
}

export const identityOf = (req: SluiceRequest): Identity | undefined => identities.get(req);
