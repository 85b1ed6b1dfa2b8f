/**
 * Authentication and authorization failures, kept protocol-neutral until the
 * last moment: each AWS protocol family names and numbers them differently
 * (Kinesis: 400 InvalidSignatureException; IAM/STS: 403 SignatureDoesNotMatch;
 * API Gateway: 403 InvalidSignatureException), with the same messages.
 */
import { AwsError } from '../protocol/errors.js';

export type AuthFailureKind =
  | 'MissingAuthenticationToken'
  | 'IncompleteSignature'
  | 'SignatureDoesNotMatch'
  | 'SignatureExpired'
  | 'InvalidClientTokenId'
  | 'ExpiredToken'
  | 'AccessDenied';

export interface AuthFailure {
  readonly kind: AuthFailureKind;
  readonly message: string;
}

/** json: awsJson/CBOR services (Kinesis); query: IAM and STS; rest-json: API Gateway. */
export type Dialect = 'json' | 'query' | 'rest-json';

export const SIGNATURE_MISMATCH_MESSAGE =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';
export const INVALID_TOKEN_MESSAGE = 'The security token included in the request is invalid.';
export const EXPIRED_TOKEN_MESSAGE = 'The security token included in the request is expired';

export const failure = (kind: AuthFailureKind, message: string): AuthFailure => ({ kind, message });

const CODES: Record<Dialect, Record<AuthFailureKind, [code: string, status: number]>> = {
  json: {
    MissingAuthenticationToken: ['MissingAuthenticationTokenException', 400],
    IncompleteSignature: ['IncompleteSignatureException', 400],
    SignatureDoesNotMatch: ['InvalidSignatureException', 400],
    SignatureExpired: ['InvalidSignatureException', 400],
    InvalidClientTokenId: ['UnrecognizedClientException', 400],
    ExpiredToken: ['ExpiredTokenException', 400],
    AccessDenied: ['AccessDeniedException', 400],
  },
  query: {
    MissingAuthenticationToken: ['MissingAuthenticationToken', 403],
    IncompleteSignature: ['IncompleteSignature', 400],
    SignatureDoesNotMatch: ['SignatureDoesNotMatch', 403],
    SignatureExpired: ['SignatureDoesNotMatch', 403],
    InvalidClientTokenId: ['InvalidClientTokenId', 403],
    ExpiredToken: ['ExpiredToken', 403],
    AccessDenied: ['AccessDenied', 403],
  },
  'rest-json': {
    MissingAuthenticationToken: ['MissingAuthenticationTokenException', 403],
    IncompleteSignature: ['IncompleteSignatureException', 403],
    SignatureDoesNotMatch: ['InvalidSignatureException', 403],
    SignatureExpired: ['InvalidSignatureException', 403],
    InvalidClientTokenId: ['UnrecognizedClientException', 403],
    ExpiredToken: ['ExpiredTokenException', 403],
    AccessDenied: ['AccessDeniedException', 403],
  },
};

/** The wording differs for a missing token: Query services phrase it as a sentence. */
function messageFor(f: AuthFailure, dialect: Dialect): string {
  if (f.kind === 'MissingAuthenticationToken' && dialect === 'query') return 'Request is missing Authentication Token';
  return f.message;
}

export function authError(f: AuthFailure, dialect: Dialect): AwsError {
  const [code, status] = CODES[dialect][f.kind];
  return new AwsError(code, messageFor(f, dialect), status);
}
