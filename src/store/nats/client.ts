/**
 * The NATS connection cluster mode runs on, and the few JetStream API calls
 * Sluice makes, as plain requests: every call has a bounded time, and every
 * failure to get an authoritative answer (no connection, no leader, a timeout)
 * becomes StoreUnavailable, so callers answer 503 quickly instead of hanging.
 */
import { connect, headers as natsHeaders, type MsgHdrs, type NatsConnection } from '@nats-io/transport-node';
import { StoreUnavailable } from '../documents.js';

/** The oldest server Sluice relies on (KV, sealed streams, allow_direct off, next_by_subj message gets). */
export const MIN_SERVER_VERSION = '2.9.0';

export const enc = new TextEncoder();
const dec = new TextDecoder();

export interface ApiErrorBody {
  readonly code: number;
  readonly err_code?: number;
  readonly description?: string;
}

/** JetStream answered with an error (a definite answer, unlike StoreUnavailable). */
export class JetStreamError extends Error {
  constructor(readonly code: number, readonly errCode: number, description: string) {
    super(`JetStream: ${description} (${code}/${errCode})`);
    this.name = 'JetStreamError';
  }
}

export const ERR = {
  streamNotFound: 10059,
  noMessageFound: 10037,
  wrongLastSequence: 10071,
  streamNameInUse: 10058,
  sealed: 10109,
  clusterNotAvailable: 10008,
  insufficientResources: 10023,
  noLeader: 10009,
} as const;

export function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.-]/).map((x) => Number.parseInt(x, 10) || 0);
  const pb = b.split(/[.-]/).map((x) => Number.parseInt(x, 10) || 0);
  for (let i = 0; i < 3; i++) if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return 0;
}

const DEBUG = process.env['SLUICE_NATS_DEBUG'] === '1';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export interface ClientOptions {
  readonly servers: readonly string[];
  readonly name: string;
  /** How long one API request may take before it counts as unanswered. */
  readonly requestTimeoutMs?: number;
}

export class NatsClient {
  readonly requestTimeoutMs: number;
  /** Set by the store: true once this node knows it is cut off, so retries stop at once (the answer is 503). */
  cutOff: () => boolean = () => false;
  /** Servers the connection has been told about (the --store list and what the cluster advertises). */
  private disconnectedSince: number | undefined;

  private constructor(readonly nc: NatsConnection, readonly options: ClientOptions) {
    this.requestTimeoutMs = options.requestTimeoutMs ?? 2000;
    void (async () => {
      for await (const s of nc.status()) {
        if (s.type === 'disconnect') this.disconnectedSince ??= Date.now();
        if (s.type === 'reconnect') this.disconnectedSince = undefined;
      }
    })().catch(() => {});
  }

  static async open(options: ClientOptions): Promise<NatsClient> {
    let nc: NatsConnection;
    try {
      nc = await connect({
        servers: [...options.servers],
        name: options.name,
        maxReconnectAttempts: -1,
        reconnectTimeWait: 250,
        reconnectJitter: 100,
        pingInterval: 2000,
        maxPingOut: 2,
        timeout: 5000,
        waitOnFirstConnect: false,
      });
    } catch (e) {
      throw new Error(`cannot connect to NATS at ${options.servers.join(', ')}: ${e instanceof Error ? e.message : String(e)}`);
    }
    const version = nc.info?.version ?? '0.0.0';
    if (compareVersions(version, MIN_SERVER_VERSION) < 0) {
      await nc.close();
      throw new Error(`NATS server ${nc.getServer()} runs ${version}; Sluice needs at least ${MIN_SERVER_VERSION} (see docs/cluster.md)`);
    }
    if (nc.info && nc.info.jetstream !== true) {
      await nc.close();
      throw new Error(`NATS server ${nc.getServer()} does not have JetStream enabled (start it with -js, in a cluster)`);
    }
    return new NatsClient(nc, options);
  }

  get connected(): boolean {
    return !this.nc.isClosed() && this.disconnectedSince === undefined;
  }

  get serverVersion(): string {
    return this.nc.info?.version ?? 'unknown';
  }

  get maxPayload(): number {
    return this.nc.info?.max_payload ?? 1024 * 1024;
  }

  /** Servers this connection knows: the one it is on first. */
  servers(): { connected: string | undefined; known: string[] } {
    const known = new Set<string>(this.options.servers);
    for (const u of this.nc.info?.connect_urls ?? []) known.add(u.includes('://') ? u : `nats://${u}`);
    return { connected: this.connected ? this.nc.getServer() : undefined, known: [...known] };
  }

