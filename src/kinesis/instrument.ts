/**
 * The data-plane calls, measured for the metrics registry (metrics.ts): what
 * each PutRecord, PutRecords and GetRecords wrote or read, by stream and shard,
 * what was refused for throughput, and how long the call took.
 */
import { isAwsError } from '../protocol/errors.js';
import type { OperationHandler } from '../protocol/json-rpc.js';
import type { KinesisContext } from './context.js';
import type { ShardCount } from './metrics.js';
import type { PutOutcome, PutResultList } from './put-results.js';
import { shardIdOf } from './shard-ids.js';
import type { StoredRecordList } from './stored-records.js';
import { shardId } from './streams.js';
import type { KinesisTarget } from './targets.js';

type Handler = OperationHandler<KinesisTarget>;

interface RecordIn {
  readonly Data: Buffer;
  readonly PartitionKey: string;
}

const THROTTLED = 'ProvisionedThroughputExceededException';
const recordBytes = (r: RecordIn): number => r.Data.length + Buffer.byteLength(r.PartitionKey);

function streamName(target: KinesisTarget): string {
  if (target.kind === 'stream') return target.stream.name;
  if (target.kind === 'iterator') return target.stream?.name ?? '';
  return target.kind === 'consumer' ? target.consumer.stream.name : '';
}

/** Adds per-shard counts of `bytes` for one record to `into`. */
function add(into: Map<string, { records: number; bytes: number }>, shard: string, bytes: number): void {
  const c = into.get(shard);
  if (c) {
    c.records++;
    c.bytes += bytes;
  } else into.set(shard, { records: 1, bytes });
}

const counts = (m: Map<string, { records: number; bytes: number }>): ShardCount[] => [...m].map(([shardId, c]) => ({ shardId, records: c.records, bytes: c.bytes }));

export function withMetrics(ctx: KinesisContext, handlers: Record<string, Handler>): Record<string, Handler> {
  const m = ctx.metrics;
  const shardLevel = (name: string): readonly string[] => ctx.registry.get(name)?.shardLevelMetrics ?? [];
  const wrapped = { ...handlers };

  const putRecord = handlers['PutRecord']!;
  wrapped['PutRecord'] = async (input: RecordIn, call) => {
    const started = performance.now();
    const stream = streamName(call.target);
    try {
      const out = (await putRecord(input, call)) as { ShardId: string };
      m.put('PutRecord', stream, [{ shardId: out.ShardId, records: 1, bytes: recordBytes(input) }], [], 0, performance.now() - started, true, shardLevel(stream));
      return out;
    } catch (e) {
      const throttled = isAwsError(e) && e.code === THROTTLED ? [{ shardId: '', records: 1, bytes: recordBytes(input) }] : [];
      m.put('PutRecord', stream, [], throttled, 0, performance.now() - started, false, shardLevel(stream));
      throw e;
    }
  };

  const putRecords = handlers['PutRecords']!;
  wrapped['PutRecords'] = async (input: { Records: RecordIn[] }, call) => {
    const started = performance.now();
    const stream = streamName(call.target);
    try {
      const out = (await putRecords(input, call)) as { Records: PutResultList };
      const written = new Map<string, { records: number; bytes: number }>();
      const throttled = new Map<string, { records: number; bytes: number }>();
      let failed = 0;
      out.Records.outcomes.forEach((o: PutOutcome, i) => {
        const bytes = recordBytes(input.Records[i]!);
        if ('shard' in o) add(written, shardId(o.shard), bytes);
        else if (o.errorCode === THROTTLED) add(throttled, '', bytes);
        else failed++;
      });
      m.put('PutRecords', stream, counts(written), counts(throttled), failed, performance.now() - started, true, shardLevel(stream));
      return out;
    } catch (e) {
      m.put('PutRecords', stream, [], [], 0, performance.now() - started, false, shardLevel(stream));
      throw e;
    }
  };

  const getRecords = handlers['GetRecords']!;
  wrapped['GetRecords'] = async (input, call) => {
    const started = performance.now();
    const stream = streamName(call.target);
    const shard = call.target.kind === 'iterator' && call.target.iterator ? shardIdOf(call.target.iterator.shard) : '';
    try {
      const out = (await getRecords(input, call)) as { Records: StoredRecordList; MillisBehindLatest: number };
      m.get(stream, shard, out.Records.length, out.Records.dataBytes, out.MillisBehindLatest, performance.now() - started, true, shardLevel(stream));
      return out;
    } catch (e) {
      if (isAwsError(e) && e.code === THROTTLED) m.readThrottled(stream, shard, shardLevel(stream));
      m.get(stream, shard, 0, 0, 0, performance.now() - started, false, shardLevel(stream));
      throw e;
    }
  };
  return wrapped;
}
