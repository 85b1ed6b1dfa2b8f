/** Raw requests signed with SigV4, for tests that craft bodies no SDK would send. */
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';

export interface Keys {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export interface SignedRequest {
  readonly service: string;
  readonly method?: string;
  /** Path, percent-encoded as it goes on the wire. */
  readonly path?: string;
  readonly query?: Record<string, string>;
  readonly headers?: Record<string, string>;
  readonly body?: string | Buffer;
}

export interface RawResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly buffer: Buffer;
  readonly text: string;
  /** The body parsed as JSON, or undefined. */
  readonly json: any;
}

export async function signedFetch(baseUrl: string, keys: Keys | undefined, r: SignedRequest): Promise<RawResponse> {
  const url = new URL(baseUrl);
  const method = r.method ?? 'POST';
  const path = r.path ?? '/';
  const body = r.body === undefined ? undefined : Buffer.isBuffer(r.body) ? r.body : Buffer.from(r.body);
  let headers: Record<string, string> = { host: url.host, ...(r.headers ?? {}) };
  if (keys) {
    const signer = new SignatureV4({ credentials: keys, region: 'us-east-1', service: r.service, sha256: Sha256 });
    const signed = await signer.sign({
      method,
      protocol: 'http:',
      hostname: url.hostname,
      port: Number(url.port),
      path,
      query: r.query ?? {},
      headers,
      ...(body ? { body } : {}),
    });
    headers = signed.headers as Record<string, string>;
  }
  const qs = r.query && Object.keys(r.query).length > 0 ? `?${new URLSearchParams(r.query).toString()}` : '';
  const { host: _host, ...sendHeaders } = headers;
  const res = await fetch(`${url.origin}${path}${qs}`, { method, headers: sendHeaders, ...(body ? { body } : {}) });
  const buffer = Buffer.from(await res.arrayBuffer());
  const text = buffer.toString('utf8');
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, buffer, text, json };
}
