/**
 * Resharding: SplitShard, MergeShards, UpdateShardCount, UpdateStreamMode.
 * A request checks everything up front, puts the stream in UPDATING and
 * records the change; the change is applied when UPDATING ends, as AWS does:
 * parents close (keeping their records, readable until retention) and
 * children open with ParentShardId / AdjacentParentShardId.
 */
import { AwsError } from '../../protocol/errors.js';
import { checkShardLimit, invalidArgument, type KinesisContext } from '../context.js';
import type { StreamRef } from '../targets.js';
import { evenSplit, MAX_HASH_KEY } from '../hashing.js';
import { invalidateRouting } from '../routing.js';
import { shardIdOf, shardIndexOf } from '../shard-ids.js';
import { isOpen, shardId, type PendingChange, type ShardMeta, type StreamMeta } from '../streams.js';

const SCALING_WINDOW_MS = 24 * 3_600_000;
const SCALINGS_PER_WINDOW = 10;

function notOnDemand(s: StreamMeta, action: string): void {
  if (s.mode === 'ON_DEMAND') {
    throw new AwsError('ValidationException', `${action} is not supported for stream ${s.name} because it is in ON_DEMAND capacity mode.`);
  }
}

function findShard(ctx: KinesisContext, s: StreamMeta, requested: string): ShardMeta {
  const index = shardIndexOf(requested);
  const sh = index === undefined ? undefined : s.shards.find((x) => x.index === index);
  if (!sh) {
    throw new AwsError('ResourceNotFoundException',
      `Could not find shard ${index === undefined ? requested : shardIdOf(index)} in stream ${s.name} under account ${ctx.registry.account.accountId}.`);
  }
  return sh;
}

function requireOpen(ctx: KinesisContext, s: StreamMeta, sh: ShardMeta): void {
  if (!isOpen(sh)) {
    throw invalidArgument(
      `Shard ${shardId(sh)} in stream ${s.name} under account ${ctx.registry.account.accountId} has already been merged or split, and thus is not eligible for merging or splitting.`);
  }
}

async function schedule(ctx: KinesisContext, s: StreamMeta, change: PendingChange): Promise<void> {
  s.pending = change;
  await ctx.registry.transition(s, 'UPDATING', ctx.registry.updateDelayMs);
}

export async function splitShard(ctx: KinesisContext, input: { ShardToSplit: string; NewStartingHashKey: string }, stream: StreamRef): Promise<void> {
  const { name } = stream;
  const s = ctx.registry.require(name);
  notOnDemand(s, 'SplitShard');
  const sh = findShard(ctx, s, input.ShardToSplit);
  checkShardLimit(ctx, 1);
  const key = BigInt(input.NewStartingHashKey);
  const start = BigInt(sh.startHash);
  const end = BigInt(sh.endHash);
  if (key <= start + 1n || key >= end) {
    throw invalidArgument(`NewStartingHashKey ${input.NewStartingHashKey} used in SplitShard() on shard ${shardId(sh)} in stream ${name} ` +
      `under account ${ctx.registry.account.accountId} is not both greater than one plus the shard's StartingHashKey ${sh.startHash} ` +
      `and less than the shard's EndingHashKey ${sh.endHash}.`);
  }
  ctx.registry.requireActive(name);
  requireOpen(ctx, s, sh);
  await schedule(ctx, s, { kind: 'split', shard: sh.index, newStartingHashKey: input.NewStartingHashKey });
}

export async function mergeShards(ctx: KinesisContext, input: { ShardToMerge: string; AdjacentShardToMerge: string }, stream: StreamRef): Promise<void> {
  const { name } = stream;
  const s = ctx.registry.require(name);
  notOnDemand(s, 'MergeShards');
  const a = findShard(ctx, s, input.ShardToMerge);
  const b = findShard(ctx, s, input.AdjacentShardToMerge);
  const adjacent = BigInt(a.endHash) + 1n === BigInt(b.startHash) || BigInt(b.endHash) + 1n === BigInt(a.startHash);
  if (!adjacent || !isOpen(a) || !isOpen(b)) {
    throw invalidArgument(`Shards ${shardId(a)} and ${shardId(b)} in stream ${name} under account ${ctx.registry.account.accountId} are not an adjacent pair of shards eligible for merging`);
  }
  ctx.registry.requireActive(name);
  await schedule(ctx, s, { kind: 'merge', shard: a.index, adjacent: b.index });
}

