/**
 * The AWS JSON 1.0/1.1 and CBOR 1.1 RPC protocols ("awsJson", used by
 * Kinesis): one POST per call, the operation named by `X-Amz-Target`
 * (`Prefix.Operation`) or `?Action=`. A service supplies its model and typed
 * handlers; this layer decodes, type-checks, validates, dispatches and
 * encodes, in the request's own wire format.
 */
import { Decoder } from 'cbor-x';
import { cborEncoder, cborOutput } from './cbor-output.js';
import { scanCbor } from './cbor-scan.js';
import { scanJson } from './json-scan.js';
import { AwsError, internalFailure, isAwsError } from './errors.js';
import type { ServiceModel } from './model.js';
import { answerBuffers } from './buffer-pool.js';
import { jsonWriter } from './json-writer.js';
import { parseInput, validateInput, type WireFormat } from './shapes.js';
import { noteRequest } from '../server/request-facts.js';
import type { SluiceRequest, SluiceResponse, StreamingBody } from '../server/types.js';

export interface CallContext<T = unknown> {
  readonly request: SluiceRequest;
  readonly format: WireFormat;
  /** What the service's `authorize` resolved the call to act on: the handler acts on this, and only this. */
  readonly target: T;
}

/** What an operation may answer: a typed output or a stream the transport writes as it comes. */
export type OperationResult = Record<string, unknown> | void | { readonly streaming: StreamingBody; readonly headers?: Record<string, string> };

export type OperationHandler<T = unknown> = (input: any, ctx: CallContext<T>) => Promise<OperationResult> | OperationResult;

export interface JsonRpcService<T = unknown> {
  readonly model: ServiceModel;
  readonly handlers: Readonly<Record<string, OperationHandler<T>>>;
  /**
   * Resolves what a parsed, valid call acts on and checks that the caller may
   * (throwing the refusal), before any handler runs. It sees only the members
   * the operation declares; what it returns is the handler's `call.target`.
   */
  readonly authorize?: (operation: string, input: Record<string, unknown>, req: SluiceRequest) => T | Promise<T>;
  /** Called for every unexpected (non-AWS) error, which answers 500 InternalFailure. */
  readonly onInternalError?: (e: unknown, req: SluiceRequest) => void;
}

// 8-byte integers as numbers: AWS's clients put integer milliseconds inside tag 1, which cbor-x would
// otherwise hand its date extension as a BigInt (and throw).
const cborDecoder = new Decoder({ mapsAsObjects: true, useRecords: false, int64AsNumber: true } as any);

const JSON_TYPES = new Set(['application/x-amz-json-1.1', 'application/x-amz-json-1.0', 'application/json']);
export const CBOR_TYPE = 'application/x-amz-cbor-1.1';

function formatOf(contentType: string): WireFormat | undefined {
  if (contentType === CBOR_TYPE) return 'cbor';
  if (JSON_TYPES.has(contentType)) return 'json';
  return undefined;
}

/** The operation a request names, or undefined when it names none. */
export function operationName(req: SluiceRequest, targetPrefix: string): string | undefined {
  const target = req.headers['x-amz-target'];
  if (target !== undefined) {
    const dot = target.lastIndexOf('.');
    return dot >= 0 && target.slice(0, dot) === targetPrefix ? target.slice(dot + 1) : undefined;
  }
  return req.query.get('Action') ?? undefined;
}

export function encodeBody(format: WireFormat, value: unknown): Buffer {
  if (format === 'cbor') return cborEncoder.encode(value);
  return Buffer.from(JSON.stringify(value));
}

export function errorResponse(e: AwsError, format: WireFormat, contentType: string): SluiceResponse {
  const body: Record<string, string> = { __type: e.code };
  if (e.message !== '') body[e.messageKey] = e.message;
  return {
    status: e.status,
    headers: { 'content-type': contentType, 'x-amzn-errortype': e.code },
    body: encodeBody(format, body),
  };
}

/** Errors raised before an operation is known carry no message, as AWS sends them. */
const bare = (code: string): AwsError => new AwsError(code, '');

export async function handleJsonRpc<T>(service: JsonRpcService<T>, req: SluiceRequest): Promise<SluiceResponse> {
  const { model } = service;
  const rawType = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  const format = formatOf(rawType) ?? 'json';
  const contentType = format === 'cbor' ? CBOR_TYPE : rawType === 'application/json' ? 'application/json' : 'application/x-amz-json-1.1';
  const name = operationName(req, model.metadata.targetPrefix ?? '');
  if (name !== undefined) noteRequest(req, { operation: name });
  const operation = name !== undefined && Object.hasOwn(model.operations, name) ? model.operations[name] : undefined;
  const handler = name !== undefined && operation ? service.handlers[name] : undefined;
  try {
    if (formatOf(rawType) === undefined) {
      // AWS answers an unknown content type before looking at the operation.
      throw new AwsError('UnknownOperationException', '', 404);
    }
    if (!operation) throw bare('UnknownOperationException');
    if (req.body.length === 0) throw bare('SerializationException');
    let doc: unknown;
    try {
      // The structure first, in linear time: the decoder never sees a document it would choke on.
      if (format === 'cbor') scanCbor(req.body);
      else scanJson(req.body);
      doc = format === 'cbor' ? cborDecoder.decode(req.body) : JSON.parse(req.body.toString('utf8'));
    } catch {
      throw bare('SerializationException');
    }
    if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw bare('SerializationException');
    const input = parseInput(model, operation.input?.shape, doc, format);
    if (operation.input) validateInput(model, operation.input.shape, input);
    let target = service.authorize?.(name!, input, req) as T;
    if (target instanceof Promise) target = await target;
    if (!handler) throw bare('UnknownOperationException');
    const result = await handler(input, { request: req, format, target });
    if (result && 'streaming' in result && typeof result.streaming === 'object') {
      return { status: 200, headers: { ...(result.headers ?? {}) }, body: result.streaming as StreamingBody };
    }
    const headers = { 'content-type': contentType };
    if (!operation.output || !result) return { status: 200, headers, body: Buffer.alloc(0) };
    if (format === 'json') {
      const sink = jsonWriter(model, operation.output.shape)(result, answerBuffers);
      return { status: 200, headers, body: sink.bytes(), onSent: () => sink.release() };
    }
    const answer = cborOutput(model, operation.output, result as Record<string, unknown>, answerBuffers);
    return { status: 200, headers, body: answer.bytes(), onSent: () => answer.release() };
  } catch (e) {
    if (isAwsError(e)) return errorResponse(e, format, contentType);
    service.onInternalError?.(e, req);
    return errorResponse(internalFailure(), format, contentType);
  }
}
