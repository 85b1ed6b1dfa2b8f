/** Routes each request to the first service that claims it. */
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

export function createDispatcher(services: () => readonly Service[]): Handler {
  return async (req) => {
    for (const s of services()) if (s.matches(req)) return s.handle(req);
    return notRouted(req);
  };
}
