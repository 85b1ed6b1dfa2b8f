/**
 * Control-plane documents in one JetStream KV bucket (docs/cluster.md).
 *
 * Every version of a document is a key of its own:
 * `_<base64url(kind)>._<base64url(id)>.<version>` (KV keys allow few
 * characters), and a document's revision is its version number. A write of
 * version v+1 over version v is a KV *create* of the key for v+1 (publish
 * with `Nats-Expected-Last-Subject-Sequence: 0`), which JetStream checks when
 * the write is applied, in log order, on every replica: of two writers racing
 * from version v exactly one creates v+1. (A compare-and-set on one key's
 * sequence would be simpler, but nats-server 2.9 checks a non-zero expected
 * sequence on the leader against its applied state only, and lets two
 * in-flight updates from the same revision both succeed.) A delete is a
 * version with an empty value. Versions are kept (removing an old one would
 * let a late writer create it again): the bucket grows by one small message
 * per control-plane change. Writes carry a message id, so a retried write
 * whose acknowledgement was lost is not applied twice.
 *
 * Every node keeps a mirror of the whole bucket, fed by a KV watch: `get` and
 * `list` read it (the control plane is small), `getVersioned` asks the
 * bucket's leader. The watch is also the change feed: listeners hear every
 * change, from any node, in revision order.
 */
import { randomBytes } from 'node:crypto';
import { Kvm, type KV, type KvWatchEntry } from '@nats-io/kv';
import { jetstream } from '@nats-io/jetstream';
import { RevisionConflict, StoreUnavailable, type DocumentChange, type DocumentStore, type Versioned } from '../documents.js';
import { decodeBase64, enc, ERR, JetStreamError, type ApiStoredMsg, type NatsClient } from './client.js';

export const BUCKET = 'SLUICE_DOCS';
const STREAM = `KV_${BUCKET}`;
const dec = new TextDecoder();

const token = (s: string): string => `_${Buffer.from(s, 'utf8').toString('base64url')}`;
const untoken = (t: string): string => Buffer.from(t.slice(1), 'base64url').toString('utf8');
export const keyOf = (kind: string, id: string): string => `${token(kind)}.${token(id)}`;
const versionKey = (kind: string, id: string, version: number): string => `${keyOf(kind, id)}.${version}`;

interface MirrorEntry {
  readonly text: string;
  readonly revision: number;
}

/** The latest version known of a key, deletes included, and the bucket sequence it is stored at. */
interface SeenVersion {
  readonly version: number;
  readonly seq: number;
}

export class NatsDocuments implements DocumentStore {
  /** kind → id → latest known value. */
  private readonly mirror = new Map<string, Map<string, MirrorEntry>>();
  /** Latest revision known per key, deletes included (so an old value arriving late is not taken). */
  private readonly seen = new Map<string, SeenVersion>();
  private readonly listeners = new Set<(change: DocumentChange) => void>();
  private kv!: KV;
  private watching = true;
  private iter: { stop(): void } | undefined;
  private lastRevision = 0;
  private readonly writer = randomBytes(6).toString('hex');
  private writes = 0;
  /** Time of the last change the watch delivered, or of its start (for health). */
  lastWatchMs = 0;
  reportProblem: (line: string) => void = (line) => process.stderr.write(`sluice: ${line}\n`);

  constructor(private readonly client: NatsClient, private readonly replicas: number) {}

