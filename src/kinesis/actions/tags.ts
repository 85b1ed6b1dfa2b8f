/** Stream tags, by stream (…TagsToStream) and by ARN (…Resource). */
import { AwsError } from '../../protocol/errors.js';
import { invalidArgument, type KinesisContext } from '../context.js';
import type { KinesisTarget, StreamRef } from '../targets.js';
import type { StreamMeta } from '../streams.js';

const MAX_TAGS_PER_STREAM = 50;
const MAX_TAGS_PER_CALL = 10;

function checkTagKeys(keys: readonly string[], action: 'add' | 'remove', s: StreamMeta, accountId: string): void {
  const reserved = keys.find((k) => k.toLowerCase().startsWith('aws:'));
  if (reserved !== undefined) {
    throw invalidArgument(`Failed to ${action} tags ${action === 'add' ? 'to' : 'from'} stream ${s.name} under account ${accountId} because tag keys cannot start with the reserved prefix "aws:": ${reserved}`);
  }
}

async function addTags(ctx: KinesisContext, s: StreamMeta, tags: Record<string, string>, perCallLimit: number): Promise<void> {
  const { accountId } = ctx.registry.account;
  const keys = Object.keys(tags);
  if (keys.length > perCallLimit) {
    throw invalidArgument(`Failed to add tags to stream ${s.name} under account ${accountId} because a given request cannot have more than ${perCallLimit} tags associated with it.`);
  }
  checkTagKeys(keys, 'add', s, accountId);
  const merged = { ...s.tags, ...tags };
  if (Object.keys(merged).length > MAX_TAGS_PER_STREAM) {
    throw new AwsError('LimitExceededException', `Failed to add tags to stream ${s.name} under account ${accountId} because a given stream cannot have more than ${MAX_TAGS_PER_STREAM} tags associated with it.`);
  }
  s.tags = merged;
  await ctx.registry.save(s);
}

async function removeTags(ctx: KinesisContext, s: StreamMeta, keys: readonly string[]): Promise<void> {
  checkTagKeys(keys, 'remove', s, ctx.registry.account.accountId);
  const next = { ...s.tags };
  for (const k of keys) delete next[k];
  s.tags = next;
  await ctx.registry.save(s);
}

const sortedTags = (s: StreamMeta): Array<{ Key: string; Value: string }> =>
  Object.keys(s.tags).sort().map((Key) => ({ Key, Value: s.tags[Key]! }));

export function addTagsToStream(ctx: KinesisContext, input: { Tags: Record<string, string> }, stream: StreamRef): Promise<void> {
  return addTags(ctx, ctx.registry.requireActive(stream.name), input.Tags, MAX_TAGS_PER_CALL);
}

export function removeTagsFromStream(ctx: KinesisContext, input: { TagKeys: string[] }, stream: StreamRef): Promise<void> {
  return removeTags(ctx, ctx.registry.requireActive(stream.name), input.TagKeys);
}

export function listTagsForStream(ctx: KinesisContext, input: { ExclusiveStartTagKey?: string; Limit?: number }, stream: StreamRef): Record<string, unknown> {
  const s = ctx.registry.require(stream.name);
  const after = input.ExclusiveStartTagKey;
  const all = sortedTags(s).filter((t) => after === undefined || t.Key > after);
  const limit = input.Limit ?? 50;
  return { Tags: all.slice(0, limit), HasMoreTags: all.length > limit };
}

/** The stream a ResourceARN named (Sluice keeps tags on streams; a consumer ARN names no taggable stream here). */
function taggedStream(ctx: KinesisContext, target: KinesisTarget, arn: string): StreamMeta {
  if (target.kind !== 'stream') throw new AwsError('ResourceNotFoundException', `Stream ${arn} under account ${ctx.registry.account.accountId} not found.`);
  return ctx.registry.require(target.stream.name);
}

export function tagResource(ctx: KinesisContext, input: { ResourceARN: string; Tags: Record<string, string> }, target: KinesisTarget): Promise<void> {
  return addTags(ctx, taggedStream(ctx, target, input.ResourceARN), input.Tags, MAX_TAGS_PER_STREAM);
}

export function untagResource(ctx: KinesisContext, input: { ResourceARN: string; TagKeys: string[] }, target: KinesisTarget): Promise<void> {
  return removeTags(ctx, taggedStream(ctx, target, input.ResourceARN), input.TagKeys);
}

export function listTagsForResource(ctx: KinesisContext, input: { ResourceARN: string }, target: KinesisTarget): Record<string, unknown> {
  return { Tags: sortedTags(taggedStream(ctx, target, input.ResourceARN)) };
}
