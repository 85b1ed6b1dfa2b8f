/**
 * What a request turned out to be, noted by whoever learns it: the
 * dispatcher (which service took it), a protocol (which operation it named),
 * the API Gateway runtime (which API, stage and route). The request log
 * reads them once the response is ready. Kept beside the request object, as
 * request-identity.ts keeps the caller, so no service's signature changes.
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

export function noteRequest(req: SluiceRequest, more: RequestFacts): void {
  const known = facts.get(req);
  if (known) Object.assign(known, more);
  else facts.set(req, { ...more });
}

export const requestFacts = (req: SluiceRequest): RequestFacts | undefined => facts.get(req);