  /** Creates (or opens) the bucket and fills the mirror before the node serves anything. */
  async open(): Promise<void> {
    // A cluster that has just started may still be electing its leaders: keep asking for a while.
    const giveUpAt = Date.now() + 180_000;
    for (let attempt = 0; ; attempt++) {
      try {
        await this.openOnce();
        return;
      } catch (e) {
        if (Date.now() > giveUpAt) throw e;
        if (attempt === 0) this.reportProblem(`store: waiting for NATS JetStream (${e instanceof Error ? e.message : String(e)})`);
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  }

  private async openOnce(): Promise<void> {
    const kvm = new Kvm(jetstream(this.client.nc, { timeout: 10_000 }));
    try {
      this.kv = await kvm.create(BUCKET, { replicas: this.replicas, history: 1, allow_direct: false, storage: 'file' } as never);
    } catch (e) {
      // Created earlier (maybe with other settings): open it as it is.
      this.kv = await kvm.open(BUCKET);
      void e;
    }
    await this.ensureLeaderReads();
    // Reads go to the bucket's leader, which a bucket that several nodes have just created together
    // may not have yet (its message gets time out): wait here, inside open's retries, for one to answer.
    await this.leaderVersion('sluice.meta', 'leader-probe', 1);
    const info = await this.client.api<{ state: { last_seq: number } }>(`STREAM.INFO.${STREAM}`, '', 10_000);
    await this.startWatch(info.state.last_seq);
  }

  /** Direct gets would let any replica answer; reads must come from the leader (docs/cluster.md). */
  private async ensureLeaderReads(): Promise<void> {
    const info = await this.client.api<{ config: Record<string, unknown> }>(`STREAM.INFO.${STREAM}`, '', 10_000);
    if (info.config['allow_direct'] === true) {
      await this.client.api(`STREAM.UPDATE.${STREAM}`, { ...info.config, allow_direct: false }, 10_000);
    }
  }

  private watchGeneration = 0;

  private async startWatch(initialTo: number): Promise<void> {
    // One watch loop at a time: a start that timed out ends its loop before the next begins.
    const generation = ++this.watchGeneration;
    this.iter?.stop();
    let ready: () => void = () => {};
    const initialized = new Promise<void>((r) => (ready = r));
    if (initialTo <= this.lastRevision) ready();
    const run = async (): Promise<void> => {
      while (this.watching && generation === this.watchGeneration) {
        try {
          const iter = await this.kv.watch({ key: '>', ...(this.lastRevision > 0 ? { resumeFromRevision: this.lastRevision + 1 } : {}) });
          this.iter = iter;
          this.lastWatchMs = Date.now();
          for await (const e of iter) {
            this.applyWatched(e);
            if (e.revision >= initialTo) ready();
            if (!this.watching || generation !== this.watchGeneration) break;
          }
        } catch (e) {
          if (this.watching) this.reportProblem(`store: the document watch stopped (${e instanceof Error ? e.message : String(e)}); restarting it`);
        }
        if (this.watching && generation === this.watchGeneration) await new Promise((r) => setTimeout(r, 250));
      }
    };
    void run();
    const timeout = new Promise<never>((_r, reject) => setTimeout(() => reject(new Error('timed out loading documents from NATS')), 30_000).unref());
    await Promise.race([initialized, timeout]);
  }

  private applyWatched(e: KvWatchEntry): void {
    this.lastWatchMs = Date.now();
    if (e.revision > this.lastRevision) this.lastRevision = e.revision;
    const [k, i, v] = e.key.split('.');
    if (k === 'hb' && i) {
      if (e.operation === 'PUT') {
        try {
          this.beatValues.set(i, JSON.parse(dec.decode(e.value)));
        } catch {
          // a beat that is not JSON is ignored
        }
      } else {
        this.beatValues.delete(i);
      }
      return;
    }
    if (e.operation !== 'PUT') return;
    const version = Number(v);
    if (!k || !i || !Number.isSafeInteger(version)) return;
    const text = dec.decode(e.value);
    this.remember(untoken(k), untoken(i), text === '' ? undefined : text, version, e.revision);
  }

  /** Takes a value (undefined: deleted) if it is newer than what the mirror holds, and tells listeners. */
  private remember(kind: string, id: string, text: string | undefined, revision: number, seq = 0): void {
    const key = keyOf(kind, id);
    const before = this.seen.get(key);
    if ((before?.version ?? 0) >= revision) return;
    this.seen.set(key, { version: revision, seq });
    let byId = this.mirror.get(kind);
    if (!byId) this.mirror.set(kind, (byId = new Map()));
    if (text === undefined) byId.delete(id);
    else byId.set(id, { text, revision });
    if (this.listeners.size === 0) return;
    // Told after the writer's own continuation has run (as the embedded store does), in revision order.
    this.outbox.push({ kind, id, text, revision });
    if (this.outbox.length === 1) setImmediate(() => this.deliver());
  }

  private readonly outbox: Array<{ kind: string; id: string; text: string | undefined; revision: number }> = [];

  private deliver(): void {
    const batch = this.outbox.splice(0);
    for (const { kind, id, text, revision } of batch) {
      let doc: unknown;
      try {
        doc = text === undefined ? undefined : JSON.parse(text);
      } catch {
        continue;
      }
      for (const l of this.listeners) {
        try {
          l({ kind, id, doc, revision });
        } catch (err) {
          this.reportProblem(`store: a document listener failed: ${String(err)}`);
        }
      }
    }
  }

  private subject(kind: string, id: string, version: number): string {
    return `$KV.${BUCKET}.${versionKey(kind, id, version)}`;
  }

  /** Writes version `base + 1` (undefined text: a delete); RevisionConflict when another writer made it first. */
  private async write(kind: string, id: string, text: string | undefined, base: number): Promise<number> {
    const version = base + 1;
    const h = this.client.headers();
    h.set('Nats-Msg-Id', `${this.writer}-${++this.writes}`);
    h.set('Nats-Expected-Last-Subject-Sequence', '0');
    const body = text === undefined ? new Uint8Array(0) : enc.encode(text);
    const giveUpAt = Date.now() + 10_000;
    const replaced = this.seen.get(keyOf(kind, id));
    let seq = 0;
    for (let attempt = 0; ; attempt++) {
      try {
        seq = (await this.client.request<{ seq: number }>(this.subject(kind, id, version), body, { headers: h, timeoutMs: 2000 })).seq;
        break;
      } catch (e) {
        if (e instanceof JetStreamError && e.errCode === ERR.wrongLastSequence) throw new RevisionConflict(kind, id, `version ${version} exists`);
        if (!(e instanceof StoreUnavailable) || Date.now() >= giveUpAt) throw e;
        await new Promise((r) => setTimeout(r, Math.min(500, 50 * 2 ** Math.min(attempt, 4))));
      }
    }
    this.remember(kind, id, text, version, seq);
    void replaced;
    return version;
  }

  /**
   * Liveness beats are not documents: one plain key per node (`hb.<node>`),
   * overwritten in place (the bucket keeps one value per key).
   */
  async beat(node: string, value: unknown): Promise<void> {
    await this.client.request(`$KV.${BUCKET}.hb.${token(node)}`, enc.encode(JSON.stringify(value)), { timeoutMs: 2000 });
  }

  async unbeat(node: string): Promise<void> {
    const h = this.client.headers();
    h.set('KV-Operation', 'PURGE');
    h.set('Nats-Rollup', 'sub');
    await this.client.request(`$KV.${BUCKET}.hb.${token(node)}`, new Uint8Array(0), { headers: h, timeoutMs: 2000 });
  }

  /** The latest beat of every node that beat (and did not leave). */
  beats<T>(): T[] {
    return [...this.beatValues.values()] as T[];
  }

  private readonly beatValues = new Map<string, unknown>();

  /** The stored value of one version, from the bucket's leader (undefined: no such version). */
  private async leaderVersion(kind: string, id: string, version: number): Promise<{ text: string | undefined } | undefined> {
    let res: { message: ApiStoredMsg };
    try {
      res = await this.client.api<{ message: ApiStoredMsg }>(`STREAM.MSG.GET.${STREAM}`, { last_by_subj: this.subject(kind, id, version) });
    } catch (e) {
      if (e instanceof JetStreamError && e.errCode === ERR.noMessageFound) return undefined;
      throw e;
    }
    const hdrs = res.message.hdrs ? decodeBase64(res.message.hdrs).toString('latin1') : '';
    if (/KV-Operation:\s*(DEL|PURGE)/i.test(hdrs)) return { text: undefined };
    const text = decodeBase64(res.message.data).toString('utf8');
    return { text: text === '' ? undefined : text };
  }

  /**
   * The latest version, from the bucket's leader: versions after the one this
   * node knows are looked for one by one (usually none), so a node whose watch
   * is behind still learns the truth.
   */
  private async leaderGet(kind: string, id: string): Promise<{ text: string | undefined; revision: number } | undefined> {
    let version = this.seen.get(keyOf(kind, id))?.version ?? 0;
    let latest: { text: string | undefined } | undefined = version > 0 ? (this.mirror.get(kind)?.has(id) ? { text: this.mirror.get(kind)!.get(id)!.text } : { text: undefined }) : undefined;
    for (;;) {
      const next = await this.leaderVersion(kind, id, version + 1);
      if (!next) break;
      version++;
      latest = next;
    }
    if (version === 0) return undefined;
    if (latest === undefined) return undefined;
    this.remember(kind, id, latest.text, version);
    return { text: latest.text, revision: version };
  }

  // ------------------------------------------------------------ DocumentStore

  get<T>(kind: string, id: string): Promise<T | undefined> {
    const e = this.mirror.get(kind)?.get(id);
    return Promise.resolve(e ? (JSON.parse(e.text) as T) : undefined);
  }

  /** Unconditional writes: a compare-and-set from the latest known version, again until it lands. */
  private async overwrite(kind: string, id: string, text: string | undefined): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const base = attempt === 0 ? (this.seen.get(keyOf(kind, id))?.version ?? 0) : ((await this.leaderGet(kind, id))?.revision ?? 0);
      try {
        await this.write(kind, id, text, base);
        return;
      } catch (e) {
        if (!(e instanceof RevisionConflict) || attempt >= 20) throw e;
      }
    }
  }

