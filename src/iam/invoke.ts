/**
 * Methods with authorizationType AWS_IAM: the caller must sign for
 * `execute-api` and be allowed execute-api:Invoke on the method's ARN
 * (arn:aws:execute-api:{region}:{account}:{apiId}/{stage}/{METHOD}/{path}).
 */
import type { SluiceRequest } from '../server/types.js';
import { authError, failure, type AuthFailureKind } from './auth-errors.js';
import type { Identity } from './authorizer.js';
import type { Iam } from './iam.js';
import { principalArn, principalUserId } from './principal.js';

/** The gateway response type API Gateway uses for each refusal. */
export type InvokeRefusalType = 'MISSING_AUTHENTICATION_TOKEN' | 'INVALID_SIGNATURE' | 'EXPIRED_TOKEN' | 'ACCESS_DENIED' | 'DEFAULT_4XX';

/** What `$context.identity` shows of a caller that signed (AWS_IAM methods), as API Gateway names it. */
export interface CallerFacts {
  readonly accountId: string;
  /** The principal id of the signer: AIDA... for a user, AROA...:session for a role session, the account for root. */
  readonly caller: string;
  /** The principal id authorized against the resource (the signer's, with IAM authorization). */
  readonly user: string;
  readonly userArn: string;
  readonly accessKey: string;
}

export type InvokeAuthorization =
  | { readonly ok: true; readonly identity: Identity; readonly facts: CallerFacts }
  | {
      readonly ok: false;
      readonly status: number;
      /** x-amzn-ErrorType, e.g. IncompleteSignatureException. */
      readonly errorType: string;
      readonly message: string;
      readonly gatewayResponseType: InvokeRefusalType;
    };

const RESPONSE_TYPE: Record<AuthFailureKind, InvokeRefusalType> = {
  MissingAuthenticationToken: 'MISSING_AUTHENTICATION_TOKEN',
  IncompleteSignature: 'DEFAULT_4XX',
  SignatureDoesNotMatch: 'INVALID_SIGNATURE',
  SignatureExpired: 'INVALID_SIGNATURE',
  InvalidClientTokenId: 'DEFAULT_4XX',
  ExpiredToken: 'EXPIRED_TOKEN',
  AccessDenied: 'ACCESS_DENIED',
};

/** The ARN execute-api:Invoke is checked against. `path` starts with "/". */
export const methodArn = (region: string, accountId: string, apiId: string, stage: string, httpMethod: string, path: string): string =>
  `arn:aws:execute-api:${region}:${accountId}:${apiId}/${stage}/${httpMethod.toUpperCase()}${path}`;

export function authorizeInvoke(iam: Iam, req: SluiceRequest, arn: string): InvokeAuthorization {
  const refuse = (kind: AuthFailureKind, message: string): InvokeAuthorization => {
    const e = authError(failure(kind, message), 'rest-json');
    return { ok: false, status: e.status, errorType: e.code, message: e.message, gatewayResponseType: RESPONSE_TYPE[kind] };
  };
  const auth = iam.authenticate(req, 'execute-api');
  if (!auth.ok) return refuse(auth.failure.kind, auth.failure.message);
  const result = iam.authorize(auth.identity, 'execute-api:Invoke', arn, iam.contextFor(auth.identity, req));
  if (!result.allowed) return refuse('AccessDenied', result.message);
  const principalId = principalUserId(auth.identity.principal);
  return {
    ok: true,
    identity: auth.identity,
    facts: {
      accountId: auth.identity.principal.account,
      caller: principalId,
      user: principalId,
      userArn: principalArn(auth.identity.principal),
      accessKey: auth.identity.accessKeyId ?? '',
    },
  };
}
