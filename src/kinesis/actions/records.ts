/** The data plane: writing records, positioning iterators, reading records. */
import { AwsError } from '../../protocol/errors.js';
import { validationError } from '../../protocol/shapes.js';
import { isStoreUnavailable } from '../../store/documents.js';
import { isShardSealed, type Appended, type NewRecord } from '../../store/stream-store.js';
import { invalidArgument, type KinesisContext } from '../context.js';
import type { IteratorState } from '../iterators.js';
import type { StreamRef } from '../targets.js';
import { javaDateString } from '../iterators.js';
import { explicitHash, partitionKeyHash, route, soleOpenShard } from '../routing.js';
import { parseSequence } from '../sequence.js';
import { PutResultList, type PutOutcome } from '../put-results.js';
import { sequenceOf, StoredRecordList } from '../stored-records.js';
import { shardIdOf, shardIndexOf } from '../shard-ids.js';
import { isOpen, shardId, type ShardMeta, type StreamMeta } from '../streams.js';

const ITERATOR_TTL_MS = 300_000;
const MAX_GET_BYTES = 10 * 1024 * 1024;
const MAX_PUT_RECORDS_BYTES = 5 * 1024 * 1024;

interface RecordInput {
  Data: Buffer;
  PartitionKey: string;
  ExplicitHashKey?: string;
}

function shardFor(s: StreamMeta, r: RecordInput): ShardMeta {
  let key: string;
  if (r.ExplicitHashKey !== undefined) {
    const hex = explicitHash(r.ExplicitHashKey);
    if (hex === undefined) {
      throw invalidArgument(`Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. Specified value was ${r.ExplicitHashKey}`);
    }
    key = hex;
  } else {
    const only = soleOpenShard(s);
    if (only) return only;
    key = partitionKeyHash(r.PartitionKey);
  }
  const sh = route(s, key);
  // Open shards always cover the whole hash space.
  if (!sh) throw new AwsError('InternalFailure', 'No open shard covers the hash key', 500);
  return sh;
}

const maxRecordBytes = (s: StreamMeta): number => s.maxRecordSizeKiB * 1024;

function tooLarge(path: string, r: RecordInput, max: number): string {
  const n = r.Data.length;
  return `Value 'java.nio.HeapByteBuffer[pos=0 lim=${n} cap=${n}]' at '${path}' failed to satisfy constraint: Member must have length less than or equal to ${max}`;
}

export async function putRecord(
  ctx: KinesisContext,
  input: RecordInput & { SequenceNumberForOrdering?: string },
  stream: StreamRef,
): Promise<Record<string, unknown>> {
  const { name } = stream;
  for (let attempt = 1; ; attempt++) {
    const s = ctx.registry.requireReadable(name);
    if (input.Data.length > maxRecordBytes(s)) throw validationError([tooLarge('data', input, maxRecordBytes(s))]);
    const sh = shardFor(s, input);
    if (attempt === 1 && !ctx.limiter.admitWrite(s.id, name, shardId(sh), input.Data.length + Buffer.byteLength(input.PartitionKey))) {
      throw new AwsError('ProvisionedThroughputExceededException', ctx.limiter.rateExceeded(name, shardId(sh)));
    }
    let after: number | undefined;
    if (input.SequenceNumberForOrdering !== undefined) {
      const parts = parseSequence(input.SequenceNumberForOrdering);
      if (!parts || parts.shardCreatedMs > Date.now()) {
        throw invalidArgument(`ExclusiveMinimumSequenceNumber ${input.SequenceNumberForOrdering} used in PutRecord on stream ${name} under account ${ctx.registry.account.accountId} is invalid.`);
      }
      if (parts.shard === sh.index && parts.shardCreatedMs === sh.createdMs) after = parts.n;
    }
    let done: Appended | undefined;
    try {
      [done] = await ctx.store.append([{ stream: s.id, shard: sh.index, partitionKey: input.PartitionKey, data: input.Data, ...(after !== undefined ? { after } : {}) }]);
    } catch (e) {
      // Another node closed the shard (a reshard) and this node has not seen it yet: look again and route anew.
      if (isShardSealed(e) && attempt < REROUTE_ATTEMPTS) {
        await rerouteDelay(ctx, name, attempt);
        continue;
      }
      throw storeFailure(e);
    }
    ctx.notifier.signal({ stream: s.id, shard: sh.index });
    return {
      ShardId: shardId(sh),
      SequenceNumber: sequenceOf(sh, done!.n),
      ...(s.encryption.type === 'KMS' ? { EncryptionType: 'KMS' } : {}),
    };
  }
}