export async function updateShardCount(
  ctx: KinesisContext,
  input: { TargetShardCount: number; ScalingType: string },
  stream: StreamRef,
): Promise<Record<string, unknown>> {
  const { name } = stream;
  const s = ctx.registry.require(name);
  notOnDemand(s, 'UpdateShardCount');
  ctx.registry.requireActive(name);
  const open = s.shards.filter(isOpen).length;
  const target = input.TargetShardCount;
  const counts = `Current open shard count: ${open}, Target shard count: ${target}`;
  if (target > ctx.limits.shardLimit) {
    throw new AwsError('LimitExceededException', `Target shard count or number of open shards cannot be greater than ${ctx.limits.shardLimit}. ${counts}`);
  }
  if (target > open * 2) throw new AwsError('LimitExceededException', `UpdateShardCount cannot scale up over double your current open shard count. ${counts}`);
  if (target < open / 2) throw new AwsError('LimitExceededException', `UpdateShardCount cannot scale down below half your current open shard count. ${counts}`);
  if (target > open) checkShardLimit(ctx, target - open);
  const now = Date.now();
  const recent = (s.scalingHistory ?? []).filter((t) => now - t < SCALING_WINDOW_MS);
  if (recent.length >= SCALINGS_PER_WINDOW) {
    throw new AwsError('LimitExceededException',
      `Exceeded the limit of ${SCALINGS_PER_WINDOW} UpdateShardCount calls per rolling 24 hours for stream ${name} under account ${ctx.registry.account.accountId}.`);
  }
  s.scalingHistory = [...recent, now];
  if (target !== open) await schedule(ctx, s, { kind: 'scale', target });
  else await ctx.registry.save(s);
  return { StreamName: name, StreamARN: s.arn, CurrentShardCount: open, TargetShardCount: target };
}

export async function updateStreamMode(ctx: KinesisContext, input: { StreamModeDetails: { StreamMode: 'PROVISIONED' | 'ON_DEMAND' } }, stream: StreamRef): Promise<void> {
  const { name } = stream;
  const s = ctx.registry.requireActive(name);
  const mode = input.StreamModeDetails.StreamMode;
  if (s.mode === mode) {
    throw new AwsError('ResourceInUseException', `Stream ${name} under account ${ctx.registry.account.accountId} is already in ${mode} capacity mode.`);
  }
  s.mode = mode;
  await ctx.registry.transition(s, 'UPDATING', ctx.registry.updateDelayMs);
}

// ------------------------------------------------------------ applying changes

/**
 * Closes shards for writes and fixes their end: the store seals them (every
 * write already accepted is in, and from now on writes to them fail, from
 * whichever node they come), so the last position it reports is final.
 */
async function close(ctx: KinesisContext, s: StreamMeta, parents: ShardMeta[]): Promise<void> {
  const now = Date.now();
  for (const p of parents) p.closedMs = now;
  invalidateRouting(s);
  for (const p of parents) p.endPosition = await ctx.store.seal({ stream: s.id, shard: p.index });
}

function nextIndex(s: StreamMeta): number {
  return s.shards.reduce((m, sh) => Math.max(m, sh.index), -1) + 1;
}

/** The change recorded by a reshard request, applied as the stream leaves UPDATING. */
export async function applyPendingChange(ctx: KinesisContext, s: StreamMeta): Promise<void> {
  const change = s.pending;
  if (!change) return;
  const createdMs = Date.now();
  const byIndex = (i: number): ShardMeta => s.shards.find((x) => x.index === i)!;
  let parents: ShardMeta[];
  let children: ShardMeta[];
  if (change.kind === 'split') {
    const parent = byIndex(change.shard);
    const key = BigInt(change.newStartingHashKey);
    const first = nextIndex(s);
    parents = [parent];
    children = [
      { index: first, startHash: parent.startHash, endHash: (key - 1n).toString(), createdMs, parent: parent.index },
      { index: first + 1, startHash: change.newStartingHashKey, endHash: parent.endHash, createdMs, parent: parent.index },
    ];
  } else if (change.kind === 'merge') {
    const [lo, hi] = [byIndex(change.shard), byIndex(change.adjacent)].sort((x, y) => (BigInt(x.startHash) < BigInt(y.startHash) ? -1 : 1)) as [ShardMeta, ShardMeta];
    parents = [lo, hi];
    children = [{ index: nextIndex(s), startHash: lo.startHash, endHash: hi.endHash, createdMs, parent: change.shard, adjacentParent: change.adjacent }];
  } else {
    // UNIFORM_SCALING: the hash space split evenly into `target` shards; each
    // child names the old shard(s) its range starts and ends in as parents.
    parents = s.shards.filter(isOpen);
    const covering = (key: bigint): ShardMeta => parents.find((p) => key >= BigInt(p.startHash) && key <= BigInt(p.endHash))!;
    let index = nextIndex(s);
    children = evenSplit(change.target, 0n, MAX_HASH_KEY).map((r) => {
      const first = covering(r.start);
      const last = covering(r.end);
      return {
        index: index++, startHash: r.start.toString(), endHash: r.end.toString(), createdMs,
        parent: first.index,
        ...(last.index !== first.index ? { adjacentParent: last.index } : {}),
      };
    });
  }
  // Children open before parents close, so every hash key always has an open shard.
  await ctx.store.createShards(s.id, children.map((c) => c.index), { retentionHours: s.retentionHours });
  s.shards.push(...children);
  await close(ctx, s, parents);
}
