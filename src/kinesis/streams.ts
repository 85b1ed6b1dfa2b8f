/**
 * Stream metadata: kept in memory (it is small), persisted as documents, and
 * moved through AWS's states (CREATING → ACTIVE, UPDATING → ACTIVE,
 * DELETING → gone) on timers that survive restarts.
 */
import { AwsError } from '../protocol/errors.js';
import type { DocumentStore } from '../store/documents.js';
import type { StreamStore } from '../store/stream-store.js';
import { formatSequence } from './sequence.js';
import { pendingChangeProblem, streamDocProblem } from './stream-doc.js';
import { shardIdOf } from './shard-ids.js';
import type { LogFn } from '../server/logger.js';

export type StreamStatus = 'CREATING' | 'ACTIVE' | 'UPDATING' | 'DELETING';
export type StreamMode = 'PROVISIONED' | 'ON_DEMAND';

export interface ShardMeta {
  readonly index: number;
  /** Hash range bounds as decimal strings (they exceed 2^53). */
  readonly startHash: string;
  readonly endHash: string;
  readonly createdMs: number;
  readonly parent?: number;
  readonly adjacentParent?: number;
  /** Set when the shard is closed: its last position and when it closed. */
  endPosition?: number;
  closedMs?: number;
}

/** A change that takes effect when the stream's UPDATING period ends (as AWS applies reshards). */
export type PendingChange =
  | { readonly kind: 'split'; readonly shard: number; readonly newStartingHashKey: string }
  | { readonly kind: 'merge'; readonly shard: number; readonly adjacent: number }
  | { readonly kind: 'scale'; readonly target: number };

export interface Consumer {
  readonly name: string;
  readonly arn: string;
  readonly createdMs: number;
  status: 'CREATING' | 'ACTIVE' | 'DELETING';
  statusUntilMs?: number;
  resourcePolicy?: string;
}

export interface StreamMeta {
  readonly name: string;
  readonly arn: string;
  /** Storage id; a re-created stream of the same name gets a new one. */
  readonly id: number;
  readonly createdMs: number;
  status: StreamStatus;
  /** When the current transitional status ends. */
  statusUntilMs?: number;
  retentionHours: number;
  mode: StreamMode;
  shards: ShardMeta[];
  tags: Record<string, string>;
  encryption: { type: 'NONE' } | { type: 'KMS'; keyId: string };
  shardLevelMetrics: string[];
  maxRecordSizeKiB: number;
  pending?: PendingChange;
  consumers?: Consumer[];
  /** Times of recent UpdateShardCount calls (for the 10-per-24-hours rule). */
  scalingHistory?: number[];
  warmThroughputMiBps?: number;
  resourcePolicy?: string;
}

export interface Account {
  readonly region: string;
  readonly accountId: string;
}

export interface Delays {
  readonly createStreamMs: number;
  readonly deleteStreamMs: number;
  readonly updateStreamMs: number;
}

const KIND = 'kinesis-stream';

/** Open shards take writes; a shard stops taking them the moment a reshard closes it. */
export const isOpen = (s: ShardMeta): boolean => s.closedMs === undefined;
export const shardId = (s: ShardMeta): string => shardIdOf(s.index);
export const startingSequence = (s: ShardMeta): string => formatSequence({ shardCreatedMs: s.createdMs, shard: s.index, n: 0 });
export const endingSequence = (s: ShardMeta): string | undefined =>
  s.endPosition === undefined ? undefined : formatSequence({ shardCreatedMs: s.createdMs, shard: s.index, n: s.endPosition });

export class StreamRegistry {
  private readonly streams = new Map<string, StreamMeta>();
  private readonly timers = new Set<NodeJS.Timeout>();

  /** Applies a stream's pending change when its UPDATING period ends (set by the resharding module). */
  applyPending: (meta: StreamMeta) => Promise<void> = async () => {};

  constructor(
    readonly account: Account,
    private readonly delays: Delays,
    private readonly documents: DocumentStore,
    private readonly records: StreamStore,
  ) {}

  /** Where problems with stored state and background work are reported. */
  log: LogFn = () => {};

  /**
   * Loads persisted streams and resumes any transition that was under way. A
   * document that cannot be served is reported and set aside (its records
   * stay on disk); a pending reshard that cannot be applied is dropped.
   */
  async load(shardLimit: number): Promise<void> {
    for (const { id, doc } of await this.documents.list<StreamMeta>(KIND)) {
      const problem = streamDocProblem(doc);
      if (problem) {
        this.log(`kinesis: stream ${JSON.stringify(id)} could not be loaded: ${problem}; its document was set aside (kind quarantine:${KIND}), the rest of the server starts`, 'error');
        await this.documents.quarantine(KIND, id, problem);
        continue;
      }
      if (doc.pending) {
        const bad = pendingChangeProblem(doc.pending, new Set(doc.shards.map((sh) => sh.index)), shardLimit);
        if (bad) {
          this.log(`kinesis: stream ${doc.name}: the reshard it was waiting for was dropped: ${bad}`, 'warn');
          delete doc.pending;
          await this.save(doc);
        }
      }
      this.streams.set(doc.name, doc);
      this.scheduleTransition(doc);
    }
  }