const REROUTE_ATTEMPTS = 40;

async function rerouteDelay(ctx: KinesisContext, name: string, attempt: number): Promise<void> {
  if (attempt > 1) await new Promise((r) => setTimeout(r, Math.min(100, 10 * attempt)));
  await ctx.registry.refresh(name);
}

/** What a client is told when the store could not take or give records. */
function storeFailure(e: unknown): unknown {
  if (isStoreUnavailable(e)) return new AwsError('ServiceUnavailable', 'The service is unavailable. Please try again.', 503);
  if (isShardSealed(e)) return new AwsError('InternalFailure', 'The shard was closed by a reshard while the record was written; try again.', 500);
  return e;
}

export async function putRecords(ctx: KinesisContext, input: { Records: RecordInput[] }, stream: StreamRef): Promise<Record<string, unknown>> {
  const { name } = stream;
  let s = ctx.registry.requireReadable(name);
  const max = maxRecordBytes(s);
  const records = input.Records;
  const oversized = records.flatMap((r, i) => (r.Data.length > max ? [tooLarge(`records.${i + 1}.member.data`, r, max)] : []));
  if (oversized.length > 0) throw validationError(oversized.slice(0, 10));
  const sizes = records.map((r) => r.Data.length + Buffer.byteLength(r.PartitionKey));
  if (sizes.reduce((a, b) => a + b, 0) > MAX_PUT_RECORDS_BYTES) throw invalidArgument('Records size exceeds 5 MB limit');
  // Route every record first: one bad ExplicitHashKey fails the whole call, as in AWS.
  const shards = records.map((r) => shardFor(s, r));
  // Throttled records fail one by one; the rest are written.
  const admitted = shards.map((sh, i) => ctx.limiter.admitWrite(s.id, name, shardId(sh), sizes[i]!));
  const outcomes: Array<PutOutcome | undefined> = shards.map((sh, i) => admitted[i]
    ? undefined
    : { errorCode: 'ProvisionedThroughputExceededException', errorMessage: ctx.limiter.rateExceeded(name, shardId(sh)) });
  let pending = records.flatMap((_r, i) => (admitted[i] ? [i] : []));
  for (let attempt = 1; pending.length > 0; attempt++) {
    // One append per shard: a shard another node has just closed fails alone, and only its records are routed again.
    const byShard = new Map<ShardMeta, number[]>();
    for (const i of pending) {
      const sh = attempt === 1 ? shards[i]! : shardFor(s, records[i]!);
      shards[i] = sh;
      const list = byShard.get(sh);
      if (list) list.push(i);
      else byShard.set(sh, [i]);
    }
    const groups = [...byShard];
    const settled = groups.length === 1
      ? [await ctx.store.append(toRecords(s, groups[0]![0], groups[0]![1], records)).then((value) => ({ status: 'fulfilled' as const, value }), (reason: unknown) => ({ status: 'rejected' as const, reason }))]
      : await Promise.allSettled(groups.map(([sh, idx]) => ctx.store.append(toRecords(s, sh, idx, records))));
    const retry: number[] = [];
    settled.forEach((r, g) => {
      const [sh, idx] = groups[g]!;
      if (r.status === 'fulfilled') {
        ctx.notifier.signal({ stream: s.id, shard: sh.index });
        idx.forEach((i, k) => { outcomes[i] = { shard: sh, n: r.value[k]!.n }; });
      } else if (isShardSealed(r.reason) && attempt < REROUTE_ATTEMPTS) {
        retry.push(...idx);
      } else if (isShardSealed(r.reason) || isStoreUnavailable(r.reason)) {
        for (const i of idx) outcomes[i] = { errorCode: 'InternalFailure', errorMessage: 'Internal service failure.' };
      } else {
        throw r.reason;
      }
    });
    pending = retry.sort((a, b) => a - b);
    if (pending.length > 0) {
      await rerouteDelay(ctx, name, attempt);
      s = ctx.registry.requireReadable(name);
    }
  }
  const failed = outcomes.filter((o) => o !== undefined && 'errorCode' in o).length;
  return {
    FailedRecordCount: failed,
    Records: new PutResultList(outcomes as PutOutcome[]),
    ...(s.encryption.type === 'KMS' ? { EncryptionType: 'KMS' } : {}),
  };
}