  async put<T>(kind: string, id: string, doc: T): Promise<void> {
    await this.overwrite(kind, id, JSON.stringify(doc));
  }

  async delete(kind: string, id: string): Promise<boolean> {
    const existed = this.mirror.get(kind)?.has(id) ?? false;
    if (!existed) return false;
    await this.overwrite(kind, id, undefined);
    return true;
  }

  list<T>(kind: string): Promise<Array<{ id: string; doc: T }>> {
    return Promise.resolve(this.entries<T>(kind).map(({ id, doc }) => ({ id, doc })));
  }

  private entries<T>(kind: string): Array<Versioned<T> & { id: string }> {
    const byId = this.mirror.get(kind);
    if (!byId) return [];
    const out: Array<Versioned<T> & { id: string }> = [];
    for (const [id, e] of [...byId].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      try {
        out.push({ id, doc: JSON.parse(e.text) as T, revision: e.revision });
      } catch (err) {
        this.reportProblem(`store: ${kind} ${JSON.stringify(id)} is not JSON (${(err as Error).message}); left out`);
      }
    }
    return out;
  }

  async quarantine(kind: string, id: string, reason: string): Promise<void> {
    const e = this.mirror.get(kind)?.get(id);
    if (!e) return;
    await this.put(`quarantine:${kind}`, id, { reason, quarantinedAt: new Date().toISOString(), document: e.text });
    await this.write(kind, id, undefined, e.revision).catch(() => {});
    this.reportProblem(`store: ${kind} ${JSON.stringify(id)} (NATS bucket ${BUCKET}) could not be loaded: ${reason}; it was moved to kind quarantine:${kind}`);
  }

