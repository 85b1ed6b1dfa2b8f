/**
 * Record storage for Kinesis shards. Async so a distributed backend can stand
 * in for the embedded one; the Kinesis actions only ever see this interface.
 *
 * Positions within a shard are plain increasing integers (`n`); the Kinesis
 * layer turns them into 56-digit sequence numbers. Arrival times never
 * decrease within a shard, which lets timestamp look-ups bisect.
 */
import type { ByteSlice } from '../protocol/blob.js';

export interface ShardRef {
  /** The stream's storage id (never reused, so a re-created stream starts empty). */
  readonly stream: number;
  readonly shard: number;
}

export interface NewRecord extends ShardRef {
  readonly partitionKey: string;
  readonly data: Buffer;
  /** The record's position must be strictly greater than this (SequenceNumberForOrdering). */
  readonly after?: number;
}

export interface Appended {
  readonly n: number;
  readonly arrivalMs: number;
}

export interface StoredRecord {
  readonly n: number;
  readonly arrivalMs: number;
  readonly partitionKey: string;
  /** The record's bytes where they lie in storage (no copy per record). */
  readonly data: ByteSlice;
}

/**
 * Consecutive records stored together: entries of one chunk (layout in
 * chunk.ts), at positions firstN, firstN + 1, ... and one arrival time.
 * Readers walk the entries where they lie, so a 10,000-record read makes a
 * few objects, not several per record.
 */
export interface RecordRun {
  readonly chunk: Buffer;
  /** Byte offset of the run's first entry; `count` entries follow from there. */
  readonly start: number;
  readonly firstN: number;
  readonly count: number;
  readonly arrivalMs: number;
}

export interface ReadResult {
  readonly runs: readonly RecordRun[];
  /** Records in all runs. */
  readonly count: number;
  /** Data bytes in all runs (partition keys not counted). */
  readonly dataBytes: number;
}

export interface ReadOptions {
  /** First position to return (inclusive). */
  readonly from: number;
  readonly limit: number;
  /** Stop before the record that would take the total data past this many bytes (at least one is returned). */
  readonly maxBytes: number;
  /** Records that arrived before this are expired and skipped. */
  readonly notBeforeMs: number;
  /** Records past this position are not returned (a closed shard's end). */
  readonly to?: number;
}

export interface StreamStore {
  /** A fresh, never-used stream storage id. */
  allocateStreamId(): Promise<number>;
  /** Appends durably: when the promise resolves, every record is on disk. Results are in input order. */
  append(records: readonly NewRecord[]): Promise<Appended[]>;
  read(shard: ShardRef, options: ReadOptions): Promise<ReadResult>;
  /** Resolves once every append accepted before this call is durable. */
  barrier(): Promise<void>;
  /** The highest position written to the shard (0 when empty). */
  lastPosition(shard: ShardRef): Promise<number>;
  /** The first position whose arrival time is at or after `ms`, if any. */
  firstAtOrAfter(shard: ShardRef, ms: number): Promise<number | undefined>;
  /** Deletes records that arrived before `ms`; returns how many. */
  trim(shard: ShardRef, beforeMs: number): Promise<number>;
  /** Deletes every record of a stream. */
  dropStream(stream: number): Promise<void>;
  /** A secret that survives restarts (iterator encryption). */
  secret(name: string): Promise<Buffer>;
  close(): Promise<void>;
}