function toRecords(s: StreamMeta, sh: ShardMeta, idx: readonly number[], records: readonly RecordInput[]): NewRecord[] {
  return idx.map((i) => ({ stream: s.id, shard: sh.index, partitionKey: records[i]!.PartitionKey, data: records[i]!.Data }));
}

export function findShard(ctx: KinesisContext, s: StreamMeta, requested: string): ShardMeta {
  const index = shardIndexOf(requested);
  const { accountId } = ctx.registry.account;
  if (index === undefined) {
    throw new AwsError('ResourceNotFoundException', `Could not find shard ${requested} in stream ${s.name} under account ${accountId}.`);
  }
  const sh = s.shards.find((x) => x.index === index);
  if (!sh) throw new AwsError('ResourceNotFoundException', `Shard ${shardIdOf(index)} in stream ${s.name} under account ${accountId} does not exist`);
  return sh;
}

export interface StartingPoint {
  readonly type: string;
  readonly sequenceNumber?: string;
  readonly timestamp?: Date;
  /** Names the calling action in messages ("GetShardIterator", "SubscribeToShard"). */
  readonly action: string;
}

/** The first position a reader starting at `p` reads, with AWS's errors for a wrong request. */
export async function startPosition(ctx: KinesisContext, s: StreamMeta, sh: ShardMeta, p: StartingPoint): Promise<number> {
  const { accountId } = ctx.registry.account;
  const ref = { stream: s.id, shard: sh.index };
  const type = p.type;
  const wantsSequence = type === 'AT_SEQUENCE_NUMBER' || type === 'AFTER_SEQUENCE_NUMBER';
  if (p.sequenceNumber !== undefined && (type === 'TRIM_HORIZON' || type === 'LATEST')) {
    throw invalidArgument('Must either specify (1) AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER and StartingSequenceNumber or ' +
      `(2) TRIM_HORIZON or LATEST and no StartingSequenceNumber. Request specified ${type} and also a StartingSequenceNumber.`);
  }
  if (wantsSequence) {
    if (p.sequenceNumber === undefined) {
      throw invalidArgument('Must either specify (1) AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER and StartingSequenceNumber or ' +
        `(2) TRIM_HORIZON or LATEST and no StartingSequenceNumber. Request specified ${type} and no StartingSequenceNumber.`);
    }
    const seq = p.sequenceNumber;
    const parts = parseSequence(seq);
    if (!parts) {
      throw invalidArgument(`StartingSequenceNumber ${seq} used in ${p.action} on shard ${shardId(sh)} in stream ${s.name} under account ${accountId} is invalid.`);
    }
    if (parts.shard !== sh.index) {
      throw invalidArgument(`Invalid StartingSequenceNumber. It encodes ${shardIdOf(parts.shard)}, while it was used in a call to a shard with ${shardId(sh)}`);
    }
    if (parts.shardCreatedMs !== sh.createdMs) {
      throw invalidArgument(`StartingSequenceNumber ${seq} used in ${p.action} on shard ${shardId(sh)} in stream ${s.name} under account ${accountId} is invalid because it did not come from this stream.`);
    }
    return type === 'AT_SEQUENCE_NUMBER' ? parts.n : parts.n + 1;
  }
  if (type === 'TRIM_HORIZON') return 0;
  if (type === 'LATEST') return sh.endPosition !== undefined ? sh.endPosition + 1 : (await ctx.store.lastPosition(ref)) + 1;
  // AT_TIMESTAMP
  if (p.timestamp === undefined) {
    throw invalidArgument('Must specify timestampInMillis parameter for iterator of type AT_TIMESTAMP. Current request has no timestamp parameter.');
  }
  const at = p.timestamp.getTime();
  const now = Date.now();
  if (at > now) {
    throw invalidArgument(`The timestampInMillis parameter cannot be greater than the currentTimestampInMillis. timestampInMillis: ${at}, currentTimestampInMillis: ${now}`);
  }
  return (await ctx.store.firstAtOrAfter(ref, at)) ?? (await ctx.store.lastPosition(ref)) + 1;
}

