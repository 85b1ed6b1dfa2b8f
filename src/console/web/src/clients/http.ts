/** What every client shares: same-origin fetch and AWS-style errors. */

/** An error answer from one of Sluice's AWS APIs, with AWS's code and message. */
export class AwsApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'AwsApiError';
  }
}

/** The part of an error type after '#' or ':' (`com.amazon...#ResourceNotFoundException`). */
export function shortErrorType(raw: string): string {
  return raw.split(':')[0]!.split('#').pop()!.trim();
}

export interface RawResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
}

export async function send(path: string, init: RequestInit): Promise<RawResponse> {
  let res: Response;
  try {
    res = await fetch(path, { ...init, credentials: 'omit', cache: 'no-store' });
  } catch (e) {
    throw new AwsApiError('NetworkError', `Sluice did not answer (${(e as Error).message}). Is it still running?`, 0);
  }
  return { status: res.status, headers: res.headers, text: await res.text() };
}

export function errorMessage(e: unknown): string {
  if (e instanceof AwsApiError) return e.code && e.code !== 'Error' ? `${e.code}: ${e.message}` : e.message;
  return e instanceof Error ? e.message : String(e);
}
