/**
 * Stream and account settings: encryption, enhanced monitoring, limits,
 * account settings, resource policies, record size and warm throughput.
 */
import { parsePolicy } from '../../iam/policy.js';
import { AwsError, isAwsError } from '../../protocol/errors.js';
import { updateDocument } from '../../store/documents.js';
import { invalidArgument, type KinesisContext } from '../context.js';
import type { KinesisTarget, StreamRef } from '../targets.js';
import type { StreamMeta } from '../streams.js';
import { findConsumer } from './consumers.js';

const ALL_METRICS = ['IncomingBytes', 'IncomingRecords', 'OutgoingBytes', 'OutgoingRecords',
  'WriteProvisionedThroughputExceeded', 'ReadProvisionedThroughputExceeded', 'IteratorAgeMilliseconds'];
const ON_DEMAND_STREAM_LIMIT = 50;
const ACCOUNT_KIND = 'kinesis-account';

export async function startStreamEncryption(ctx: KinesisContext, input: { EncryptionType: string; KeyId: string }, stream: StreamRef): Promise<void> {
  const s = ctx.registry.requireActive(stream.name);
  if (input.EncryptionType !== 'KMS') {
    throw invalidArgument(`Encryption type ${input.EncryptionType} is not supported for StartStreamEncryption. Use KMS.`);
  }
  s.encryption = { type: 'KMS', keyId: input.KeyId };
  await ctx.registry.transition(s, 'UPDATING', ctx.registry.updateDelayMs);
}

export async function stopStreamEncryption(ctx: KinesisContext, input: { EncryptionType: string; KeyId: string }, stream: StreamRef): Promise<void> {
  const s = ctx.registry.requireActive(stream.name);
  if (input.EncryptionType !== 'KMS') {
    throw invalidArgument(`Encryption type ${input.EncryptionType} is not supported for StopStreamEncryption. Use KMS.`);
  }
  s.encryption = { type: 'NONE' };
  await ctx.registry.transition(s, 'UPDATING', ctx.registry.updateDelayMs);
}

function expand(metrics: readonly string[]): string[] {
  return metrics.includes('ALL') ? [...ALL_METRICS] : [...new Set(metrics)];
}

async function setMetrics(ctx: KinesisContext, s: StreamMeta, next: string[]): Promise<Record<string, unknown>> {
  const current = s.shardLevelMetrics;
  s.shardLevelMetrics = ALL_METRICS.filter((m) => next.includes(m));
  await ctx.registry.save(s);
  return { StreamName: s.name, StreamARN: s.arn, CurrentShardLevelMetrics: current, DesiredShardLevelMetrics: s.shardLevelMetrics };
}

export function enableEnhancedMonitoring(ctx: KinesisContext, input: { ShardLevelMetrics: string[] }, stream: StreamRef): Promise<Record<string, unknown>> {
  const s = ctx.registry.requireActive(stream.name);
  return setMetrics(ctx, s, [...s.shardLevelMetrics, ...expand(input.ShardLevelMetrics)]);
}

export function disableEnhancedMonitoring(ctx: KinesisContext, input: { ShardLevelMetrics: string[] }, stream: StreamRef): Promise<Record<string, unknown>> {
  const s = ctx.registry.requireActive(stream.name);
  const off = expand(input.ShardLevelMetrics);
  return setMetrics(ctx, s, s.shardLevelMetrics.filter((m) => !off.includes(m)));
}

export function describeLimits(ctx: KinesisContext): Record<string, unknown> {
  const streams = ctx.registry.all().filter((s) => s.status !== 'DELETING');
  return {
    ShardLimit: ctx.limits.shardLimit,
    OpenShardCount: ctx.registry.openShardCount(),
    OnDemandStreamCount: streams.filter((s) => s.mode === 'ON_DEMAND').length,
    OnDemandStreamCountLimit: ON_DEMAND_STREAM_LIMIT,
  };
}

interface AccountSettings {
  MinimumThroughputBillingCommitment: { Status: string; StartedAt?: number; EndedAt?: number; EarliestAllowedEndAt?: number };
}

const toOutput = (a: AccountSettings): Record<string, unknown> => {
  const c = a.MinimumThroughputBillingCommitment;
  return {
    MinimumThroughputBillingCommitment: {
      Status: c.Status,
      ...(c.StartedAt !== undefined ? { StartedAt: new Date(c.StartedAt) } : {}),
      ...(c.EndedAt !== undefined ? { EndedAt: new Date(c.EndedAt) } : {}),
      ...(c.EarliestAllowedEndAt !== undefined ? { EarliestAllowedEndAt: new Date(c.EarliestAllowedEndAt) } : {}),
    },
  };
};

const DEFAULT_ACCOUNT_SETTINGS: AccountSettings = { MinimumThroughputBillingCommitment: { Status: 'DISABLED' } };

