/** What every Kinesis action works with. */
import { AwsError } from '../protocol/errors.js';
import type { DocumentStore } from '../store/documents.js';
import type { StreamStore } from '../store/stream-store.js';
import type { IteratorCodec } from './iterators.js';
import type { Limiter } from './limits.js';
import type { KinesisMetrics } from './metrics.js';
import type { ShardWakeups } from '../store/stream-store.js';
import type { Subscriptions } from './subscriptions.js';
import type { StreamMeta, StreamRegistry } from './streams.js';

export interface KinesisLimits {
  /** Account-wide open shard limit. */
  readonly shardLimit: number;
  readonly createStreamMs: number;
}

export interface KinesisContext {
  readonly registry: StreamRegistry;
  readonly store: StreamStore;
  readonly documents: DocumentStore;
  readonly iterators: IteratorCodec;
  readonly limits: KinesisLimits;
  readonly notifier: ShardWakeups;
  readonly subscriptions: Subscriptions;
  readonly limiter: Limiter;
  /** CloudWatch's metrics, for /_sluice/metrics. */
  readonly metrics: KinesisMetrics;
}

export const invalidArgument = (message: string): AwsError => new AwsError('InvalidArgumentException', message);

export const modeDetails = (s: StreamMeta): { StreamMode: string } => ({ StreamMode: s.mode });

export const encryptionOf = (s: StreamMeta): { EncryptionType: string; KeyId?: string } =>
  s.encryption.type === 'KMS' ? { EncryptionType: 'KMS', KeyId: s.encryption.keyId } : { EncryptionType: 'NONE' };

/** Opaque paging tokens: base64 JSON with an issue time so they can expire. */
export function encodeToken(payload: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify({ ...payload, t: Date.now() })).toString('base64');
}

export function decodeToken<T>(token: string): (T & { t: number }) | undefined {
  try {
    const v = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as unknown;
    return v !== null && typeof v === 'object' && typeof (v as { t?: unknown }).t === 'number' ? (v as T & { t: number }) : undefined;
  } catch {
    return undefined;
  }
}

/** LimitExceededException when `extra` more open shards would pass the account's shard limit. */
export function checkShardLimit(ctx: KinesisContext, extra: number): void {
  const current = ctx.registry.openShardCount();
  const { accountId, region } = ctx.registry.account;
  if (current + extra > ctx.limits.shardLimit) {
    throw new AwsError('LimitExceededException',
      `This request would exceed the shard limit for the account ${accountId} in ${region}. ` +
      `Current shard count for the account: ${current}. Limit: ${ctx.limits.shardLimit}. ` +
      `Number of additional shards that would have resulted from this request: ${extra}. ` +
      'Refer to the AWS Service Limits page (https://docs.aws.amazon.com/general/latest/gr/aws_service_limits.html) ' +
      'for current limits and how to request higher limits.');
  }
}
