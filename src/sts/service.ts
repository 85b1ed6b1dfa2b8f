/**
 * STS on the shared port (Query protocol, version 2011-06-15): AssumeRole,
 * GetCallerIdentity and GetSessionToken (see SELF_AUTHORIZED for how they
 * are authorized); any other STS operation is authorized as AWS's reference
 * says, then answered as not implemented.
 */
import { AwsError } from '../protocol/errors.js';
import { loadServiceModel } from '../protocol/model.js';
import { handleQuery, queryAction, queryErrorResponse, type QueryHandler, type QueryService } from '../protocol/query.js';
import type { Service, SluiceRequest } from '../server/types.js';
import type { AccessControl } from '../iam/access.js';
import type { Identity } from '../iam/authorizer.js';
import type { AuthHook } from '../iam/guard.js';
import type { Iam } from '../iam/iam.js';
import { principalArn, principalUserId } from '../iam/principal.js';
import { identityOf } from '../iam/request-identity.js';
import { scopeServiceOf } from '../iam/sigv4/verify.js';

export const stsModel = loadServiceModel('sts-2011-06-15.json');
const VERSION = stsModel.metadata.apiVersion;
const NAMESPACE = (stsModel.metadata as { xmlNamespace?: string }).xmlNamespace ?? '';

/** Root sessions are limited to an hour; users may ask up to 36 hours (default 12). */
const ROOT_SESSION_MAX = 3600;
const USER_SESSION_DEFAULT = 43_200;

export function isStsRequest(req: SluiceRequest): boolean {
  const scope = scopeServiceOf(req);
  if (scope !== undefined) return scope === 'sts';
  return queryAction(req)?.version === VERSION;
}

export function createStsService(iam: Iam, access: AccessControl, onInternalError?: (e: unknown) => void): Service {
  const callerOf = (req: SluiceRequest): Identity => identityOf(req) ?? iam.identify(req);

  const handlers: Record<string, QueryHandler> = {
    GetCallerIdentity: (_input, { request }) => {
      const p = callerOf(request).principal;
      return { UserId: principalUserId(p), Account: p.account, Arn: principalArn(p) };
    },

    AssumeRole: (input: { RoleArn: string; RoleSessionName: string; DurationSeconds?: number }, { request }) => {
      const caller = callerOf(request);
      const r = iam.assumeRole(caller.principal, input.RoleArn, input.RoleSessionName, input.DurationSeconds, iam.contextFor(caller, request));
      if (!r.ok) throw r.error;
      return { Credentials: r.credentials, AssumedRoleUser: { AssumedRoleId: r.assumedRoleId, Arn: r.arn } };
    },

    GetSessionToken: (input: { DurationSeconds?: number }, { request }) => {
      const caller = callerOf(request);
      const p = caller.principal;
      if (p.kind === 'assumed-role' || caller.session) {
        throw new AwsError('AccessDenied', 'Cannot call GetSessionToken with session credentials', 403);
      }
      const seconds = p.kind === 'root' ? Math.min(input.DurationSeconds ?? ROOT_SESSION_MAX, ROOT_SESSION_MAX) : (input.DurationSeconds ?? USER_SESSION_DEFAULT);
      const subject = p.kind === 'root' ? ({ kind: 'root' } as const) : ({ kind: 'user', userName: p.userName, userId: p.userId } as const);
      const issued = iam.credentials.issue(subject, seconds, iam.now());
      return {
        Credentials: {
          AccessKeyId: issued.accessKeyId,
          SecretAccessKey: issued.secretAccessKey,
          SessionToken: issued.sessionToken,
          Expiration: new Date(issued.expiresAt),
        },
      };
    },
  };

  const service: QueryService = {
    model: stsModel,
    handlers,
    authorize: (action, input, req) => {
      if (SELF_AUTHORIZED.has(action) || !access.checkedCaller(req)) return;
      access.require(req, [{ action: `sts:${action}`, resource: stsResource(iam, action, input, req) }], 'query');
    },
    onInternalError: (e: unknown) => onInternalError?.(e),
  };
  return { name: 'sts', matches: isStsRequest, handle: (req) => handleQuery(service, req) };
}

/**
 * Operations that need no permission up front: GetCallerIdentity and
 * GetSessionToken need none in AWS, and AssumeRole is decided by the role's
 * trust policy (then, for account-wide trust, the caller's policies) inside
 * Iam.assumeRole, on the role the call names.
 */
const SELF_AUTHORIZED = new Set(['AssumeRole', 'GetCallerIdentity', 'GetSessionToken']);

/** What the other operations are authorized on, as AWS's reference lists them: the role they name, the caller's user, or "*". */
function stsResource(iam: Iam, action: string, input: Record<string, unknown>, req: SluiceRequest): string {
  if (typeof input['RoleArn'] === 'string') return input['RoleArn'];
  const p = (identityOf(req) ?? iam.identify(req)).principal;
  if (action === 'GetFederationToken' && typeof input['Name'] === 'string') return `arn:aws:sts::${p.account}:federated-user/${input['Name']}`;
  return '*';
}

export function stsAuthHook(): AuthHook {
  return {
    dialect: 'query',
    signingService: 'sts',
    render: (error, req) => queryErrorResponse(error, req.requestId, NAMESPACE),
  };
}
