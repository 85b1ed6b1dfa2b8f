/**
 * Kinesis Data Streams through its public JSON 1.1 API: POST / with X-Amz-Target.
 * Shapes as in the Kinesis API reference; timestamps arrive as epoch seconds.
 */
import { AwsApiError, send, shortErrorType } from './http.js';

export type StreamStatus = 'CREATING' | 'DELETING' | 'ACTIVE' | 'UPDATING';
export type StreamMode = 'PROVISIONED' | 'ON_DEMAND';
export type ShardIteratorType = 'AT_SEQUENCE_NUMBER' | 'AFTER_SEQUENCE_NUMBER' | 'TRIM_HORIZON' | 'LATEST' | 'AT_TIMESTAMP';

export interface StreamSummary {
  StreamName: string;
  StreamARN: string;
  StreamStatus: StreamStatus;
  StreamModeDetails?: { StreamMode: StreamMode };
  StreamCreationTimestamp?: number;
}

export interface StreamDescriptionSummary {
  StreamName: string;
  StreamARN: string;
  StreamStatus: StreamStatus;
  StreamModeDetails?: { StreamMode: StreamMode };
  RetentionPeriodHours: number;
  StreamCreationTimestamp: number;
  EncryptionType?: 'NONE' | 'KMS';
  KeyId?: string;
  OpenShardCount: number;
  ConsumerCount?: number;
  EnhancedMonitoring?: { ShardLevelMetrics?: string[] }[];
}

export interface Shard {
  ShardId: string;
  ParentShardId?: string;
  AdjacentParentShardId?: string;
  HashKeyRange: { StartingHashKey: string; EndingHashKey: string };
  SequenceNumberRange: { StartingSequenceNumber: string; EndingSequenceNumber?: string };
}

export interface KinesisRecord {
  SequenceNumber: string;
  ApproximateArrivalTimestamp?: number;
  /** Base64. */
  Data: string;
  PartitionKey: string;
  EncryptionType?: string;
}

export interface GetRecordsOutput {
  Records: KinesisRecord[];
  NextShardIterator?: string;
  MillisBehindLatest?: number;
}

export interface StartingPosition {
  type: ShardIteratorType;
  sequenceNumber?: string;
  /** Epoch milliseconds. */
  timestamp?: number;
}

export async function call<T>(action: string, input: object): Promise<T> {
  const res = await send('/', {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `Kinesis_20131202.${action}` },
    body: JSON.stringify(input),
  });
  let body: Record<string, unknown> = {};
  try {
    body = res.text ? (JSON.parse(res.text) as Record<string, unknown>) : {};
  } catch {
    if (res.status < 300) throw new AwsApiError('SerializationException', `Kinesis answered ${action} with something that is not JSON`, res.status);
  }
  if (res.status >= 300) {
    const type = String(body['__type'] ?? res.headers.get('x-amzn-errortype') ?? `HTTP ${res.status}`);
    throw new AwsApiError(shortErrorType(type), String(body['message'] ?? body['Message'] ?? res.text), res.status);
  }
  return body as T;
}

export async function listStreams(): Promise<StreamSummary[]> {
  const out: StreamSummary[] = [];
  let next: string | undefined;
  do {
    const page = await call<{ StreamSummaries?: StreamSummary[]; StreamNames: string[]; HasMoreStreams: boolean; NextToken?: string }>(
      'ListStreams',
      next ? { NextToken: next } : { Limit: 100 },
    );
    out.push(...(page.StreamSummaries ?? page.StreamNames.map((n) => ({ StreamName: n, StreamARN: '', StreamStatus: 'ACTIVE' as const }))));
    next = page.HasMoreStreams ? page.NextToken : undefined;
  } while (next);
  return out;
}

export async function describeStreamSummary(name: string): Promise<StreamDescriptionSummary> {
  const out = await call<{ StreamDescriptionSummary: StreamDescriptionSummary }>('DescribeStreamSummary', { StreamName: name });
  return out.StreamDescriptionSummary;
}

export function createStream(name: string, mode: StreamMode, shardCount: number): Promise<unknown> {
  return call('CreateStream', {
    StreamName: name,
    ...(mode === 'PROVISIONED' ? { ShardCount: shardCount } : {}),
    StreamModeDetails: { StreamMode: mode },
  });
}

export function deleteStream(name: string): Promise<unknown> {
  return call('DeleteStream', { StreamName: name, EnforceConsumerDeletion: true });
}

export async function listShards(name: string): Promise<Shard[]> {
  const out: Shard[] = [];
  let next: string | undefined;
  do {
    const page = await call<{ Shards: Shard[]; NextToken?: string }>('ListShards', next ? { NextToken: next } : { StreamName: name });
    out.push(...page.Shards);
    next = page.NextToken;
  } while (next);
  return out;
}

export async function getShardIterator(stream: string, shardId: string, at: StartingPosition): Promise<string> {
  const input: Record<string, unknown> = { StreamName: stream, ShardId: shardId, ShardIteratorType: at.type };
  if (at.type === 'AT_SEQUENCE_NUMBER' || at.type === 'AFTER_SEQUENCE_NUMBER') input['StartingSequenceNumber'] = at.sequenceNumber;
  if (at.type === 'AT_TIMESTAMP') input['Timestamp'] = (at.timestamp ?? Date.now()) / 1000;
  const out = await call<{ ShardIterator: string }>('GetShardIterator', input);
  return out.ShardIterator;
}

export function getRecords(iterator: string, limit = 1000): Promise<GetRecordsOutput> {
  return call<GetRecordsOutput>('GetRecords', { ShardIterator: iterator, Limit: limit });
}

export function putRecord(stream: string, partitionKey: string, data: Uint8Array): Promise<{ ShardId: string; SequenceNumber: string }> {
  return call('PutRecord', { StreamName: stream, PartitionKey: partitionKey, Data: toBase64(data) });
}

export function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

export function fromBase64(text: string): Uint8Array {
  const bin = atob(text);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}
