/** Routes each request to the first service that claims it. */
import { noteRequest } from './request-facts.js';
import type { Handler, Service, SluiceRequest, SluiceResponse } from './types.js';

function notRouted(req: SluiceRequest): SluiceResponse {
  const message = `No Sluice service handles ${req.method} ${req.path}. Kinesis is addressed by X-Amz-Target ` +
    '(Kinesis_20131202.<Action>), API Gateway invoke URLs by /restapis/{id}/{stage}/_user_request_/...';
  return {
    status: 404,
    headers: { 'content-type': 'application/json', 'x-amzn-errortype': 'UnknownOperationException' },
    body: Buffer.from(JSON.stringify({ __type: 'UnknownOperationException', message })),
  };
}

/**
 * `guard` (iam: src/iam/guard.ts) authenticates a request for the service that
 * claimed it (the signature, from headers and the payload hash), answering it
 * when it must be refused, before the service decodes its body. Authorization
 * comes later, in each protocol's hook, once the target resource is known.
 */
export type DispatchGuard = (serviceName: string, req: SluiceRequest) => Promise<SluiceResponse | undefined>;

export function createDispatcher(services: () => readonly Service[], guard?: DispatchGuard): Handler {
  return async (req) => {
    for (const s of services()) {
      if (!s.matches(req)) continue;
      noteRequest(req, { service: s.name });
      const refused = guard ? await guard(s.name, req) : undefined;
      return refused ?? s.handle(req);
    }
    return notRouted(req);
  };
}
