/** What every integration receives and returns, independent of its transport. */

export interface EndpointRequest {
  readonly method: string;
  /** Full URI as logged ("Endpoint request URI"). */
  readonly uri: string;
  /** Header name (as sent) → value. */
  readonly headers: Record<string, string>;
  readonly body: Buffer;
}

export interface EndpointResponse {
  readonly status: number;
  /** Lower-cased header name → values. */
  readonly headers: Record<string, string[]>;
  readonly body: Buffer;
}

/** The endpoint took longer than timeoutInMillis (504 INTEGRATION_TIMEOUT). */
export class IntegrationTimeoutError extends Error {
  constructor() {
    super('Execution failed due to a timeout error');
  }
}

/** The endpoint could not be reached or broke the connection (502, INTEGRATION_FAILURE). */
export class IntegrationNetworkError extends Error {}

/** The integration is set up wrongly (bad URI, unsupported type): 500 API_CONFIGURATION_ERROR. */
export class IntegrationConfigError extends Error {}

/** Runs `work` with a deadline; the timer never outlives the call. */
export async function withTimeout<T>(timeoutMs: number, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new IntegrationTimeoutError());
    }, timeoutMs);
  });
  try {
    return await Promise.race([work(controller.signal), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

export function headersToLists(h: Record<string, string | string[] | undefined>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const k in h) {
    const v = h[k];
    if (v === undefined) continue;
    out[k.toLowerCase()] = Array.isArray(v) ? v : [v];
  }
  return out;
}