export async function getShardIterator(
  ctx: KinesisContext,
  input: { ShardId: string; ShardIteratorType: string; StartingSequenceNumber?: string; Timestamp?: Date },
  stream: StreamRef,
): Promise<Record<string, unknown>> {
  const { name } = stream;
  const s = ctx.registry.requireReadable(name);
  const sh = findShard(ctx, s, input.ShardId);
  const position = await startPosition(ctx, s, sh, {
    type: input.ShardIteratorType,
    action: 'GetShardIterator',
    ...(input.StartingSequenceNumber !== undefined ? { sequenceNumber: input.StartingSequenceNumber } : {}),
    ...(input.Timestamp !== undefined ? { timestamp: input.Timestamp } : {}),
  });
  return { ShardIterator: ctx.iterators.encode({ streamName: name, streamId: s.id, shard: sh.index, position, issuedMs: Date.now() }) };
}

/**
 * Record bytes that fit in an answer of `answerBytes`: JSON carries data as
 * base64 (4/3) plus some 200 bytes of fields per record, so 70% is safe.
 */
const recordBytesIn = (answerBytes: number): number => Math.floor(answerBytes * 0.7);

/**
 * `it` is the iterator the call was authorized on (undefined when the text was not one of ours).
 * `answerRoom` is what the transport can still hold for this client (SluiceRequest.answerRoom):
 * while slow readers pin most of it, answers get smaller (never empty: at least one record is
 * returned) instead of being built and refused. AWS's answers vary in size with shard load too.
 */
export async function getRecords(
  ctx: KinesisContext,
  input: { Limit?: number },
  it: IteratorState | undefined,
  answerRoom?: number,
): Promise<Record<string, unknown>> {
  if (!it) throw invalidArgument('Invalid ShardIterator.');
  const now = Date.now();
  if (now - it.issuedMs > ITERATOR_TTL_MS) {
    throw new AwsError('ExpiredIteratorException',
      `Iterator expired. The iterator was created at time ${javaDateString(it.issuedMs)} while right now it is ${javaDateString(now)} ` +
      `which is further in the future than the tolerated delay of ${ITERATOR_TTL_MS} milliseconds.`);
  }
  const { accountId } = ctx.registry.account;
  const s = ctx.registry.get(it.streamName);
  const sh = s && s.id === it.streamId && s.status !== 'DELETING' ? s.shards.find((x) => x.index === it.shard) : undefined;
  if (!s || !sh) {
    throw new AwsError('ResourceNotFoundException', `Shard ${shardIdOf(it.shard)} in stream ${it.streamName} under account ${accountId} does not exist`);
  }
  const ref = { stream: s.id, shard: sh.index };
  ctx.limiter.admitRead(s.id, s.name, shardId(sh));
  const read = await ctx.store.read(ref, {
    from: it.position,
    limit: input.Limit ?? 10_000,
    maxBytes: answerRoom === undefined ? MAX_GET_BYTES : Math.min(MAX_GET_BYTES, recordBytesIn(answerRoom)),
    notBeforeMs: now - s.retentionHours * 3_600_000,
    ...(sh.endPosition !== undefined ? { to: sh.endPosition } : {}),
  });
  ctx.limiter.chargeRead(s.id, shardId(sh), read.dataBytes);
  const last = read.runs[read.runs.length - 1];
  const next = last ? last.firstN + last.count : it.position;
  const tail = sh.endPosition ?? (await ctx.store.lastPosition(ref));
  const caughtUp = next > tail;
  const closedAndDone = sh.endPosition !== undefined && caughtUp;
  return {
    Records: new StoredRecordList(read, sh, s.encryption.type === 'KMS'),
    ...(closedAndDone
      ? { ChildShards: childShardsOf(s, sh) }
      : { NextShardIterator: ctx.iterators.encode({ ...it, position: next, issuedMs: now }) }),
    MillisBehindLatest: caughtUp || !last ? 0 : Math.max(0, now - last.arrivalMs),
  };
}

export function childShardsOf(s: StreamMeta, parent: ShardMeta): Array<Record<string, unknown>> {
  return s.shards
    .filter((c) => c.parent === parent.index || c.adjacentParent === parent.index)
    .map((c) => ({
      ShardId: shardId(c),
      ParentShards: [c.parent, c.adjacentParent].filter((p): p is number => p !== undefined).map(shardIdOf),
      HashKeyRange: { StartingHashKey: c.startHash, EndingHashKey: c.endHash },
    }));
}
