/**
 * What a request turned out to be, noted by whoever learns it: the
 * dispatcher (which service took it), a protocol (which operation it named),
 * the API Gateway runtime (which API, stage and route). The request log
 * reads them once the response is ready. Kept beside the request object, as
 * request-identity.ts keeps the caller, so no service's signature changes;
 * and only for requests the log will read (`trackRequest`): for the others a
 * note costs one failed lookup.
 */
import type { SluiceRequest } from './types.js';

export interface RequestFacts {
  /** The dispatcher's name for the service that handled it (kinesis, iam, sts, apigateway, execute-api, sluice). */
  service?: string;
  /** The operation the request named (PutRecord, CreateRestApi...), known or not. */
  operation?: string;
  /** API Gateway invocations: the API, the stage and the matched route (`GET /streams/{stream-name}`). */
  apiId?: string;
  stage?: string;
  route?: string;
}

const facts = new WeakMap<object, RequestFacts>();

/** From now on, what is noted about `req` is kept. */
export function trackRequest(req: SluiceRequest): void {
  facts.set(req, {});
}

export function noteRequest(req: SluiceRequest, more: RequestFacts): void {
  const known = facts.get(req);
  if (known) Object.assign(known, more);
}

export const requestFacts = (req: SluiceRequest): RequestFacts | undefined => facts.get(req);