  arnOf(name: string): string {
    return `arn:aws:kinesis:${this.account.region}:${this.account.accountId}:stream/${name}`;
  }

  get(name: string): StreamMeta | undefined {
    return this.streams.get(name);
  }

  /** Every stream, by name. */
  all(): StreamMeta[] {
    return [...this.streams.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  openShardCount(): number {
    let n = 0;
    for (const s of this.streams.values()) if (s.status !== 'DELETING') n += s.shards.filter(isOpen).length;
    return n;
  }

  notFound(name: string): AwsError {
    return new AwsError('ResourceNotFoundException', `Stream ${name} under account ${this.account.accountId} not found.`);
  }

  /** The stream, or ResourceNotFoundException. */
  require(name: string): StreamMeta {
    const s = this.streams.get(name);
    if (!s) throw this.notFound(name);
    return s;
  }

  /** The stream if it accepts reads and writes (ACTIVE or UPDATING). */
  requireReadable(name: string): StreamMeta {
    const s = this.require(name);
    if (s.status === 'CREATING' || s.status === 'DELETING') throw this.notFound(name);
    return s;
  }

  /** The stream if a control operation may change it now (ACTIVE). */
  requireActive(name: string): StreamMeta {
    const s = this.require(name);
    if (s.status !== 'ACTIVE') {
      throw new AwsError('ResourceInUseException', `Stream ${name} under account ${this.account.accountId} not ACTIVE, instead in state ${s.status}`);
    }
    return s;
  }

  /** Registers a new stream; it stays CREATING for `delayMs`. */
  async create(meta: StreamMeta, delayMs: number): Promise<void> {
    meta.status = delayMs > 0 ? 'CREATING' : 'ACTIVE';
    if (delayMs > 0) meta.statusUntilMs = Date.now() + delayMs;
    this.streams.set(meta.name, meta);
    await this.save(meta);
    this.scheduleTransition(meta);
  }

  async save(meta: StreamMeta): Promise<void> {
    await this.documents.put(KIND, meta.name, meta);
  }

  /** Enters a transitional status that ends after `delayMs`. */
  async transition(meta: StreamMeta, status: 'CREATING' | 'UPDATING' | 'DELETING', delayMs: number): Promise<void> {
    if (delayMs <= 0) {
      // No visible transitional state: finish before answering.
      meta.status = status;
      meta.statusUntilMs = 0;
      return this.finishTransition(meta);
    }
    meta.status = status;
    meta.statusUntilMs = Date.now() + delayMs;
    await this.save(meta);
    this.scheduleTransition(meta);
  }

  get updateDelayMs(): number {
    return this.delays.updateStreamMs;
  }

  get deleteDelayMs(): number {
    return this.delays.deleteStreamMs;
  }

  private scheduleTransition(meta: StreamMeta): void {
    if (meta.status === 'ACTIVE') return;
    const wait = Math.max(0, (meta.statusUntilMs ?? 0) - Date.now());
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.finishTransition(meta).catch((e: unknown) => this.transitionFailed(meta, e));
    }, wait);
    timer.unref();
    this.timers.add(timer);
  }

  private async finishTransition(meta: StreamMeta): Promise<void> {
    if (this.streams.get(meta.name) !== meta) return;
    if (meta.statusUntilMs !== undefined && meta.statusUntilMs > Date.now()) return this.scheduleTransition(meta);
    if (meta.status === 'DELETING') {
      this.streams.delete(meta.name);
      await this.documents.delete(KIND, meta.name);
      await this.records.dropStream(meta.id);
      return;
    }
    if (meta.pending) {
      await this.applyPending(meta);
      delete meta.pending;
    }
    meta.status = 'ACTIVE';
    delete meta.statusUntilMs;
    await this.save(meta);
  }

  /**
   * A transition whose work failed (a reshard that could not be applied) ends
   * anyway: the change is dropped and the stream is ACTIVE as it was, rather
   * than stuck, or crashing the process from a timer.
   */
  private transitionFailed(meta: StreamMeta, e: unknown): void {
    this.log(`kinesis: stream ${meta.name}: ${meta.status} could not finish (${e instanceof Error ? e.message : String(e)}); the change was dropped`, 'error');
    if (this.streams.get(meta.name) !== meta || meta.status === 'DELETING') return;
    delete meta.pending;
    meta.status = 'ACTIVE';
    delete meta.statusUntilMs;
    this.save(meta).catch((err: unknown) => this.log(`kinesis: stream ${meta.name} could not be saved: ${String(err)}`, 'error'));
  }

  close(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}
