/**
 * Cluster mode's store: records in JetStream streams, documents in a KV
 * bucket, wake-ups on core NATS (docs/cluster.md). This folder is the only
 * place that imports a NATS client.
 */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { StoreBackend, StoreHealth } from '../backend.js';
import { NatsClient } from './client.js';
import { NatsDocuments } from './documents.js';
import { NatsRecords } from './records.js';
import { NatsUsage } from './usage.js';
import { NatsWakeups } from './wakeups.js';

const HEARTBEAT_MS = 2000;
/** A node whose last quorum write is older than this calls itself cut off (health 503, every call 503). */
const CUT_OFF_AFTER_MS = 5000;
const RECOMMENDED_MAX_PAYLOAD = 2 * 1024 * 1024;

export interface NatsStoreOptions {
  readonly servers: readonly string[];
  /** Replicas of every stream and of the bucket; default 3 when the cluster has at least 3 servers, else 1. */
  readonly replicas?: number;
  readonly version: string;
  /** This node's id; default host-pid-random. */
  readonly nodeId?: string;
}

interface NodeBeat {
  readonly node: string;
  readonly version: string;
  readonly beatMs: number;
  readonly server: string | undefined;
}

export async function openNatsStore(options: NatsStoreOptions): Promise<StoreBackend> {
  const node = options.nodeId ?? `${hostname()}-${process.pid}-${randomBytes(2).toString('hex')}`;
  const client = await NatsClient.open({ servers: options.servers, name: `sluice ${node}` });
  const warnings: string[] = [];
  try {
    if (client.maxPayload < RECOMMENDED_MAX_PAYLOAD) {
      warnings.push(`NATS max_payload is ${client.maxPayload} bytes: records near 1 MiB do not fit in a message; set max_payload to at least 2MB on every server (docs/cluster.md)`);
    }
    const known = client.servers().known.length;
    const replicas = options.replicas ?? (known >= 3 ? 3 : 1);
    const documents = new NatsDocuments(client, replicas);
    await documents.open();
    const records = new NatsRecords(client, documents, replicas);
    const wakeups = new NatsWakeups(client);
    let lastQuorumMs = Date.now();
    let lastError: string | undefined;
    let beating = false;
    const beat = async (): Promise<void> => {
      if (beating) return;
      beating = true;
      try {
        const doc: NodeBeat = { node, version: options.version, beatMs: Date.now(), server: client.servers().connected };
        await documents.beat(node, doc);
        lastQuorumMs = Date.now();
        lastError = undefined;
      } catch (e) {
        lastError = e instanceof Error ? e.message : String(e);
      } finally {
        beating = false;
      }
    };
    await beat();
    const timer = setInterval(() => void beat(), HEARTBEAT_MS);
    timer.unref();
    const available = (): boolean => client.connected && Date.now() - lastQuorumMs < CUT_OFF_AFTER_MS;
    client.cutOff = () => !available();
    let closed = false;
    return {
      kind: 'nats',
      node,
      records,
      documents,
      wakeups,
      usage: new NatsUsage(client, node),
      warnings,
      setReporter(log) {
        documents.reportProblem = log;
      },
      available,
      async health(): Promise<StoreHealth> {
        const servers = client.servers();
        const now = Date.now();
        const nodes = documents.beats<NodeBeat>().filter((b) => now - b.beatMs < 3 * HEARTBEAT_MS + CUT_OFF_AFTER_MS);
        return {
          ok: available(),
          store: 'nats',
          node,
          replicas,
          servers: { connected: servers.connected ?? null, known: servers.known, version: client.serverVersion },
          jetstream: {
            reachable: available(),
            lastQuorumWriteMs: now - lastQuorumMs,
            ...(lastError ? { error: lastError } : {}),
          },
          nodes: nodes.map((b) => ({ node: b.node, version: b.version, server: b.server ?? null, lastBeatMsAgo: now - b.beatMs })),
        };
      },
      async close() {
        if (closed) return;
        closed = true;
        clearInterval(timer);
        await records.close();
        wakeups.close();
        await documents.unbeat(node).catch(() => {});
        documents.close();
        await client.close();
      },
    };
  } catch (e) {
    await client.close();
    throw e;
  }
}
