/** Stream lifecycle and description: create, delete, describe, list, retention. */
import { AwsError } from '../../protocol/errors.js';
import { checkShardLimit, decodeToken, encodeToken, encryptionOf, invalidArgument, modeDetails, type KinesisContext } from '../context.js';
import { evenSplit } from '../hashing.js';
import { liveConsumers } from './consumers.js';
import type { StreamRef } from '../targets.js';
import { endingSequence, isOpen, shardId, startingSequence, type ShardMeta, type StreamMeta } from '../streams.js';

const ON_DEMAND_SHARDS = 4;
const TOKEN_TTL_MS = 300_000;
const MIN_RETENTION = 24;
const MAX_RETENTION = 8760;

export function describeShard(s: ShardMeta): Record<string, unknown> {
  const end = endingSequence(s);
  return {
    ShardId: shardId(s),
    ...(s.parent !== undefined ? { ParentShardId: `shardId-${String(s.parent).padStart(12, '0')}` } : {}),
    ...(s.adjacentParent !== undefined ? { AdjacentParentShardId: `shardId-${String(s.adjacentParent).padStart(12, '0')}` } : {}),
    HashKeyRange: { StartingHashKey: s.startHash, EndingHashKey: s.endHash },
    SequenceNumberRange: { StartingSequenceNumber: startingSequence(s), ...(end ? { EndingSequenceNumber: end } : {}) },
  };
}

export async function createStream(
  ctx: KinesisContext,
  input: { ShardCount?: number; StreamModeDetails?: { StreamMode: string }; Tags?: Record<string, string>; MaxRecordSizeInKiB?: number },
  stream: StreamRef,
): Promise<void> {
  const { registry } = ctx;
  const { accountId } = registry.account;
  const onDemand = input.StreamModeDetails?.StreamMode === 'ON_DEMAND' || input.ShardCount === undefined;
  const count = onDemand ? ON_DEMAND_SHARDS : input.ShardCount!;
  if (registry.get(stream.name)) {
    throw new AwsError('ResourceInUseException', `Stream ${stream.name} under account ${accountId} already exists.`);
  }
  checkShardLimit(ctx, count);
  const createdMs = Date.now();
  const meta: StreamMeta = {
    name: stream.name,
    arn: stream.arn,
    id: await ctx.store.allocateStreamId(),
    createdMs,
    status: 'CREATING',
    retentionHours: 24,
    mode: onDemand ? 'ON_DEMAND' : 'PROVISIONED',
    shards: evenSplit(count).map((r, index) => ({ index, startHash: r.start.toString(), endHash: r.end.toString(), createdMs })),
    tags: { ...(input.Tags ?? {}) },
    encryption: { type: 'NONE' },
    shardLevelMetrics: [],
    maxRecordSizeKiB: input.MaxRecordSizeInKiB ?? 1024,
  };
  await registry.create(meta, ctx.limits.createStreamMs);
}

export async function deleteStream(ctx: KinesisContext, input: { EnforceConsumerDeletion?: boolean }, stream: StreamRef): Promise<void> {
  const { name } = stream;
  const s = ctx.registry.require(name);
  if (s.status === 'DELETING') return;
  if (liveConsumers(s).length > 0 && !input.EnforceConsumerDeletion) {
    throw new AwsError('ResourceInUseException',
      `Stream ${name} under account ${ctx.registry.account.accountId} has registered consumers. Deregister them first or set EnforceConsumerDeletion.`);
  }
  for (const c of s.consumers ?? []) ctx.subscriptions.endFor(c.arn);
  await ctx.registry.transition(s, 'DELETING', ctx.registry.deleteDelayMs);
}

export function describeStream(
  ctx: KinesisContext,
  input: { Limit?: number; ExclusiveStartShardId?: string },
  stream: StreamRef,
): Record<string, unknown> {
  const s = ctx.registry.require(stream.name);
  const limit = Math.min(input.Limit ?? 100, 100);
  // While CREATING a stream has no shards to show yet.
  const all = s.status === 'CREATING' ? [] : s.shards;
  const after = input.ExclusiveStartShardId;
  const candidates = after === undefined ? all : all.filter((sh) => shardId(sh) > after);
  const page = candidates.slice(0, limit);
  return {
    StreamDescription: {
      StreamName: s.name,
      StreamARN: s.arn,
      StreamStatus: s.status,
      StreamModeDetails: modeDetails(s),
      Shards: page.map(describeShard),
      HasMoreShards: candidates.length > page.length,
      RetentionPeriodHours: s.retentionHours,
      StreamCreationTimestamp: new Date(s.createdMs),
      EnhancedMonitoring: [{ ShardLevelMetrics: s.shardLevelMetrics }],
      ...encryptionOf(s),
    },
  };
}