  /** A request whose answer is JSON; transport failures become StoreUnavailable. */
  async request<T>(subject: string, body: Uint8Array | string, opts: { timeoutMs?: number; headers?: MsgHdrs } = {}): Promise<T> {
    if (!this.connected) throw new StoreUnavailable(`not connected to NATS (${subject})`);
    let reply;
    try {
      reply = await this.nc.request(subject, typeof body === 'string' ? enc.encode(body) : body, {
        timeout: opts.timeoutMs ?? this.requestTimeoutMs,
        ...(opts.headers ? { headers: opts.headers } : {}),
      });
    } catch (e) {
      const err = new StoreUnavailable(`NATS did not answer ${subject}: ${e instanceof Error ? e.message : String(e)}`);
      // Nobody listens on the subject at all (not "no answer in time"): for a shard, it was closed or dropped.
      if ((e as { isNoResponders?: () => boolean }).isNoResponders?.() === true) (err as StoreUnavailable & { noResponders?: boolean }).noResponders = true;
      throw err;
    }
    if (reply.headers?.hasError) {
      throw new StoreUnavailable(`NATS answered ${subject} with status ${reply.headers.code} ${reply.headers.description}`);
    }
    let parsed: T & { error?: ApiErrorBody };
    try {
      parsed = JSON.parse(dec.decode(reply.data)) as T & { error?: ApiErrorBody };
    } catch {
      throw new StoreUnavailable(`NATS answered ${subject} with something that is not JSON`);
    }
    if (parsed.error) {
      const { code, err_code: errCode = 0, description = '' } = parsed.error;
      // No leader (yet), or the cluster is not available: nobody can answer with authority right now.
      if (code === 503 || errCode === ERR.clusterNotAvailable || errCode === ERR.noLeader || code === 408) {
        throw new StoreUnavailable(`JetStream cannot answer ${subject} now: ${description}`);
      }
      throw new JetStreamError(code, errCode, description);
    }
    return parsed;
  }

  /** A JetStream API call ($JS.API.<what>). */
  async api<T>(what: string, body: unknown = '', timeoutMs?: number): Promise<T> {
    const started = Date.now();
    try {
      return await this.request<T>(`$JS.API.${what}`, body === '' ? '' : JSON.stringify(body), { ...(timeoutMs !== undefined ? { timeoutMs } : {}) });
    } catch (e) {
      if (DEBUG) process.stderr.write(`nats: ${what} failed after ${Date.now() - started} ms: ${e instanceof Error ? e.message : String(e)}\n`);
      throw e;
    } finally {
      if (DEBUG && Date.now() - started > 500) process.stderr.write(`nats: ${what} took ${Date.now() - started} ms\n`);
    }
  }

  /**
   * Publishes to a stream and waits for JetStream's acknowledgement (stored on
   * a quorum). A lost or refused-for-now acknowledgement is retried with the
   * same message id until `deadlineMs`: JetStream's de-duplication then
   * answers with the original sequence instead of storing it twice.
   */
  async publish(subject: string, data: Uint8Array, opts: { msgId: string; expectedLastSubjectSeq?: number; deadlineMs: number }): Promise<{ seq: number; duplicate: boolean }> {
    const h = natsHeaders();
    h.set('Nats-Msg-Id', opts.msgId);
    if (opts.expectedLastSubjectSeq !== undefined) h.set('Nats-Expected-Last-Subject-Sequence', String(opts.expectedLastSubjectSeq));
    const giveUpAt = Date.now() + opts.deadlineMs;
    for (let attempt = 0; ; attempt++) {
      if (attempt > 0 && this.cutOff()) throw new StoreUnavailable(`this node is cut off from the NATS cluster (${subject})`);
      try {
        const ack = await this.request<{ seq: number; duplicate?: boolean }>(subject, data, {
          headers: h,
          timeoutMs: Math.max(250, Math.min(this.requestTimeoutMs, giveUpAt - Date.now())),
        });
        return { seq: ack.seq, duplicate: ack.duplicate === true };
      } catch (e) {
        if (!(e instanceof StoreUnavailable) || Date.now() >= giveUpAt || isNoResponders(e)) throw e;
        await sleep(Math.min(500, 50 * 2 ** Math.min(attempt, 4)));
        if (Date.now() >= giveUpAt) throw e;
      }
    }
  }

  headers(): MsgHdrs {
    return natsHeaders();
  }

  async close(): Promise<void> {
    if (this.nc.isClosed()) return;
    try {
      await this.nc.drain();
    } catch {
      await this.nc.close().catch(() => {});
    }
  }
}

export const isNoResponders = (e: unknown): boolean => (e as { noResponders?: boolean } | undefined)?.noResponders === true;

export function decodeBase64(text: string | undefined): Buffer {
  return text ? Buffer.from(text, 'base64') : Buffer.alloc(0);
}

/** A stored message as the JetStream API returns it. */
export interface ApiStoredMsg {
  readonly subject: string;
  readonly seq: number;
  readonly hdrs?: string;
  readonly data?: string;
  readonly time: string;
}

/** Milliseconds of an RFC 3339 time with nanoseconds (JetStream's message times). */
export function timeMs(text: string): number {
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? ms : 0;
}
