/**
 * SubscribeToShard: an event stream that pushes records as they become
 * durable (the notifier wakes it; no polling delay), sends an event at least
 * every 5 s, ends after 5 minutes, and ends with ChildShards at the end of a
 * closed shard.
 */
import { AwsError } from '../../protocol/errors.js';
import { eventMessage, EVENT_STREAM_TYPE } from '../../protocol/event-stream.js';
import { CBOR_TYPE, encodeBody, type CallContext, type OperationResult } from '../../protocol/json-rpc.js';
import { shapeOutput } from '../../protocol/shapes.js';
import type { KinesisContext } from '../context.js';
import { kinesisModel } from '../model.js';
import { formatSequence } from '../sequence.js';
import { shardId, type ShardMeta } from '../streams.js';
import { findConsumer } from './consumers.js';
import type { ConsumerRef } from '../targets.js';
import { childShardsOf, findShard, startPosition } from './records.js';
import { sequenceOf, StoredRecordList } from '../stored-records.js';

const SUBSCRIPTION_MS = 5 * 60_000;
const HEARTBEAT_MS = 5_000;
const MAX_EVENT_RECORDS = 10_000;
const MAX_EVENT_BYTES = 2 * 1024 * 1024;

interface SubscribeInput {
  ConsumerARN: string;
  ShardId: string;
  StartingPosition: { Type: string; SequenceNumber?: string; Timestamp?: Date };
}

export async function subscribeToShard(ctx: KinesisContext, input: SubscribeInput, call: CallContext, ref: ConsumerRef): Promise<OperationResult> {
  const { stream, consumer } = findConsumer(ctx, ref);
  if (consumer.status !== 'ACTIVE') {
    throw new AwsError('ResourceInUseException', `Consumer ${consumer.arn} is not ACTIVE, instead in state ${consumer.status}.`);
  }
  if (stream.status === 'CREATING' || stream.status === 'DELETING') throw ctx.registry.notFound(stream.name);
  let sh = findShard(ctx, stream, input.ShardId);
  const sp = input.StartingPosition;
  let position = await startPosition(ctx, stream, sh, {
    type: sp.Type,
    action: 'SubscribeToShard',
    ...(sp.SequenceNumber !== undefined ? { sequenceNumber: sp.SequenceNumber } : {}),
    ...(sp.Timestamp !== undefined ? { timestamp: sp.Timestamp } : {}),
  });
  const subscription = ctx.subscriptions.open(consumer.arn, shardId(sh));
  const { signal } = subscription;
  const contentType = call.format === 'cbor' ? CBOR_TYPE : 'application/x-amz-json-1.1';
  const encodeEvent = (event: Record<string, unknown>): Buffer =>
    eventMessage('SubscribeToShardEvent', contentType,
      encodeBody(call.format, shapeOutput(kinesisModel, { shape: 'SubscribeToShardEvent' }, event, call.format)));

  async function* events(): AsyncGenerator<Uint8Array> {
    const deadline = Date.now() + SUBSCRIPTION_MS;
    const ref = { stream: stream.id, shard: sh.index };
    yield eventMessage('initial-response', contentType, encodeBody(call.format, {}));
    let lastEventMs = Date.now();
    // The stream as this node sees it now: its document may be replaced (by this node or another) while we stream.
    const current = (): ShardMeta | undefined => {
      const s = ctx.registry.get(stream.name);
      return s && s.id === stream.id && s.status !== 'DELETING' ? s.shards.find((x) => x.index === sh.index) : undefined;
    };
    while (!signal.aborted && Date.now() < deadline) {
      const latest = current();
      if (!latest) return;
      sh = latest;
      // Taken before reading: a record that lands while we read wakes the wait below at once.
      const mark = ctx.notifier.mark(ref);
      const now = Date.now();
      const read = await ctx.store.read(ref, {
        from: position,
        limit: MAX_EVENT_RECORDS,
        maxBytes: MAX_EVENT_BYTES,
        notBeforeMs: now - stream.retentionHours * 3_600_000,
        ...(sh.endPosition !== undefined ? { to: sh.endPosition } : {}),
      });
      const last = read.runs[read.runs.length - 1];
      if (last) position = last.firstN + last.count;
      const tail = sh.endPosition ?? (await ctx.store.lastPosition(ref));
      const finished = sh.endPosition !== undefined && position > sh.endPosition;
      if (read.count > 0 || finished || now - lastEventMs >= HEARTBEAT_MS) {
        const millisBehindLatest = position > tail || !last ? 0 : Math.max(0, now - last.arrivalMs);
        yield encodeEvent({
          Records: new StoredRecordList(read, sh, stream.encryption.type === 'KMS'),
          ContinuationSequenceNumber: continuation(sh, position),
          MillisBehindLatest: millisBehindLatest,
          ...(finished ? { ChildShards: childShardsOf(ctx.registry.get(stream.name) ?? stream, sh) } : {}),
        });
        ctx.metrics.subscribeEvent(stream.name, consumer.name, read.count, read.dataBytes, millisBehindLatest);
        lastEventMs = Date.now();
        if (finished) return;
      }
      if (read.count === 0) {
        await ctx.notifier.wait(ref, Math.max(1, Math.min(HEARTBEAT_MS - (Date.now() - lastEventMs), deadline - Date.now())), signal, mark);
      }
    }
  }

  return {
    headers: { 'content-type': EVENT_STREAM_TYPE },
    streaming: {
      kind: 'stream',
      chunks: events(),
      onAbort: () => subscription.close(),
    },
  };
}

/** The number to resume after: the last record delivered (or the shard's start). */
function continuation(sh: ShardMeta, nextPosition: number): string {
  return nextPosition > 0 ? sequenceOf(sh, nextPosition - 1) : formatSequence({ shardCreatedMs: sh.createdMs, shard: sh.index, n: 0 });
}