export function describeStreamSummary(ctx: KinesisContext, stream: StreamRef): Record<string, unknown> {
  const s = ctx.registry.require(stream.name);
  return {
    StreamDescriptionSummary: {
      StreamName: s.name,
      StreamARN: s.arn,
      StreamStatus: s.status,
      StreamModeDetails: modeDetails(s),
      RetentionPeriodHours: s.retentionHours,
      StreamCreationTimestamp: new Date(s.createdMs),
      EnhancedMonitoring: [{ ShardLevelMetrics: s.shardLevelMetrics }],
      ...encryptionOf(s),
      OpenShardCount: s.status === 'CREATING' ? 0 : s.shards.filter(isOpen).length,
      ConsumerCount: liveConsumers(s).length,
      MaxRecordSizeInKiB: s.maxRecordSizeKiB,
    },
  };
}

export function listStreams(
  ctx: KinesisContext,
  input: { Limit?: number; ExclusiveStartStreamName?: string; NextToken?: string },
): Record<string, unknown> {
  const limit = Math.min(input.Limit ?? 100, 100);
  let after = input.ExclusiveStartStreamName;
  if (input.NextToken !== undefined) {
    const token = decodeToken<{ after: string }>(input.NextToken);
    if (!token || typeof token.after !== 'string') throw invalidArgument(`Invalid NextToken: ${input.NextToken}`);
    if (Date.now() - token.t > TOKEN_TTL_MS) throw new AwsError('ExpiredNextTokenException', `The requested NextToken has expired: ${input.NextToken}`);
    after = token.after;
  }
  const all = ctx.registry.all().filter((s) => after === undefined || s.name > after);
  const page = all.slice(0, limit);
  const more = all.length > page.length;
  return {
    StreamNames: page.map((s) => s.name),
    HasMoreStreams: more,
    ...(more ? { NextToken: encodeToken({ after: page[page.length - 1]!.name }) } : {}),
    StreamSummaries: page.map((s) => ({
      StreamName: s.name,
      StreamARN: s.arn,
      StreamStatus: s.status,
      StreamModeDetails: modeDetails(s),
      StreamCreationTimestamp: new Date(s.createdMs),
    })),
  };
}

interface ShardFilter {
  Type: string;
  ShardId?: string;
  Timestamp?: Date;
}

/** Whether a shard was open at `ms` (shards created before the stream existed count as open from its birth). */
const openAt = (s: ShardMeta, ms: number): boolean => s.createdMs <= ms && (s.closedMs === undefined || s.closedMs > ms);

function applyShardFilter(s: StreamMeta, filter: ShardFilter | undefined): ShardMeta[] {
  if (!filter) return s.shards;
  const now = Date.now();
  const horizon = Math.max(s.createdMs, now - s.retentionHours * 3_600_000);
  // Shards whose data is still within retention.
  const live = s.shards.filter((sh) => sh.closedMs === undefined || sh.closedMs > horizon);
  switch (filter.Type) {
    case 'AFTER_SHARD_ID': {
      if (filter.ShardId === undefined) throw invalidArgument('ShardId must be specified when ShardFilter type is AFTER_SHARD_ID.');
      const after = filter.ShardId;
      return s.shards.filter((sh) => shardId(sh) > after);
    }
    case 'AT_TRIM_HORIZON':
      return live.filter((sh) => openAt(sh, Math.max(horizon, sh.createdMs)) && !live.some((p) => p.index === sh.parent || p.index === sh.adjacentParent));
    case 'FROM_TRIM_HORIZON':
      return live;
    case 'AT_LATEST':
      return s.shards.filter(isOpen);
    case 'AT_TIMESTAMP':
    case 'FROM_TIMESTAMP': {
      if (filter.Timestamp === undefined) throw invalidArgument(`Timestamp must be specified when ShardFilter type is ${filter.Type}.`);
      const at = Math.max(filter.Timestamp.getTime(), s.createdMs);
      return filter.Type === 'AT_TIMESTAMP'
        ? s.shards.filter((sh) => openAt(sh, at))
        : s.shards.filter((sh) => sh.closedMs === undefined || sh.closedMs > at);
    }
    default:
      throw invalidArgument(`Invalid ShardFilter type: ${filter.Type}`);
  }
}

