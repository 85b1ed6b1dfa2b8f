/**
 * Verifying SigV4 requests, signed in the Authorization header or presigned
 * in the query string. Verification is split in two so the caller can look
 * the secret up in between: `parseAuth` reads what the request claims
 * (who, when, what was signed), `verifyTime` and `verifySignature` check it.
 */
import { timingSafeEqual } from 'node:crypto';
import { failure, SIGNATURE_MISMATCH_MESSAGE, type AuthFailure } from '../auth-errors.js';
import {
  ALGORITHM,
  canonicalRequest,
  sha256Hex,
  signString,
  stringToSign,
  UNSIGNED_PAYLOAD,
  type CredentialScope,
  type SignableRequest,
} from './canonical.js';

/** How far a request's date may be from the server clock. */
export const MAX_SKEW_MS = 15 * 60_000;
/** Longest validity of a presigned URL (seven days), as AWS allows. */
export const MAX_PRESIGN_SECONDS = 604_800;

export interface ParsedAuth {
  readonly style: 'header' | 'query';
  readonly accessKeyId: string;
  readonly scope: CredentialScope;
  readonly signedHeaders: readonly string[];
  readonly signature: string;
  /** YYYYMMDD'T'HHMMSS'Z' */
  readonly amzDate: string;
  /** Presigned URLs: seconds the signature stays valid. */
  readonly expires: number | undefined;
  readonly sessionToken: string | undefined;
}

export type Parsed = { readonly ok: true; readonly auth: ParsedAuth } | { readonly ok: false; readonly failure: AuthFailure };

const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

export function parseAmzDate(s: string): number | undefined {
  const m = AMZ_DATE.exec(s);
  if (!m) return undefined;
  const t = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
  return Number.isNaN(t) ? undefined : t;
}

export const formatAmzDate = (ms: number): string => new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');

const header = (req: SignableRequest, name: string): string | undefined => {
  const v = req.headers[name];
  return v === undefined ? undefined : typeof v === 'string' ? v : v.join(',');
};

function queryParams(rawQuery: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of new URLSearchParams(rawQuery.replace(/\+/g, '%2B'))) if (!out.has(k)) out.set(k, v);
  return out;
}

/** The service a request's credential scope names, if it is signed (used for routing). */
export function scopeServiceOf(req: Pick<SignableRequest, 'headers' | 'rawQuery'>): string | undefined {
  const auth = header(req as SignableRequest, 'authorization');
  const m = auth ? /Credential=[^/,\s]+\/\d{8}\/[^/]+\/([^/]+)\/aws4_request/.exec(auth) : null;
  if (m) return m[1];
  if (!req.rawQuery.includes('X-Amz-Credential')) return undefined;
  const cred = queryParams(req.rawQuery).get('X-Amz-Credential');
  return cred?.split('/')[3];
}

function parseCredential(value: string, failureKind: 'IncompleteSignature'): { accessKeyId: string; scope: CredentialScope } | AuthFailure {
  const parts = value.split('/');
  if (parts.length !== 5 || parts[0] === '') return failure(failureKind, `Credential should be scoped to a valid region. `);
  const [accessKeyId, date, region, service, terminator] = parts as [string, string, string, string, string];
  if (terminator !== 'aws4_request') {
    return failure(failureKind, `Credential should be scoped with a valid terminator: 'aws4_request', not '${terminator}'. `);
  }
  if (!/^\d{8}$/.test(date)) return failure(failureKind, `Credential should be scoped to a valid date. `);
  return { accessKeyId, scope: { date, region, service } };
}

