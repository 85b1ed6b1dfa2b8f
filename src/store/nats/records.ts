/**
 * Kinesis records in JetStream (docs/cluster.md): one JetStream stream per
 * shard, `SLUICE_R_<stream>_<shard>` on subject `sluice.r.<stream>.<shard>`.
 *
 * A message holds consecutive records in the embedded store's chunk layout
 * (chunk.ts). A record's position is `messageSequence × 1000 + index`, so
 * positions grow within a shard whichever node wrote them. Everything one
 * node appends to one shard in one event-loop turn goes into one message.
 *
 * Reads use the JetStream API's message get, which in a clustered JetStream
 * only the stream's leader answers; direct get (any replica) is off.
 */
import { randomBytes } from 'node:crypto';
import { ChunkWriter, entryDataLength, entryEnd, MAX_CHUNK_RECORDS } from '../chunk.js';
import { StoreUnavailable } from '../documents.js';
import { ShardSealed, type Appended, type NewRecord, type ReadOptions, type ReadResult, type RecordRun, type ShardOptions, type ShardRef, type StreamStore } from '../stream-store.js';
import type { NatsDocuments } from './documents.js';
import { decodeBase64, ERR, isNoResponders, JetStreamError, timeMs, type ApiStoredMsg, type NatsClient } from './client.js';

/** Positions per message: a message's records are at seq × SLOTS + 0, 1, ... */
export const SLOTS = MAX_CHUNK_RECORDS;
const PUBLISH_DEADLINE_MS = 20_000;
const READ_WINDOW = 64;
const META_KIND = 'sluice.meta';

export const streamName = (ref: ShardRef): string => `SLUICE_R_${ref.stream}_${ref.shard}`;
export const subjectOf = (ref: ShardRef): string => `sluice.r.${ref.stream}.${ref.shard}`;
/** Where a closed shard's stream listens instead (nobody publishes there). */
const closedSubjectOf = (ref: ShardRef): string => `sluice.closed.${ref.stream}.${ref.shard}`;

interface PendingAppend {
  readonly records: readonly NewRecord[];
  readonly resolve: (r: Appended[]) => void;
  readonly reject: (e: unknown) => void;
}

interface StreamConfigBody {
  readonly config: Record<string, unknown>;
  readonly state: { readonly messages: number; readonly first_seq: number; readonly last_seq: number; readonly first_ts?: string; readonly last_ts?: string };
}

const nanos = (hours: number): number => hours * 3_600_000_000_000;

function countEntries(chunk: Buffer): number {
  let n = 0;
  for (let p = 0; p < chunk.length; p = entryEnd(chunk, p)) n++;
  return n;
}

export class NatsRecords implements StreamStore {
  private pending: PendingAppend[] = [];
  private flushScheduled = false;
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly writer = randomBytes(6).toString('hex');
  private published = 0;
  /** max_age (hours) last applied per shard stream by this node, so the retention sweep checks each once. */
  private readonly retention = new Map<string, number>();
  private readonly chunkWriter = new ChunkWriter();
  private closed = false;

  constructor(
    private readonly client: NatsClient,
    private readonly documents: NatsDocuments,
    private readonly replicas: number,
  ) {}

  /** Room for records in one message: the server's max_payload less headers and slack. */
  private get maxMessageBytes(): number {
    return Math.max(64 * 1024, this.client.maxPayload - 4096);
  }

  // ------------------------------------------------------------ ids and shards

  async allocateStreamId(): Promise<number> {
    for (;;) {
      const current = await this.documents.getVersioned<{ next: number }>(META_KIND, 'next-stream-id');
      const id = current?.doc.next ?? 1;
      try {
        await this.documents.putIf(META_KIND, 'next-stream-id', { next: id + 1 }, current?.revision ?? 0);
        return id;
      } catch (e) {
        if (!(e instanceof Error && e.name === 'RevisionConflict')) throw e;
      }
    }
  }

