/**
 * Which store a server runs on: the embedded SQLite store (default) or a NATS
 * JetStream cluster (`--store nats://...`). Everything above src/store/ sees
 * only the interfaces bundled here.
 */
import type { DocumentStore } from './documents.js';
import type { ShardWakeups, StreamStore } from './stream-store.js';
import { SqliteStore } from './sqlite.js';
import { localUsage, type UsageExchange } from './usage-exchange.js';
import { LocalWakeups } from './wakeups.js';

export type StoreSpec = { readonly kind: 'sqlite' } | { readonly kind: 'nats'; readonly servers: readonly string[]; readonly replicas?: number | undefined };

export interface StoreHealth {
  /** false: this node cannot serve with authority (cut off from the cluster); health answers 503. */
  readonly ok: boolean;
  readonly store: 'sqlite' | 'nats';
  readonly node: string;
  readonly [detail: string]: unknown;
}

export interface StoreBackend {
  readonly kind: 'sqlite' | 'nats';
  /** This process's id in the cluster (the embedded store: "local"). */
  readonly node: string;
  readonly records: StreamStore;
  readonly documents: DocumentStore;
  readonly wakeups: ShardWakeups;
  /** Where rate-limit charges are shared with the other nodes (the embedded store: nowhere). */
  readonly usage: UsageExchange;
  /** Start-up warnings for the operator. */
  readonly warnings: readonly string[];
  /** Where problems with stored state are reported (the server's log once it is set up). */
  setReporter(log: (line: string) => void): void;
  /** Whether requests can be served now; false answers them 503 at once. */
  available(): boolean;
  /** What /_sluice/health shows about the store (cluster mode: servers, JetStream reachability, live nodes). */
  health(): Promise<StoreHealth>;
  close(): Promise<void>;
}

/** Parses --store / SLUICE_STORE: "sqlite", or NATS server URLs separated by commas. */
export function parseStoreSpec(text: string | undefined, replicas?: number): StoreSpec {
  const t = (text ?? '').trim();
  if (t === '' || t === 'sqlite') {
    if (replicas !== undefined) throw new Error('--replicas applies to --store nats://... only');
    return { kind: 'sqlite' };
  }
  const servers = t.split(',').map((s) => s.trim()).filter(Boolean);
  for (const s of servers) {
    if (!/^(nats|tls):\/\/[^\s/]+$/.test(s)) throw new Error(`--store must be "sqlite" or nats://host:port[,nats://host:port...], got "${s}"`);
  }
  if (replicas !== undefined && !(Number.isInteger(replicas) && replicas >= 1 && replicas <= 5)) throw new Error(`--replicas must be 1 to 5, got ${replicas}`);
  return { kind: 'nats', servers, ...(replicas !== undefined ? { replicas } : {}) };
}

export async function openStore(spec: StoreSpec, dataDir: string | undefined, version: string): Promise<StoreBackend> {
  if (spec.kind === 'nats') {
    // Loaded only in cluster mode: the embedded server never loads a NATS client.
    const { openNatsStore } = await import('./nats/index.js');
    return openNatsStore({ servers: spec.servers, version, ...(spec.replicas !== undefined ? { replicas: spec.replicas } : {}) });
  }
  const store = new SqliteStore(dataDir);
  return {
    kind: 'sqlite',
    node: 'local',
    records: store,
    documents: store,
    wakeups: new LocalWakeups(),
    usage: localUsage,
    warnings: store.warnings,
    setReporter(log) {
      store.reportProblem = log;
    },
    available: () => true,
    health: () => Promise.resolve({ ok: true, store: 'sqlite', node: 'local', dataDir: dataDir ?? null }),
    close: () => store.close(),
  };
}