function parseHeaderAuth(req: SignableRequest, value: string): Parsed {
  const trimmed = value.trim();
  const space = trimmed.indexOf(' ');
  const algorithm = space < 0 ? trimmed : trimmed.slice(0, space);
  const params = new Map<string, string>();
  if (space >= 0) {
    for (const piece of trimmed.slice(space + 1).split(',')) {
      const eq = piece.indexOf('=');
      if (eq > 0) params.set(piece.slice(0, eq).trim(), piece.slice(eq + 1).trim());
    }
  }
  const amzDate = header(req, 'x-amz-date') ?? dateHeaderAsAmz(header(req, 'date'));
  const missing: string[] = [];
  if (algorithm !== ALGORITHM) missing.push(`Unsupported AWS 'algorithm': '${algorithm}'.`);
  for (const p of ['Credential', 'Signature', 'SignedHeaders']) {
    if (!params.get(p)) missing.push(`Authorization header requires '${p}' parameter.`);
  }
  if (amzDate === undefined) missing.push(`Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.`);
  if (missing.length > 0) return { ok: false, failure: failure('IncompleteSignature', `${missing.join(' ')} Authorization=${value}`) };
  const cred = parseCredential(params.get('Credential')!, 'IncompleteSignature');
  if ('kind' in cred) return { ok: false, failure: cred };
  const signedHeaders = params.get('SignedHeaders')!.split(';').map((h) => h.trim().toLowerCase());
  return finish(req, {
    style: 'header',
    ...cred,
    signedHeaders,
    signature: params.get('Signature')!,
    amzDate: amzDate!,
    expires: undefined,
    sessionToken: header(req, 'x-amz-security-token'),
  });
}

function parseQueryAuth(req: SignableRequest, q: Map<string, string>): Parsed {
  const missing: string[] = [];
  for (const p of ['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Signature', 'X-Amz-SignedHeaders', 'X-Amz-Date']) {
    if (!q.get(p)) missing.push(`AWS query-string parameters must include '${p}'.`);
  }
  if (missing.length > 0) return { ok: false, failure: failure('IncompleteSignature', `${missing.join(' ')} Re-examine the query-string parameters.`) };
  if (q.get('X-Amz-Algorithm') !== ALGORITHM) {
    return { ok: false, failure: failure('IncompleteSignature', `Unsupported AWS 'algorithm': '${q.get('X-Amz-Algorithm')}'.`) };
  }
  const cred = parseCredential(q.get('X-Amz-Credential')!, 'IncompleteSignature');
  if ('kind' in cred) return { ok: false, failure: cred };
  let expires: number | undefined;
  const rawExpires = q.get('X-Amz-Expires');
  if (rawExpires !== undefined) {
    expires = Number(rawExpires);
    if (!/^\d+$/.test(rawExpires) || expires > MAX_PRESIGN_SECONDS) {
      return { ok: false, failure: failure('IncompleteSignature', `X-Amz-Expires must be a whole number of seconds less than a week (${MAX_PRESIGN_SECONDS}).`) };
    }
  }
  return finish(req, {
    style: 'query',
    ...cred,
    signedHeaders: q.get('X-Amz-SignedHeaders')!.split(';').map((h) => h.trim().toLowerCase()),
    signature: q.get('X-Amz-Signature')!,
    amzDate: q.get('X-Amz-Date')!,
    expires,
    sessionToken: q.get('X-Amz-Security-Token') ?? header(req, 'x-amz-security-token'),
  });
}

/** Checks shared by both styles once the parts are known. */
function finish(req: SignableRequest, auth: ParsedAuth): Parsed {
  if (parseAmzDate(auth.amzDate) === undefined) {
    return { ok: false, failure: failure('IncompleteSignature', `Date must be in ISO-8601 'basic format'. Got '${auth.amzDate}'. See http://en.wikipedia.org/wiki/ISO_8601`) };
  }
  if (!auth.signedHeaders.includes('host') && !auth.signedHeaders.includes(':authority')) {
    return { ok: false, failure: failure('SignatureDoesNotMatch', `'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.`) };
  }
  if (auth.amzDate.slice(0, 8) !== auth.scope.date) {
    return {
      ok: false,
      failure: failure(
        'SignatureDoesNotMatch',
        `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${auth.scope.date}' != '${auth.amzDate.slice(0, 8)}', from '${auth.amzDate}'.`,
      ),
    };
  }
  return { ok: true, auth };
}

