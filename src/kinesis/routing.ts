/**
 * Routing records to open shards. Hash keys are compared as 32-digit
 * lowercase hex strings (MD5 digests already are), which order exactly like
 * the 128-bit integers and avoid a BigInt per record on the write path.
 */
import { hash } from 'node:crypto';
import { MAX_HASH_KEY } from './hashing.js';
import { isOpen, type ShardMeta, type StreamMeta } from './streams.js';

const toHex = (decimal: string): string => BigInt(decimal).toString(16).padStart(32, '0');

/** The hex hash key of a partition key: its MD5. */
export const partitionKeyHash = (partitionKey: string): string => hash('md5', partitionKey, 'hex');

/** The hex hash key of an ExplicitHashKey (decimal), or undefined when it exceeds 2^128 - 1. */
export function explicitHash(decimal: string): string | undefined {
  const v = BigInt(decimal);
  return v > MAX_HASH_KEY ? undefined : v.toString(16).padStart(32, '0');
}

interface Range {
  readonly lo: string;
  readonly hi: string;
  readonly shard: ShardMeta;
}

const routers = new WeakMap<StreamMeta, Range[]>();

function build(s: StreamMeta): Range[] {
  return s.shards
    .filter(isOpen)
    .map((shard) => ({ lo: toHex(shard.startHash), hi: toHex(shard.endHash), shard }))
    .sort((a, b) => (a.lo < b.lo ? -1 : 1));
}

function rangesOf(s: StreamMeta): Range[] {
  let ranges = routers.get(s);
  if (!ranges) routers.set(s, (ranges = build(s)));
  return ranges;
}

/** The only open shard, when there is just one: every record goes there, no hashing needed. */
export function soleOpenShard(s: StreamMeta): ShardMeta | undefined {
  const ranges = rangesOf(s);
  return ranges.length === 1 ? ranges[0]!.shard : undefined;
}

/** The open shard whose range holds `hexKey`; open shards always cover the whole space. */
export function route(s: StreamMeta, hexKey: string): ShardMeta | undefined {
  const ranges = rangesOf(s);
  let lo = 0;
  let hi = ranges.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const r = ranges[mid]!;
    if (hexKey < r.lo) hi = mid - 1;
    else if (hexKey > r.hi) lo = mid + 1;
    else return r.shard;
  }
  return undefined;
}

/** Call whenever the set of open shards changes. */
export function invalidateRouting(s: StreamMeta): void {
  routers.delete(s);
}
