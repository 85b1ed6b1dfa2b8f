/**
 * Enhanced fan-out consumers. A consumer's transitional states end on their
 * own clock (read lazily), so no timers are needed for them.
 */
import { AwsError } from '../../protocol/errors.js';
import { decodeToken, encodeToken, invalidArgument, type KinesisContext } from '../context.js';
import type { ConsumerRef, StreamRef } from '../targets.js';
import type { Consumer, StreamMeta } from '../streams.js';

export const MAX_CONSUMERS_PER_STREAM = 20;
const TOKEN_TTL_MS = 300_000;

/** The consumer's current status; removes consumers whose deregistration has finished. */
export function liveConsumers(s: StreamMeta): Consumer[] {
  const now = Date.now();
  const list = (s.consumers ?? []).filter((c) => !(c.status === 'DELETING' && (c.statusUntilMs ?? 0) <= now));
  for (const c of list) {
    if (c.status === 'CREATING' && (c.statusUntilMs ?? 0) <= now) {
      c.status = 'ACTIVE';
      delete c.statusUntilMs;
    }
  }
  s.consumers = list;
  return list;
}

const describe = (c: Consumer): Record<string, unknown> => ({
  ConsumerName: c.name,
  ConsumerARN: c.arn,
  ConsumerStatus: c.status,
  ConsumerCreationTimestamp: new Date(c.createdMs),
});

/** The consumer a request named (by ARN, or by stream and name), with its stream. */
export function findConsumer(ctx: KinesisContext, ref: ConsumerRef): { stream: StreamMeta; consumer: Consumer } {
  const stream = ctx.registry.get(ref.stream.name);
  const consumer = stream ? liveConsumers(stream).find((c) => (ref.arn !== undefined ? c.arn === ref.arn : c.name === ref.name)) : undefined;
  if (!stream || !consumer) {
    throw new AwsError('ResourceNotFoundException', `Consumer ${ref.arn ?? ref.name}, account ${ctx.registry.account.accountId} not found.`);
  }
  return { stream, consumer };
}

export async function registerStreamConsumer(ctx: KinesisContext, input: { ConsumerName: string }, stream: StreamRef): Promise<Record<string, unknown>> {
  const s = ctx.registry.requireReadable(stream.name);
  const consumers = liveConsumers(s);
  const { accountId } = ctx.registry.account;
  if (consumers.some((c) => c.name === input.ConsumerName)) {
    throw new AwsError('ResourceInUseException', `Consumer ${input.ConsumerName} under stream ${s.name} under account ${accountId} already exists.`);
  }
  if (consumers.length >= MAX_CONSUMERS_PER_STREAM) {
    throw new AwsError('LimitExceededException',
      `Consumer ${input.ConsumerName} cannot be created because stream ${s.name} under account ${accountId} already has ${MAX_CONSUMERS_PER_STREAM} registered consumers.`);
  }
  const createdMs = Date.now();
  const delay = ctx.limits.createStreamMs;
  const consumer: Consumer = {
    name: input.ConsumerName,
    arn: `${s.arn}/consumer/${input.ConsumerName}:${Math.floor(createdMs / 1000)}`,
    createdMs,
    status: delay > 0 ? 'CREATING' : 'ACTIVE',
    ...(delay > 0 ? { statusUntilMs: createdMs + delay } : {}),
  };
  s.consumers = [...consumers, consumer];
  await ctx.registry.save(s);
  return { Consumer: describe(consumer) };
}

export async function deregisterStreamConsumer(ctx: KinesisContext, ref: ConsumerRef): Promise<void> {
  const { stream, consumer } = findConsumer(ctx, ref);
  const delay = ctx.registry.deleteDelayMs;
  if (delay > 0) {
    consumer.status = 'DELETING';
    consumer.statusUntilMs = Date.now() + delay;
  } else {
    stream.consumers = (stream.consumers ?? []).filter((c) => c !== consumer);
  }
  ctx.subscriptions.endFor(consumer.arn);
  await ctx.registry.save(stream);
}

export function describeStreamConsumer(ctx: KinesisContext, ref: ConsumerRef): Record<string, unknown> {
  const { stream, consumer } = findConsumer(ctx, ref);
  return { ConsumerDescription: { ...describe(consumer), StreamARN: stream.arn } };
}

export function listStreamConsumers(ctx: KinesisContext, input: { NextToken?: string; MaxResults?: number }, stream: StreamRef): Record<string, unknown> {
  const s = ctx.registry.require(stream.name);
  let after: string | undefined;
  if (input.NextToken !== undefined) {
    const token = decodeToken<{ after: string }>(input.NextToken);
    if (!token || typeof token.after !== 'string') throw invalidArgument('Invalid NextToken.');
    if (Date.now() - token.t > TOKEN_TTL_MS) throw new AwsError('ExpiredNextTokenException', 'The timestamp of the NextToken has expired.');
    after = token.after;
  }
  const all = liveConsumers(s).filter((c) => after === undefined || c.name > after).sort((a, b) => (a.name < b.name ? -1 : 1));
  const limit = input.MaxResults ?? 100;
  const page = all.slice(0, limit);
  return {
    Consumers: page.map(describe),
    ...(all.length > page.length ? { NextToken: encodeToken({ after: page[page.length - 1]!.name }) } : {}),
  };
}
