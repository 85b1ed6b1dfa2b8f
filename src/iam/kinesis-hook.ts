/**
 * What a Kinesis call needs permission for: the operation name is the IAM
 * action (kinesis:PutRecord), the resource is the stream (or consumer) the
 * body names by StreamName, StreamARN, ConsumerARN or ResourceARN. GetRecords
 * names its stream only inside the shard iterator, so the hook is given a
 * way to read it.
 */
import { Decoder } from 'cbor-x';
import { CBOR_TYPE, errorResponse, operationName } from '../protocol/json-rpc.js';
import { loadServiceModel } from '../protocol/model.js';
import type { SluiceRequest } from '../server/types.js';
import type { AuthHook, AuthTarget } from './guard.js';

const model = loadServiceModel('kinesis-2013-12-02.json');
const TARGET_PREFIX = model.metadata.targetPrefix ?? 'Kinesis_20131202';
const cbor = new Decoder({ mapsAsObjects: true, useRecords: false } as any);

export interface KinesisHookOptions {
  readonly region: string;
  readonly accountId: string;
  /** The stream name inside a shard iterator this server issued. */
  readonly streamOfIterator?: (iterator: string) => string | undefined;
  /** The resource policy of a stream or consumer ARN, if it has one. */
  readonly resourcePolicyOf?: (arn: string) => string | undefined;
}

const isCbor = (req: SluiceRequest): boolean => (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase() === CBOR_TYPE;

function decodeBody(req: SluiceRequest): Record<string, unknown> {
  if (req.body.length === 0) return {};
  const doc: unknown = isCbor(req) ? cbor.decode(req.body) : JSON.parse(req.body.toString('utf8'));
  return doc !== null && typeof doc === 'object' && !Array.isArray(doc) ? (doc as Record<string, unknown>) : {};
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

export function kinesisTarget(req: SluiceRequest, o: KinesisHookOptions): AuthTarget | undefined {
  const name = operationName(req, TARGET_PREFIX);
  if (name === undefined || !Object.hasOwn(model.operations, name)) return undefined;
  const body = decodeBody(req);
  const streamArn = (stream: string): string => `arn:aws:kinesis:${o.region}:${o.accountId}:stream/${stream}`;
  let resource =
    str(body['ConsumerARN']) ?? str(body['ResourceARN']) ?? str(body['StreamARN']) ?? (str(body['StreamName']) ? streamArn(str(body['StreamName'])!) : undefined);
  if (resource === undefined && name === 'GetRecords' && str(body['ShardIterator']) && o.streamOfIterator) {
    const stream = o.streamOfIterator(str(body['ShardIterator'])!);
    if (stream !== undefined) resource = streamArn(stream);
  }
  const resourcePolicy = resource !== undefined ? o.resourcePolicyOf?.(resource) : undefined;
  return { action: `kinesis:${name}`, resource: resource ?? '*', ...(resourcePolicy !== undefined ? { resourcePolicy } : {}) };
}

export function kinesisAuthHook(o: KinesisHookOptions): AuthHook {
  return {
    dialect: 'json',
    signingService: 'kinesis',
    target: (req) => kinesisTarget(req, o),
    render: (error, req) => {
      const cborRequest = isCbor(req);
      return errorResponse(error, cborRequest ? 'cbor' : 'json', cborRequest ? CBOR_TYPE : 'application/x-amz-json-1.1');
    },
  };
}