async function accountSettings(ctx: KinesisContext): Promise<AccountSettings> {
  return (await ctx.documents.get<AccountSettings>(ACCOUNT_KIND, 'settings')) ?? DEFAULT_ACCOUNT_SETTINGS;
}

export async function describeAccountSettings(ctx: KinesisContext): Promise<Record<string, unknown>> {
  return toOutput(await accountSettings(ctx));
}

export async function updateAccountSettings(ctx: KinesisContext, input: { MinimumThroughputBillingCommitment: { Status: string } }): Promise<Record<string, unknown>> {
  // Compare-and-set on the stored settings: a change another node made meanwhile is read again first.
  const { doc: next } = await updateDocument<AccountSettings>(ctx.documents, ACCOUNT_KIND, 'settings', (stored) => {
    const now = Date.now();
    const current = stored ?? DEFAULT_ACCOUNT_SETTINGS;
    return input.MinimumThroughputBillingCommitment.Status === 'ENABLED'
      ? { MinimumThroughputBillingCommitment: { Status: 'ENABLED', StartedAt: now, EarliestAllowedEndAt: now + 24 * 3_600_000 } }
      : { MinimumThroughputBillingCommitment: { Status: 'DISABLED', ...(current.MinimumThroughputBillingCommitment.StartedAt !== undefined ? { StartedAt: current.MinimumThroughputBillingCommitment.StartedAt, EndedAt: now } : {}) } };
  });
  return toOutput(next);
}

/** The stream or consumer a ResourceARN named; its `resourcePolicy` is the policy. */
function holderOf(ctx: KinesisContext, target: KinesisTarget): { stream: StreamMeta; holder: { resourcePolicy?: string } } {
  if (target.kind === 'consumer') {
    const { stream, consumer } = findConsumer(ctx, target.consumer);
    return { stream, holder: consumer };
  }
  if (target.kind !== 'stream') throw new Error(`expected a stream or consumer target, got ${target.kind}`);
  const stream = ctx.registry.require(target.stream.name);
  return { stream, holder: stream };
}

/**
 * A resource policy is checked with the IAM policy grammar before it is
 * stored (a stored policy is evaluated on every call to its stream): it must
 * parse, name principals, and grant Kinesis actions only.
 */
function checkResourcePolicy(text: string): void {
  let policy;
  try {
    policy = parsePolicy(text, 'resource');
  } catch (e) {
    if (isAwsError(e)) throw invalidArgument(`Invalid policy document: ${e.message}`);
    throw e;
  }
  for (const st of policy.statements) {
    for (const a of st.actions.patterns) {
      if (a !== '*' && !a.toLowerCase().startsWith('kinesis:')) {
        throw invalidArgument(`Invalid policy document: action ${a} is not a Kinesis action.`);
      }
    }
  }
}

export async function putResourcePolicy(ctx: KinesisContext, input: { Policy: string }, target: KinesisTarget): Promise<void> {
  const { stream, holder } = holderOf(ctx, target);
  checkResourcePolicy(input.Policy);
  holder.resourcePolicy = input.Policy;
  await ctx.registry.save(stream);
}

export async function getResourcePolicy(ctx: KinesisContext, target: KinesisTarget): Promise<Record<string, unknown>> {
  return { Policy: holderOf(ctx, target).holder.resourcePolicy ?? '{}' };
}

export async function deleteResourcePolicy(ctx: KinesisContext, input: { ResourceARN: string }, target: KinesisTarget): Promise<void> {
  const { stream, holder } = holderOf(ctx, target);
  if (holder.resourcePolicy === undefined) {
    throw new AwsError('ResourceNotFoundException', `No resource policy found for resource ${input.ResourceARN}.`);
  }
  delete holder.resourcePolicy;
  await ctx.registry.save(stream);
}

export async function updateMaxRecordSize(ctx: KinesisContext, input: { MaxRecordSizeInKiB: number }, stream: StreamRef): Promise<void> {
  const s = ctx.registry.requireActive(stream.name);
  s.maxRecordSizeKiB = input.MaxRecordSizeInKiB;
  await ctx.registry.transition(s, 'UPDATING', ctx.registry.updateDelayMs);
}

export async function updateStreamWarmThroughput(ctx: KinesisContext, input: { WarmThroughputMiBps: number }, stream: StreamRef): Promise<Record<string, unknown>> {
  const s = ctx.registry.requireActive(stream.name);
  if (s.mode !== 'ON_DEMAND') {
    throw new AwsError('ValidationException', `Warm throughput can only be set on streams in ON_DEMAND capacity mode; stream ${s.name} is PROVISIONED.`);
  }
  s.warmThroughputMiBps = input.WarmThroughputMiBps;
  await ctx.registry.transition(s, 'UPDATING', ctx.registry.updateDelayMs);
  return { StreamName: s.name, StreamARN: s.arn, WarmThroughput: { TargetMiBps: input.WarmThroughputMiBps, CurrentMiBps: input.WarmThroughputMiBps } };
}
