/**
 * HTTP and HTTP_PROXY integrations through undici, with the integration's
 * timeout. Network failures and timeouts become typed errors the pipeline
 * turns into gateway responses.
 */
import { headersToLists, IntegrationNetworkError, IntegrationTimeoutError, withTimeout, type EndpointRequest, type EndpointResponse } from './types.js';

/** Headers undici computes itself or that must not be forwarded hop-to-hop. */
const NOT_FORWARDED = new Set(['host', 'content-length', 'connection', 'transfer-encoding', 'keep-alive', 'upgrade', 'expect', 'te', 'trailer', 'proxy-connection']);

export async function callHttp(req: EndpointRequest, timeoutMs: number): Promise<EndpointResponse> {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (!NOT_FORWARDED.has(k.toLowerCase())) headers[k] = v;
  const hasBody = req.body.length > 0 && req.method !== 'GET' && req.method !== 'HEAD';
  try {
    // Loaded on first use: most servers never call an HTTP backend.
    const { request } = await import('undici');
    return await withTimeout(timeoutMs, async (signal) => {
      const res = await request(req.uri, {
        method: req.method as 'GET',
        headers,
        body: hasBody ? req.body : null,
        signal,
      });
      const body = Buffer.from(await res.body.arrayBuffer());
      return { status: res.statusCode, headers: headersToLists(res.headers), body };
    });
  } catch (err) {
    if (err instanceof IntegrationTimeoutError) throw err;
    const e = err as { code?: string; message?: string };
    throw new IntegrationNetworkError(`${e.code ?? 'Error'}: ${e.message ?? String(err)}`);
  }
}