  async createShards(stream: number, shards: readonly number[], options: ShardOptions): Promise<void> {
    await Promise.all(shards.map(async (shard) => {
      const ref = { stream, shard };
      const config = {
        name: streamName(ref),
        subjects: [subjectOf(ref)],
        storage: 'file',
        num_replicas: this.replicas,
        retention: 'limits',
        discard: 'old',
        max_age: nanos(options.retentionHours),
        max_msgs: -1,
        max_bytes: -1,
        max_msg_size: -1,
        duplicate_window: 120_000_000_000,
        allow_direct: false,
        deny_delete: true,
      };
      // Made already (by another node, or an earlier attempt) counts as done: that is the point of idempotence.
      // Asked first, because a second create of an existing stream can go unanswered for a long time on 2.9.
      const giveUpAt = Date.now() + 30_000;
      for (;;) {
        if (await this.info(ref)) break;
        try {
          await this.client.api(`STREAM.CREATE.${config.name}`, config, 5_000);
          break;
        } catch (e) {
          if (e instanceof JetStreamError && e.errCode === ERR.streamNameInUse) break;
          if (!(e instanceof StoreUnavailable) || Date.now() > giveUpAt) throw e;
        }
      }
      this.retention.set(config.name, options.retentionHours);
    }));
  }

  private async info(ref: ShardRef): Promise<StreamConfigBody | undefined> {
    try {
      return await this.client.api<StreamConfigBody>(`STREAM.INFO.${streamName(ref)}`);
    } catch (e) {
      if (e instanceof JetStreamError && e.errCode === ERR.streamNotFound) return undefined;
      throw e;
    }
  }

  async seal(ref: ShardRef): Promise<number> {
    await this.barrier();
    const info = await this.info(ref);
    if (!info) return 0;
    // Sealed = the stream no longer listens on the shard's subject: publishes to it find no responder and
    // fail at once, while its records stay readable by stream name until retention. (JetStream's own
    // `sealed` flag is not used: nats-server 2.9.10 panics replaying a sealed stream's assignment at restart.)
    if ((info.config['subjects'] as string[] | undefined)?.includes(subjectOf(ref))) {
      await this.client.api(`STREAM.UPDATE.${streamName(ref)}`, { ...info.config, subjects: [closedSubjectOf(ref)] }, 15_000);
    }
    // A message the leader took just before the change may still be committing: the end is the last position once it stops moving.
    let last = await this.lastPosition(ref);
    for (let i = 0; i < 10; i++) {
      await new Promise((r) => setTimeout(r, 150));
      const again = await this.lastPosition(ref);
      if (again === last) break;
      last = again;
    }
    return last;
  }

  async dropStream(stream: number): Promise<void> {
    const names: string[] = [];
    for (let offset = 0; ; ) {
      const page = await this.client.api<{ streams: string[] | null; total: number; limit: number }>('STREAM.NAMES', { subject: `sluice.r.${stream}.*`, offset }, 10_000);
      const got = page.streams ?? [];
      names.push(...got);
      offset += got.length;
      if (got.length === 0 || offset >= page.total) break;
    }
    await Promise.all(names.map(async (name) => {
      try {
        await this.client.api(`STREAM.DELETE.${name}`, '', 15_000);
      } catch (e) {
        if (!(e instanceof JetStreamError && e.errCode === ERR.streamNotFound)) throw e;
      }
      this.retention.delete(name);
    }));
  }

  secret(name: string): Promise<Buffer> {
    return this.documents.secret(name);
  }

  // ------------------------------------------------------------ writes