/** An RFC 1123 `Date` header in SigV4's basic format, for clients that sign with it. */
function dateHeaderAsAmz(date: string | undefined): string | undefined {
  if (date === undefined) return undefined;
  const t = Date.parse(date);
  return Number.isNaN(t) ? undefined : formatAmzDate(t);
}

/** Reads the signature a request carries; MissingAuthenticationToken when it carries none. */
export function parseAuth(req: SignableRequest): Parsed {
  const authorization = header(req, 'authorization');
  if (authorization !== undefined && authorization.trim() !== '') return parseHeaderAuth(req, authorization);
  if (req.rawQuery.includes('X-Amz-')) {
    const q = queryParams(req.rawQuery);
    if (q.has('X-Amz-Signature') || q.has('X-Amz-Credential') || q.has('X-Amz-Algorithm')) return parseQueryAuth(req, q);
  }
  return { ok: false, failure: failure('MissingAuthenticationToken', 'Missing Authentication Token') };
}

/** Header-signed requests must be within 15 minutes of now; presigned ones within their X-Amz-Expires. */
export function verifyTime(auth: ParsedAuth, now: number): AuthFailure | undefined {
  const signed = parseAmzDate(auth.amzDate)!;
  const fmt = formatAmzDate;
  if (signed > now + MAX_SKEW_MS) {
    return failure('SignatureExpired', `Signature not yet current: ${auth.amzDate} is still later than ${fmt(now + MAX_SKEW_MS)} (${fmt(now)} + 15 min.)`);
  }
  if (auth.style === 'query' && auth.expires !== undefined) {
    if (now > signed + auth.expires * 1000) {
      return failure('SignatureExpired', `Signature expired: ${auth.amzDate} is now earlier than ${fmt(now - auth.expires * 1000)} (${fmt(now)} - ${auth.expires} sec.)`);
    }
    return undefined;
  }
  if (signed < now - MAX_SKEW_MS) {
    return failure('SignatureExpired', `Signature expired: ${auth.amzDate} is now earlier than ${fmt(now - MAX_SKEW_MS)} (${fmt(now)} - 15 min.)`);
  }
  return undefined;
}

/**
 * The payload hashes a signer may have used: the x-amz-content-sha256 header
 * when sent, else the body's hash; presigned URLs also as UNSIGNED-PAYLOAD
 * (botocore presigns that way, the JS SDK hashes the empty body).
 */
function payloadHashes(req: SignableRequest, auth: ParsedAuth): string[] {
  const declared = header(req, 'x-amz-content-sha256');
  const actual = sha256Hex(req.body);
  if (declared === UNSIGNED_PAYLOAD) return [UNSIGNED_PAYLOAD];
  if (declared !== undefined && declared !== actual) return [];
  return auth.style === 'query' ? [UNSIGNED_PAYLOAD, actual] : [actual];
}

/** The signature the request should carry for `secret` (first candidate payload hash). */
export function expectedSignatures(req: SignableRequest, auth: ParsedAuth, secret: string): string[] {
  const omit = auth.style === 'query' ? 'X-Amz-Signature' : undefined;
  return payloadHashes(req, auth).map((hash) =>
    signString(secret, auth.scope, stringToSign(auth.amzDate, auth.scope, canonicalRequest(req, auth.signedHeaders, hash, omit))),
  );
}

const sameHex = (a: string, b: string): boolean => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

export function verifySignature(req: SignableRequest, auth: ParsedAuth, secret: string): AuthFailure | undefined {
  const given = auth.signature.toLowerCase();
  for (const expected of expectedSignatures(req, auth, secret)) if (sameHex(expected, given)) return undefined;
  return failure('SignatureDoesNotMatch', SIGNATURE_MISMATCH_MESSAGE);
}