  async getVersioned<T>(kind: string, id: string): Promise<Versioned<T> | undefined> {
    const e = await this.leaderGet(kind, id);
    if (!e || e.text === undefined) return undefined;
    return { doc: JSON.parse(e.text) as T, revision: e.revision };
  }

  listVersioned<T>(kind: string): Promise<Array<Versioned<T> & { id: string }>> {
    return Promise.resolve(this.entries<T>(kind));
  }

  async putIf<T>(kind: string, id: string, doc: T, revision: number): Promise<number> {
    // Serialized now: the caller may go on changing its object while the write is under way.
    const text = JSON.stringify(doc);
    if (revision > 0) return this.write(kind, id, text, revision);
    // Create: no document, or only a deleted one, may stand there; the next version after it is ours to make.
    const current = await this.leaderGet(kind, id);
    if (current && current.text !== undefined) throw new RevisionConflict(kind, id, 'it exists');
    return this.write(kind, id, text, current?.revision ?? 0);
  }

  async deleteIf(kind: string, id: string, revision: number): Promise<void> {
    try {
      await this.write(kind, id, undefined, revision);
    } catch (e) {
      if (!(e instanceof RevisionConflict)) throw e;
      const current = await this.leaderGet(kind, id);
      if (current && current.text !== undefined) throw e;
    }
  }

  /** A 32-byte secret every node shares: made by whichever node asks first (create wins once), read by the rest. */
  async secret(name: string): Promise<Buffer> {
    const id = `secret:${name}`;
    for (;;) {
      const existing = await this.getVersioned<{ hex: string }>('sluice.meta', id);
      if (existing) return Buffer.from(existing.doc.hex, 'hex');
      const fresh = randomBytes(32);
      try {
        await this.putIf('sluice.meta', id, { hex: fresh.toString('hex') }, 0);
        return fresh;
      } catch (e) {
        if (!(e instanceof RevisionConflict)) throw e;
      }
    }
  }

  watch(listener: (change: DocumentChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    this.watching = false;
    this.iter?.stop();
  }
}
