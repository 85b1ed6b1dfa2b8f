/**
 * MOCK integrations: no backend. The rendered request template chooses the
 * integration status with {"statusCode": N}; without one the status is 200.
 * The integration response then builds the method response from an empty body.
 */
import type { EndpointResponse } from './types.js';

export function mockResponse(renderedRequestBody: string): EndpointResponse {
  let status = 200;
  const t = renderedRequestBody.trim();
  if (t.startsWith('{')) {
    try {
      const parsed = JSON.parse(t) as { statusCode?: unknown };
      const n = Number(parsed.statusCode);
      if (Number.isInteger(n) && n >= 100 && n <= 599) status = n;
    } catch {
      // Not JSON: AWS also falls back to 200.
    }
  }
  return { status, headers: {}, body: Buffer.alloc(0) };
}