  append(records: readonly NewRecord[]): Promise<Appended[]> {
    if (this.closed) return Promise.reject(new Error('store is closed'));
    return new Promise((resolve, reject) => {
      this.pending.push({ records, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        // As the embedded store does: every request already read off the sockets joins this turn's messages.
        setImmediate(() => this.flush());
      }
    });
  }

  async barrier(): Promise<void> {
    while (this.inFlight.size > 0 || this.pending.length > 0) {
      if (this.pending.length > 0) this.flush();
      await Promise.allSettled([...this.inFlight]);
    }
  }

  private flush(): void {
    this.flushScheduled = false;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    // Records per shard, in arrival order, remembering whose they are.
    const byShard = new Map<string, { ref: ShardRef; items: Array<{ b: number; i: number; r: NewRecord }> }>();
    batch.forEach((b, bi) => b.records.forEach((r, i) => {
      const key = `${r.stream}:${r.shard}`;
      let g = byShard.get(key);
      if (!g) byShard.set(key, (g = { ref: { stream: r.stream, shard: r.shard }, items: [] }));
      g.items.push({ b: bi, i, r });
    }));
    const results: Appended[][] = batch.map((b) => new Array<Appended>(b.records.length));
    const failed = new Map<number, unknown>();
    const work = [...byShard.values()].map(async (g) => {
      try {
        await this.publishShard(g.ref, g.items, results);
      } catch (e) {
        for (const it of g.items) if (!failed.has(it.b)) failed.set(it.b, e);
      }
    });
    const all = Promise.all(work).then(() => {
      batch.forEach((b, bi) => (failed.has(bi) ? b.reject(failed.get(bi)) : b.resolve(results[bi]!)));
    });
    this.inFlight.add(all);
    void all.finally(() => this.inFlight.delete(all));
  }

  /** One shard's records as few messages as fit, published in order. */
  private async publishShard(ref: ShardRef, items: Array<{ b: number; i: number; r: NewRecord }>, results: Appended[][]): Promise<void> {
    const max = this.maxMessageBytes;
    let start = 0;
    while (start < items.length) {
      let end = start;
      let bytes = 0;
      while (end < items.length && end - start < SLOTS) {
        const size = 6 + Buffer.byteLength(items[end]!.r.partitionKey) + items[end]!.r.data.length;
        if (end > start && bytes + size > max) break;
        bytes += size;
        end++;
      }
      const slice = items.slice(start, end);
      const body = Buffer.from(this.chunkWriter.encode(slice.map((it) => it.r)));
      const ack = await this.publishChunk(ref, body);
      const arrivalMs = Date.now();
      slice.forEach((it, k) => {
        results[it.b]![it.i] = { n: ack.seq * SLOTS + k, arrivalMs };
      });
      start = end;
    }
  }

  /**
   * Publishes one message until JetStream acknowledges it (on a quorum), with
   * one message id across retries. Nobody listening on the shard's subject
   * means the shard was sealed (its stream moved to another subject) or
   * dropped: ShardSealed, so the writer refreshes its view and routes again.
   */
  private async publishChunk(ref: ShardRef, body: Buffer): Promise<{ seq: number }> {
    const msgId = `${this.writer}-${++this.published}`;
    const giveUpAt = Date.now() + PUBLISH_DEADLINE_MS;
    for (;;) {
      try {
        return await this.client.publish(subjectOf(ref), body, { msgId, deadlineMs: Math.max(1, giveUpAt - Date.now()) });
      } catch (e) {
        if (e instanceof JetStreamError && (e.errCode === ERR.sealed || /sealed/i.test(e.message))) throw new ShardSealed(ref);
        if (e instanceof JetStreamError) throw new StoreUnavailable(e.message);
        if (!isNoResponders(e)) throw e;
        const info = await this.info(ref);
        if (!info || !(info.config['subjects'] as string[] | undefined)?.includes(subjectOf(ref))) throw new ShardSealed(ref);
        // The stream is there and takes the subject: interest is still spreading through the cluster.
        if (Date.now() >= giveUpAt) throw e;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }

  // ------------------------------------------------------------ reads

  /** A message by sequence (exact, or the first at or after it), from the shard's leader; undefined past the end. */
  private async getMessage(ref: ShardRef, seq: number, next: boolean): Promise<ApiStoredMsg | undefined> {
    try {
      const res = await this.client.api<{ message: ApiStoredMsg }>(
        `STREAM.MSG.GET.${streamName(ref)}`,
        // One stream per shard: '>' is every message of the shard, under whichever subject it listens.
        next ? { seq, next_by_subj: '>' } : { seq },
      );
      return res.message;
    } catch (e) {
      if (e instanceof JetStreamError && (e.errCode === ERR.noMessageFound || e.errCode === ERR.streamNotFound)) return undefined;
      throw e;
    }
  }

  async read(ref: ShardRef, o: ReadOptions): Promise<ReadResult> {
    const to = o.to ?? Number.MAX_SAFE_INTEGER;
    const runs: RecordRun[] = [];
    let count = 0;
    let dataBytes = 0;
    let seq = Math.max(1, Math.floor(o.from / SLOTS));
    const first = await this.getMessage(ref, seq, true);
    let window = 1;
    let full = false;
    const take = (m: ApiStoredMsg): void => {
      const arrivalMs = timeMs(m.time);
      const firstN = m.seq * SLOTS;
      if (arrivalMs < o.notBeforeMs) return;
      const chunk = decodeBase64(m.data);
      let p = 0;
      let n = firstN;
      for (; n < o.from && p < chunk.length; n++) p = entryEnd(chunk, p);
      const start = p;
      const runFirst = n;
      let taken = 0;
      while (p < chunk.length) {
        const size = entryDataLength(chunk, p);
        if (n > to || (dataBytes + size > o.maxBytes && count > 0) || count >= o.limit) {
          full = true;
          break;
        }
        dataBytes += size;
        count++;
        taken++;
        n++;
        p = entryEnd(chunk, p);
      }
      if (taken > 0) runs.push({ chunk, start, firstN: runFirst, count: taken, arrivalMs });
      if (n > to || count >= o.limit) full = true;
    };
    const queue: ApiStoredMsg[] = first ? [first] : [];
    while (queue.length > 0 && !full) {
      const m = queue.shift()!;
      take(m);
      if (full || (m.seq + 1) * SLOTS > to) break;
      if (queue.length === 0) {
        // The next messages, several requests in flight at once (sequences are consecutive: deletes are denied).
        const got = await Promise.all(Array.from({ length: window }, (_x, k) => this.getMessage(ref, m.seq + 1 + k, false)));
        window = Math.min(READ_WINDOW, window * 2);
        for (const g of got) {
          if (!g) break;
          queue.push(g);
        }
      }
    }
    return { runs, count, dataBytes };
  }

  async lastPosition(ref: ShardRef): Promise<number> {
    let res: { message: ApiStoredMsg };
    try {
      res = await this.client.api<{ message: ApiStoredMsg }>(`STREAM.MSG.GET.${streamName(ref)}`, { last_by_subj: '>' });
    } catch (e) {
      if (e instanceof JetStreamError && (e.errCode === ERR.noMessageFound || e.errCode === ERR.streamNotFound)) {
        // Empty, or every message expired: the next record goes after the last sequence the stream ever had.
        const info = await this.info(ref);
        return info && info.state.last_seq > 0 ? (info.state.last_seq + 1) * SLOTS - 1 : 0;
      }
      throw e;
    }
    const m = res.message;
    return m.seq * SLOTS + countEntries(decodeBase64(m.data)) - 1;
  }

  async firstAtOrAfter(ref: ShardRef, ms: number): Promise<number | undefined> {
    const info = await this.info(ref);
    if (!info || info.state.messages === 0) return undefined;
    let lo = info.state.first_seq;
    let hi = info.state.last_seq;
    const at = async (seq: number): Promise<ApiStoredMsg | undefined> => this.getMessage(ref, seq, true);
    const last = await at(hi);
    if (!last || timeMs(last.time) < ms) return undefined;
    // Bisect: the first message stored at or after ms (arrival times follow sequence order).
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      const m = await at(mid);
      if (!m) return undefined;
      if (timeMs(m.time) >= ms) hi = m.seq <= mid ? mid : Math.min(hi, m.seq);
      else lo = Math.max(mid + 1, m.seq + 1);
    }
    const found = await at(lo);
    return found ? found.seq * SLOTS : undefined;
  }

  /** Retention is the engine's (max_age): this brings each shard's max_age in line once per change. */
  async trim(ref: ShardRef, beforeMs: number): Promise<number> {
    const hours = Math.round((Date.now() - beforeMs) / 3_600_000);
    const name = streamName(ref);
    if (!(hours > 0) || this.retention.get(name) === hours) return 0;
    const info = await this.info(ref);
    if (!info) return 0;
    if (info.config['max_age'] !== nanos(hours)) {
      await this.client.api(`STREAM.UPDATE.${name}`, { ...info.config, max_age: nanos(hours) }, 15_000);
    }
    this.retention.set(name, hours);
    return 0;
  }

  async close(): Promise<void> {
    this.flush();
    this.closed = true;
    await Promise.allSettled([...this.inFlight]);
  }
}
