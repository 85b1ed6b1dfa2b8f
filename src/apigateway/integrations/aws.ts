/**
 * AWS service integrations. The integration request is built exactly as a
 * signed HTTP request to the service would look (POST /?Action=X for action
 * URIs, the given path for path URIs) and handed to a transport chosen once:
 * in-process (the server's own dispatcher, so Kinesis sees the same
 * validation and errors as over the network) or remote (undici + SigV4 to
 * `awsEndpoint`).
 */
import type { SignatureV4 } from '@smithy/signature-v4';
import { randomUUID } from 'node:crypto';
import type { Handler, SluiceRequest, SluiceResponse } from '../../server/types.js';
import type { AwsTarget } from '../aws-uri.js';
import { headersToLists, IntegrationNetworkError, IntegrationTimeoutError, withTimeout, type EndpointRequest, type EndpointResponse } from './types.js';

export interface SigningScope {
  readonly region: string;
  readonly service: string;
}

/** Sends one service request; the transport decides where it goes. */
export type AwsTransport = (req: SluiceRequest, scope: SigningScope) => Promise<SluiceResponse>;

export function inProcessTransport(dispatch: Handler): AwsTransport {
  return (req) => dispatch(req);
}

/** Credentials from the standard environment variables (enough for Sluice-to-Sluice and CI). */
function envCredentials(): { accessKeyId: string; secretAccessKey: string; sessionToken?: string } {
  const env = process.env;
  return {
    accessKeyId: env['AWS_ACCESS_KEY_ID'] ?? 'test',
    secretAccessKey: env['AWS_SECRET_ACCESS_KEY'] ?? 'test',
    ...(env['AWS_SESSION_TOKEN'] ? { sessionToken: env['AWS_SESSION_TOKEN'] } : {}),
  };
}

export function remoteTransport(endpoint: string): AwsTransport {
  const base = new URL(endpoint);
  const signers = new Map<string, SignatureV4>();
  // The signer and HTTP client load on first use: most servers never call a remote endpoint.
  const signerFor = async (scope: SigningScope): Promise<SignatureV4> => {
    const key = `${scope.region}/${scope.service}`;
    let s = signers.get(key);
    if (!s) {
      const [{ SignatureV4 }, { Sha256 }] = await Promise.all([import('@smithy/signature-v4'), import('@aws-crypto/sha256-js')]);
      s = new SignatureV4({ credentials: async () => envCredentials(), region: scope.region, service: scope.service, sha256: Sha256 });
      signers.set(key, s);
    }
    return s;
  };
  return async (req, scope) => {
    const headers: Record<string, string> = { ...req.headers, host: base.host };
    delete headers['content-length'];
    const query: Record<string, string | string[]> = {};
    for (const [k, v] of req.query) {
      const prev = query[k];
      query[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
    }
    const signed = await (await signerFor(scope)).sign({
      method: req.method,
      protocol: base.protocol,
      hostname: base.hostname,
      ...(base.port ? { port: Number(base.port) } : {}),
      path: req.path,
      query,
      headers,
      body: req.body,
    });
    const url = `${base.origin}${req.path}${req.rawQuery ? `?${req.rawQuery}` : ''}`;
    const { request } = await import('undici');
    const res = await request(url, { method: req.method as 'POST', headers: signed.headers, body: req.body });
    const body = Buffer.from(await res.body.arrayBuffer());
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
    return { status: res.statusCode, headers: out, body };
  };
}

export interface AwsCallInput {
  readonly target: AwsTarget;
  readonly httpMethod: string;
  /** Mapped integration request parameters. */
  readonly path: Record<string, string[]>;
  readonly querystring: Record<string, string[]>;
  /** Header name as mapped → values. */
  readonly headers: Record<string, string[]>;
  readonly body: Buffer;
  readonly contentType: string;
  readonly apiId: string;
  readonly sourceIp: string;
}

/** The service request, plus what the execution log shows of it. */
export function buildAwsRequest(input: AwsCallInput): { request: SluiceRequest; endpoint: EndpointRequest } {
  const t = input.target;
  const host = `${t.subdomain ? `${t.subdomain}.` : ''}${t.service}.${t.region}.amazonaws.com`;
  const query = new URLSearchParams();
  let path: string;
  if (t.style === 'action') {
    path = '/';
    query.append('Action', t.action);
    if (t.query) for (const [k, v] of new URLSearchParams(t.query)) query.append(k, v);
  } else {
    path = t.path.replace(/\{([^}]+)\}/g, (whole, name: string) => {
      const v = input.path[name]?.[0];
      return v === undefined ? whole : encodeURIComponent(v);
    });
  }
  for (const [k, vs] of Object.entries(input.querystring)) for (const v of vs) query.append(k, v);
  const rawQuery = query.toString();

  // Shown in the log with their mapped spelling; sent lower-cased like any HTTP request.
  const shown: Record<string, string> = {};
  for (const [k, vs] of Object.entries(input.headers)) shown[k] = vs.join(',');
  const lower = new Set(Object.keys(shown).map((k) => k.toLowerCase()));
  if (!lower.has('content-type')) shown['Content-Type'] = input.contentType;
  if (!lower.has('accept')) shown['Accept'] = 'application/json';
  shown['x-amzn-apigateway-api-id'] = input.apiId;
  shown['User-Agent'] = `AmazonAPIGateway_${input.apiId}`;
  shown['X-Amz-Date'] = amzDate(new Date());
  shown['Host'] = host;
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(shown)) headers[k.toLowerCase()] = v;
  headers['content-length'] = String(input.body.length);

  const request: SluiceRequest = {
    method: input.httpMethod === 'ANY' ? 'POST' : input.httpMethod,
    path,
    rawQuery,
    query,
    headers,
    body: input.body,
    requestId: randomUUID(),
    remoteAddress: input.sourceIp,
    scheme: 'https',
  };
  return {
    request,
    endpoint: { method: request.method, uri: `https://${host}${path}${rawQuery ? `?${rawQuery}` : ''}`, headers: shown, body: input.body },
  };
}

export async function callAws(transport: AwsTransport, request: SluiceRequest, target: AwsTarget, timeoutMs: number): Promise<EndpointResponse> {
  try {
    const res = await withTimeout(timeoutMs, () => transport(request, { region: target.region, service: target.service }));
    let body: Buffer;
    if (Buffer.isBuffer(res.body)) body = res.body;
    else {
      const chunks: Buffer[] = [];
      for await (const c of res.body.chunks) chunks.push(Buffer.from(c));
      body = Buffer.concat(chunks);
    }
    return { status: res.status, headers: headersToLists(res.headers), body };
  } catch (err) {
    if (err instanceof IntegrationTimeoutError) throw err;
    throw new IntegrationNetworkError((err as Error).message ?? String(err));
  }
}

function amzDate(d: Date): string {
  return d.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}