export function listShards(
  ctx: KinesisContext,
  input: { NextToken?: string; ExclusiveStartShardId?: string; MaxResults?: number; ShardFilter?: ShardFilter; StreamCreationTimestamp?: Date },
  stream: StreamRef,
): Record<string, unknown> {
  // The stream was resolved (and authorized) from StreamName/StreamARN or from the NextToken.
  const { name } = stream;
  let after = input.ExclusiveStartShardId;
  let filter = input.ShardFilter;
  let limit = Math.min(input.MaxResults ?? 1000, 1000);
  if (input.NextToken !== undefined) {
    const token = decodeToken<{ after: string; filter?: { Type: string; ShardId?: string; Timestamp?: number } }>(input.NextToken);
    if (!token) throw invalidArgument('Invalid NextToken.');
    if (Date.now() - token.t > TOKEN_TTL_MS) {
      throw new AwsError('ExpiredNextTokenException', 'The timestamp of the NextToken has expired.');
    }
    after = token.after;
    filter = token.filter && { Type: token.filter.Type, ShardId: token.filter.ShardId, Timestamp: token.filter.Timestamp !== undefined ? new Date(token.filter.Timestamp) : undefined } as ShardFilter;
    if (input.MaxResults === undefined) limit = 1000;
  }
  const s = ctx.registry.require(name);
  if (s.status === 'CREATING') {
    throw new AwsError('ResourceInUseException', `Stream ${name} under account ${ctx.registry.account.accountId} not ACTIVE, instead in state CREATING`);
  }
  const candidates = applyShardFilter(s, filter).filter((sh) => after === undefined || shardId(sh) > after);
  const page = candidates.slice(0, limit);
  const more = candidates.length > page.length;
  return {
    Shards: page.map(describeShard),
    ...(more
      ? {
          NextToken: encodeToken({
            stream: name,
            after: shardId(page[page.length - 1]!),
            ...(filter ? { filter: { Type: filter.Type, ShardId: filter.ShardId, Timestamp: filter.Timestamp?.getTime() } } : {}),
          }),
        }
      : {}),
  };
}

/** Increase and Decrease share their bounds; each refuses to move the other way, with AWS's words. */
async function changeRetention(ctx: KinesisContext, input: { RetentionPeriodHours: number }, stream: StreamRef, direction: 'Increase' | 'Decrease'): Promise<void> {
  const { name } = stream;
  const hours = input.RetentionPeriodHours;
  if (hours < MIN_RETENTION) {
    throw invalidArgument(`Minimum allowed retention period is ${MIN_RETENTION} hours. Requested retention period (${hours} hours) is too short.`);
  }
  if (hours > MAX_RETENTION) {
    throw invalidArgument(`Maximum allowed retention period is ${MAX_RETENTION} hours. Requested retention period (${hours} hours) is too long.`);
  }
  const s = ctx.registry.requireActive(name);
  if (direction === 'Increase' && hours < s.retentionHours) {
    throw invalidArgument(`Requested retention period (${hours} hours) for stream ${name} can not be shorter than existing retention period (${s.retentionHours} hours). Use DecreaseRetentionPeriod API.`);
  }
  if (direction === 'Decrease' && hours > s.retentionHours) {
    throw invalidArgument(`Requested retention period (${hours} hours) for stream ${name} can not be longer than existing retention period (${s.retentionHours} hours). Use IncreaseRetentionPeriod API.`);
  }
  s.retentionHours = hours;
  await ctx.registry.save(s);
}

export const increaseRetention = (ctx: KinesisContext, input: { RetentionPeriodHours: number }, stream: StreamRef): Promise<void> =>
  changeRetention(ctx, input, stream, 'Increase');

export const decreaseRetention = (ctx: KinesisContext, input: { RetentionPeriodHours: number }, stream: StreamRef): Promise<void> =>
  changeRetention(ctx, input, stream, 'Decrease');
