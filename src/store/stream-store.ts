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

export interface ShardOptions {
  /** Records older than this are deleted by the store (a cluster engine enforces it itself). */
  readonly retentionHours: number;
}

export interface StreamStore {
  /** A fresh, never-used stream storage id (unique across every process sharing the store). */
  allocateStreamId(): Promise<number>;
  /**
   * Makes the shards ready to take records (idempotent: shards that exist are
   * left as they are). The embedded store needs nothing; a cluster store
   * creates their replicated logs.
   */
  createShards(stream: number, shards: readonly number[], options: ShardOptions): Promise<void>;
  /**
   * Closes a shard for writes, everywhere: appends to it fail with ShardSealed
   * from then on (whichever process makes them), and the position returned is
   * its final last position. Idempotent.
   */
  seal(shard: ShardRef): Promise<number>;
  /**
   * Appends durably: when the promise resolves, every record is on disk (in a
   * cluster: on a quorum of the shard's replicas). Results are in input order.
   * Rejects with ShardSealed when a record's shard was sealed, StoreUnavailable
   * when the store could not acknowledge in time.
   */
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

/** A write to a sealed (closed) shard: the writer's view of the stream is behind; refresh it and route again. */
export class ShardSealed extends Error {
  constructor(readonly shard: ShardRef) {
    super(`shard ${shard.shard} of stream ${shard.stream} is closed for writes`);
    this.name = 'ShardSealed';
  }
}

export const isShardSealed = (e: unknown): e is ShardSealed => e instanceof Error && e.name === 'ShardSealed';

/**
 * Wake-ups for readers waiting on a shard (SubscribeToShard): `signal` after
 * records are durable there, `wait` until the next signal. In a cluster a
 * signal on one process wakes waiters on every process. A wake-up only means
 * "look again"; records are always read from the store.
 */
export interface ShardWakeups {
  signal(ref: ShardRef): void;
  /**
   * How many signals the shard has had so far (and, in a cluster, start
   * listening for other processes' signals). Take it before reading, pass it
   * to `wait`: a signal that came while the read was under way is not lost.
   */
  mark(ref: ShardRef): number;
  /** Resolves on the next signal for the shard (at once if there was one since `since`), after `timeoutMs`, or when `abort` fires. */
  wait(ref: ShardRef, timeoutMs: number, abort: AbortSignal, since?: number): Promise<void>;
}
