/**
 * Stream metadata: kept in memory (it is small), persisted as documents, and
 * moved through AWS's states (CREATING → ACTIVE, UPDATING → ACTIVE,
 * DELETING → gone) on timers that survive restarts.
 */
import { AwsError } from '../protocol/errors.js';
import { isRevisionConflict, isStoreUnavailable, type DocumentChange, type DocumentStore } from '../store/documents.js';
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
/** How long after a deadline a node waits before finishing a transition it did not start itself (it may have died). */
const TAKEOVER_GRACE_MS = 1000;

/** Open shards take writes; a shard stops taking them the moment a reshard closes it. */
export const isOpen = (s: ShardMeta): boolean => s.closedMs === undefined;
export const shardId = (s: ShardMeta): string => shardIdOf(s.index);
export const startingSequence = (s: ShardMeta): string => formatSequence({ shardCreatedMs: s.createdMs, shard: s.index, n: 0 });
export const endingSequence = (s: ShardMeta): string | undefined =>
  s.endPosition === undefined ? undefined : formatSequence({ shardCreatedMs: s.createdMs, shard: s.index, n: s.endPosition });

export class StreamRegistry {
  private readonly streams = new Map<string, StreamMeta>();
  /** The stored revision each cached stream object was read or written at (compare-and-set). */
  private readonly revisions = new WeakMap<StreamMeta, number>();
  /** One transition timer per stream name: any node finishes a transition whose deadline passed. */
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private unwatch: (() => void) | undefined;
  private closed = false;

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
   * stay on disk); a pending reshard that cannot be applied is dropped. From
   * then on the store's change feed keeps the cache current (other nodes'
   * creates, changes and deletes).
   */
  async load(shardLimit: number): Promise<void> {
    this.unwatch = this.documents.watch((c) => {
      if (c.kind === KIND) this.onChange(c);
    });
    for (const { id, doc, revision } of await this.documents.listVersioned<StreamMeta>(KIND)) {
      const problem = streamDocProblem(doc);
      if (problem) {
        this.log(`kinesis: stream ${JSON.stringify(id)} could not be loaded: ${problem}; its document was set aside (kind quarantine:${KIND}), the rest of the server starts`, 'error');
        await this.documents.quarantine(KIND, id, problem);
        continue;
      }
      this.adopt(doc, revision);
      if (doc.pending) {
        const bad = pendingChangeProblem(doc.pending, new Set(doc.shards.map((sh) => sh.index)), shardLimit);
        if (bad) {
          this.log(`kinesis: stream ${doc.name}: the reshard it was waiting for was dropped: ${bad}`, 'warn');
          delete doc.pending;
          await this.save(doc).catch((e: unknown) => this.log(`kinesis: stream ${doc.name} could not be saved: ${String(e)}`, 'error'));
        }
      }
    }
  }

  /** Takes a stored version into the cache if it is newer than the cached one. */
  private adopt(doc: StreamMeta, revision: number, force = false): void {
    const current = this.streams.get(doc.name);
    if (current && !force && (this.revisions.get(current) ?? 0) >= revision) return;
    this.revisions.set(doc, revision);
    this.streams.set(doc.name, doc);
    // A transition another node started is that node's to finish first; this one steps in after a grace period.
    this.scheduleTransition(doc.name, TAKEOVER_GRACE_MS);
  }

  private forget(name: string, revision: number, force = false): void {
    const current = this.streams.get(name);
    if (!current || (!force && (this.revisions.get(current) ?? 0) >= revision)) return;
    this.streams.delete(name);
    const t = this.timers.get(name);
    if (t) clearTimeout(t);
    this.timers.delete(name);
  }

  /** A change from the store's feed (another node's write, or the echo of ours). */
  private onChange(c: DocumentChange): void {
    if (this.closed) return;
    if (c.doc === undefined) return this.forget(c.id, c.revision);
    const problem = streamDocProblem(c.doc);
    if (problem) {
      this.log(`kinesis: stream ${JSON.stringify(c.id)} changed to a document that cannot be served (${problem}); the previous state is kept`, 'warn');
      return;
    }
    this.adopt(c.doc as StreamMeta, c.revision);
  }

  /** Re-reads one stream from the store (after losing a race, or finding a shard sealed), replacing what is cached. */
  async refresh(name: string): Promise<StreamMeta | undefined> {
    const stored = await this.documents.getVersioned<StreamMeta>(KIND, name);
    if (!stored) {
      this.forget(name, Number.MAX_SAFE_INTEGER, true);
      return undefined;
    }
    if (streamDocProblem(stored.doc)) return this.streams.get(name);
    const current = this.streams.get(name);
    // The stored copy wins over a cached one of the same revision: that one may hold an edit that was refused.
    if (!current || (this.revisions.get(current) ?? 0) <= stored.revision) this.adopt(stored.doc, stored.revision, true);
    return this.streams.get(name);
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

  /**
   * Registers a new stream: stored CREATING only if no stream of that name
   * exists (compare-and-set: of two nodes creating one name, one wins and the
   * other gets RevisionConflict), its shards made ready, then ACTIVE at once
   * or after `delayMs`.
   */
  async create(meta: StreamMeta, delayMs: number): Promise<void> {
    meta.status = 'CREATING';
    meta.statusUntilMs = Date.now() + Math.max(0, delayMs);
    let revision: number;
    try {
      revision = await this.documents.putIf(KIND, meta.name, meta, 0);
    } catch (e) {
      if (isRevisionConflict(e)) await this.refresh(meta.name);
      throw e;
    }
    this.revisions.set(meta, revision);
    const current = this.streams.get(meta.name);
    if (!current || (this.revisions.get(current) ?? 0) < revision) this.streams.set(meta.name, meta);
    await this.records.createShards(meta.id, meta.shards.map((sh) => sh.index), { retentionHours: meta.retentionHours });
    if (delayMs > 0) {
      this.scheduleTransition(meta.name);
      return;
    }
    try {
      await this.finishTransition(meta.name, meta);
    } catch (e) {
      // Another node's timer may finish our CREATING first: the stream is made all the same.
      if (!isRevisionConflict(e) || (await this.refresh(meta.name))?.id !== meta.id) throw e;
    }
  }

  /**
   * Stores the stream if nobody changed it since this object was read
   * (compare-and-set). On a conflict the cache is refreshed from the store and
   * RevisionConflict is thrown: the caller decides again on the new state.
   */
  async save(meta: StreamMeta): Promise<void> {
    let revision: number;
    try {
      revision = await this.documents.putIf(KIND, meta.name, meta, this.revisions.get(meta) ?? 0);
    } catch (e) {
      if (isRevisionConflict(e)) await this.refresh(meta.name);
      throw e;
    }
    this.revisions.set(meta, revision);
    const current = this.streams.get(meta.name);
    if (!current || current === meta || (this.revisions.get(current) ?? 0) < revision) {
      this.streams.set(meta.name, meta);
      this.scheduleTransition(meta.name);
    }
  }

  /** Enters a transitional status that ends after `delayMs`. */
  async transition(meta: StreamMeta, status: 'CREATING' | 'UPDATING' | 'DELETING', delayMs: number): Promise<void> {
    if (delayMs <= 0) {
      // No visible transitional state: finish before answering.
      meta.status = status;
      meta.statusUntilMs = 0;
      return this.finishTransition(meta.name, meta);
    }
    meta.status = status;
    meta.statusUntilMs = Date.now() + delayMs;
    await this.save(meta);
  }

  get updateDelayMs(): number {
    return this.delays.updateStreamMs;
  }

  get deleteDelayMs(): number {
    return this.delays.deleteStreamMs;
  }

  private scheduleTransition(name: string, extraMs = 0): void {
    const previous = this.timers.get(name);
    if (previous) clearTimeout(previous);
    this.timers.delete(name);
    const meta = this.streams.get(name);
    if (this.closed || !meta || meta.status === 'ACTIVE') return;
    const wait = Math.max(0, (meta.statusUntilMs ?? 0) - Date.now()) + extraMs;
    const timer = setTimeout(() => {
      if (this.timers.get(name) === timer) this.timers.delete(name);
      this.finishTransition(name).catch((e: unknown) => this.transitionFailed(name, e));
    }, wait);
    timer.unref();
    this.timers.set(name, timer);
  }

  /**
   * Finishes the stream's transition if its deadline passed. Idempotent, and
   * safe to run on several nodes at once: each step can be repeated, and the
   * final write is a compare-and-set that only one of them wins.
   */
  private async finishTransition(name: string, given?: StreamMeta): Promise<void> {
    const meta = given ?? this.streams.get(name);
    if (!meta || meta.status === 'ACTIVE' || this.closed) return;
    if (meta.statusUntilMs !== undefined && meta.statusUntilMs > Date.now()) return this.scheduleTransition(name);
    if (meta.status === 'DELETING') {
      await this.records.dropStream(meta.id);
      await this.documents.deleteIf(KIND, name, this.revisions.get(meta) ?? 0);
      if (this.streams.get(name) === meta) this.forget(name, Number.MAX_SAFE_INTEGER, true);
      return;
    }
    if (meta.status === 'CREATING') {
      await this.records.createShards(meta.id, meta.shards.map((sh) => sh.index), { retentionHours: meta.retentionHours });
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
   * A transition whose work failed. Lost to another node (conflict): that
   * node finished it, or the stream changed; look again shortly. Otherwise (a
   * reshard that could not be applied) it ends anyway: the change is dropped
   * and the stream is ACTIVE as it was, rather than stuck, or crashing the
   * process from a timer.
   */
  private transitionFailed(name: string, e: unknown): void {
    if (this.closed) return;
    if (isRevisionConflict(e)) {
      this.scheduleTransition(name, 50 + Math.random() * 100);
      return;
    }
    const meta = this.streams.get(name);
    this.log(`kinesis: stream ${name}: ${meta?.status ?? 'its transition'} could not finish (${e instanceof Error ? e.message : String(e)}); ${isStoreUnavailable(e) ? 'trying again' : 'the change was dropped'}`, 'error');
    if (!meta || meta.status === 'DELETING' || meta.status === 'ACTIVE' || isStoreUnavailable(e)) {
      if (meta && meta.status !== 'ACTIVE') this.scheduleTransition(name, 1000);
      return;
    }
    delete meta.pending;
    meta.status = 'ACTIVE';
    delete meta.statusUntilMs;
    this.save(meta).catch((err: unknown) => {
      if (!isRevisionConflict(err)) this.log(`kinesis: stream ${name} could not be saved: ${String(err)}`, 'error');
    });
  }

  close(): void {
    this.closed = true;
    this.unwatch?.();
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }
}
