/**
 * What a stored stream document must look like before the registry takes it.
 * State written by an older version, by hand, or (before numbers were checked
 * at the protocol layer) with a NaN in it must not crash start-up or drive
 * the retention sweep: a document that fails these checks is reported and
 * set aside, and the rest of the server starts.
 */
import type { PendingChange, StreamMeta } from './streams.js';

const STATUSES = new Set(['CREATING', 'ACTIVE', 'UPDATING', 'DELETING']);
const isInt = (v: unknown, min = 0): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= min;
const isTime = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;
const isHash = (v: unknown): v is string => typeof v === 'string' && /^(0|[1-9]\d{0,38})$/.test(v);

/** The first thing wrong with a stream document, or undefined when it can be served. */
export function streamDocProblem(doc: unknown): string | undefined {
  if (doc === null || typeof doc !== 'object') return 'not an object';
  const s = doc as Partial<StreamMeta>;
  if (typeof s.name !== 'string' || s.name === '') return 'no name';
  if (typeof s.arn !== 'string') return 'no ARN';
  if (!isInt(s.id, 1)) return `storage id ${String(s.id)} is not a positive integer`;
  if (!isTime(s.createdMs)) return `creation time ${String(s.createdMs)} is not a time`;
  if (!STATUSES.has(s.status as string)) return `status ${String(s.status)} is unknown`;
  if (s.statusUntilMs !== undefined && !isTime(s.statusUntilMs)) return `status deadline ${String(s.statusUntilMs)} is not a time`;
  if (!isInt(s.retentionHours, 1)) return `retention ${String(s.retentionHours)} hours is not a positive integer`;
  if (s.mode !== 'PROVISIONED' && s.mode !== 'ON_DEMAND') return `mode ${String(s.mode)} is unknown`;
  if (!isInt(s.maxRecordSizeKiB, 1)) return `maximum record size ${String(s.maxRecordSizeKiB)} KiB is not a positive integer`;
  if (!Array.isArray(s.shards) || s.shards.length === 0) return 'no shards';
  for (const sh of s.shards) {
    if (!sh || !isInt(sh.index) || !isHash(sh.startHash) || !isHash(sh.endHash) || !isTime(sh.createdMs)) return `shard ${JSON.stringify(sh)} is malformed`;
    if (sh.endPosition !== undefined && !isInt(sh.endPosition)) return `shard ${sh.index} has end position ${String(sh.endPosition)}`;
  }
  if (s.tags === null || typeof s.tags !== 'object') return 'tags are not a map';
  return undefined;
}

/** Whether a pending reshard can be applied; a bad one is dropped (the stream stays as it is). */
export function pendingChangeProblem(change: PendingChange, shardIndexes: ReadonlySet<number>, shardLimit: number): string | undefined {
  switch (change.kind) {
    case 'split':
      return shardIndexes.has(change.shard) && isHash(change.newStartingHashKey) ? undefined : `split ${JSON.stringify(change)} is malformed`;
    case 'merge':
      return shardIndexes.has(change.shard) && shardIndexes.has(change.adjacent) ? undefined : `merge ${JSON.stringify(change)} is malformed`;
    case 'scale':
      return isInt(change.target, 1) && change.target <= shardLimit ? undefined : `scaling to ${String(change.target)} shards is not possible`;
    default:
      return `change ${JSON.stringify(change)} is unknown`;
  }
}
