/**
 * --log-requests: one `request` record per request that came in over the
 * network, written when its response is ready (for a streamed response, when
 * the stream starts). Calls API Gateway makes to Kinesis in-process are part
 * of the invocation that made them and get no record of their own.
 */
import { operationName } from '../protocol/json-rpc.js';
import { queryAction } from '../protocol/query.js';
import type { Logger } from './logger.js';
import { requestFacts, trackRequest } from './request-facts.js';
import type { Handler, SluiceRequest, SluiceResponse } from './types.js';

/** What a request record holds, beyond time, level and type. */
export type RequestRecord = {
  readonly requestId: string;
  readonly service?: string;
  readonly operation?: string;
  readonly apiId?: string;
  readonly stage?: string;
  readonly route?: string;
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly latencyMs: number;
  /** The AWS error code of a failed call (x-amzn-ErrorType, or Code in a Query/XML error). */
  readonly errorType?: string;
};

export function withRequestLog(handler: Handler, logger: Logger): Handler {
  return async (req) => {
    trackRequest(req);
    const started = performance.now();
    let res: SluiceResponse;
    try {
      res = await handler(req);
    } catch (e) {
      // The transport answers 500 InternalFailure for this; the record says so too.
      write(logger, describe(req, 500, performance.now() - started, 'InternalFailure'));
      throw e;
    }
    if (logger.enabled('info')) write(logger, describe(req, res.status, performance.now() - started, errorTypeOf(res)));
    return res;
  };
}

function describe(req: SluiceRequest, status: number, latency: number, errorType: string | undefined): RequestRecord {
  const facts = requestFacts(req) ?? {};
  const operation = facts.operation ?? (facts.apiId === undefined ? namedOperation(req) : undefined);
  return {
    requestId: req.requestId,
    ...(facts.service !== undefined ? { service: facts.service } : {}),
    ...(operation !== undefined ? { operation } : {}),
    ...(facts.apiId !== undefined ? { apiId: facts.apiId, stage: facts.stage } : {}),
    ...(facts.route !== undefined ? { route: facts.route } : {}),
    method: req.method,
    path: req.path,
    status,
    latencyMs: Math.round(latency * 10) / 10,
    ...(errorType !== undefined ? { errorType } : {}),
  };
}

/**
 * The operation a request names when no protocol got to read it (the auth
 * guard refused it first): the X-Amz-Target of JSON/CBOR calls, the Action of
 * Query calls.
 */
function namedOperation(req: SluiceRequest): string | undefined {
  const target = req.headers['x-amz-target'];
  if (target !== undefined) return operationName(req, target.slice(0, target.lastIndexOf('.')));
  return queryAction(req)?.action;
}

const XML_CODE = /<Code>([^<]*)<\/Code>/;

function errorTypeOf(res: SluiceResponse): string | undefined {
  if (res.status < 400) return undefined;
  const header = res.headers['x-amzn-errortype'];
  // AWS may append ":<url>" to the code in this header.
  if (header !== undefined) return header.split(':')[0];
  if (Buffer.isBuffer(res.body) && (res.headers['content-type'] ?? '').includes('xml')) {
    const m = XML_CODE.exec(res.body.toString('utf8', 0, Math.min(res.body.length, 4096)));
    if (m) return m[1];
  }
  return undefined;
}

function write(logger: Logger, r: RequestRecord): void {
  const what = r.apiId !== undefined
    ? `${r.apiId}/${r.stage} "${r.route ?? `${r.method} ${r.path}`}"`
    : r.operation ?? `"${r.method} ${r.path}"`;
  const rest = `${r.service ?? '-'} ${what} ${r.status} ${r.latencyMs}ms${r.errorType ? ` ${r.errorType}` : ''}`;
  logger.record('info', 'request', r, (time) => `${time} INFO request ${r.requestId} ${rest}`);
}
