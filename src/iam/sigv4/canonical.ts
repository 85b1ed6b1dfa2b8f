/**
 * Signature Version 4 canonicalization: the canonical request, the string to
 * sign and the signing key, as the AWS SDKs compute them for every service
 * but S3 (paths are normalized and their segments encoded once more).
 */
import { createHash, createHmac } from 'node:crypto';

export const ALGORITHM = 'AWS4-HMAC-SHA256';
export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';

/** What signing looks at. Header names are lower-cased; a repeated header may be given as its list of values. */
export interface SignableRequest {
  readonly method: string;
  /** Path as sent on the wire (still percent-encoded). */
  readonly path: string;
  /** Query string as sent, without "?". */
  readonly rawQuery: string;
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  readonly body: Buffer;
}

export interface CredentialScope {
  /** YYYYMMDD */
  readonly date: string;
  readonly region: string;
  readonly service: string;
}

export const scopeString = (s: CredentialScope): string => `${s.date}/${s.region}/${s.service}/aws4_request`;

export const sha256Hex = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');

/** RFC 3986 encoding: everything but A-Z a-z 0-9 - . _ ~ is percent-encoded (UTF-8). */
export function uriEncode(s: string): string {
  let out: string;
  try {
    out = encodeURIComponent(s);
  } catch {
    // Lone surrogates: encode what can be encoded, byte by byte.
    out = [...Buffer.from(s, 'utf8')].map((b) => '%' + b.toString(16).toUpperCase().padStart(2, '0')).join('');
  }
  return out.replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

function uriDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Dot segments and empty segments removed, a trailing slash kept, then each segment encoded. */
export function canonicalPath(path: string): string {
  const segments: string[] = [];
  for (const seg of path.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') segments.pop();
    else segments.push(seg);
  }
  const trailing = segments.length > 0 && path.endsWith('/') ? '/' : '';
  return '/' + segments.map(uriEncode).join('/') + trailing;
}

/** Every parameter decoded, re-encoded strictly, sorted by name then value; `omit` (X-Amz-Signature) left out. */
export function canonicalQuery(rawQuery: string, omit?: string): string {
  if (rawQuery === '') return '';
  const pairs: Array<[string, string]> = [];
  for (const part of rawQuery.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const name = uriDecode(eq >= 0 ? part.slice(0, eq) : part);
    if (omit !== undefined && name === omit) continue;
    const value = eq >= 0 ? uriDecode(part.slice(eq + 1)) : '';
    pairs.push([uriEncode(name), uriEncode(value)]);
  }
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  return pairs.map(([k, v]) => `${k}=${v}`).join('&');
}

/** Values trimmed, inner runs of whitespace (folded lines too) collapsed, repeats joined by ",". */
export function canonicalHeaderValue(v: string | readonly string[] | undefined): string {
  if (v === undefined) return '';
  const list = typeof v === 'string' ? [v] : v;
  return list.map((x) => x.trim().replace(/\s+/g, ' ')).join(',');
}

/**
 * A signed header's value. Over HTTP/2 the SDKs sign the `:authority`
 * pseudo-header, which the transport hands over as `host`.
 */
const signedHeaderValue = (req: SignableRequest, name: string): string | readonly string[] | undefined =>
  name === ':authority' ? (req.headers[':authority'] ?? req.headers['host']) : req.headers[name];

export function canonicalRequest(req: SignableRequest, signedHeaders: readonly string[], payloadHash: string, omitQuery?: string): string {
  const headerLines = signedHeaders.map((h) => `${h}:${canonicalHeaderValue(signedHeaderValue(req, h))}\n`).join('');
  return [
    req.method.toUpperCase(),
    canonicalPath(req.path),
    canonicalQuery(req.rawQuery, omitQuery),
    headerLines,
    signedHeaders.join(';'),
    payloadHash,
  ].join('\n');
}

export function stringToSign(amzDate: string, scope: CredentialScope, canonical: string): string {
  return `${ALGORITHM}\n${amzDate}\n${scopeString(scope)}\n${sha256Hex(canonical)}`;
}

const hmac = (key: Buffer | string, data: string): Buffer => createHmac('sha256', key).update(data).digest();

// The key changes once a day per credential, region and service; deriving it costs four HMACs.
const keyCache = new Map<string, Buffer>();

export function signingKey(secret: string, scope: CredentialScope): Buffer {
  const id = `${secret}\0${scope.date}\0${scope.region}\0${scope.service}`;
  let key = keyCache.get(id);
  if (!key) {
    if (keyCache.size > 1_000) keyCache.clear();
    key = hmac(hmac(hmac(hmac(`AWS4${secret}`, scope.date), scope.region), scope.service), 'aws4_request');
    keyCache.set(id, key);
  }
  return key;
}

export const signString = (secret: string, scope: CredentialScope, toSign: string): string =>
  createHmac('sha256', signingKey(secret, scope)).update(toSign).digest('hex');
