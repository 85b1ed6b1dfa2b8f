/**
 * A JetStream cluster of nats-server processes on loopback ports, for the
 * cluster-mode tests and the cluster benchmark. Debian's nats-server
 * (/usr/sbin/nats-server, installed by .ci/run) or one on PATH.
 */
import { spawn, type ChildProcess, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from '@nats-io/transport-node';

export function natsServerBinary(): string {
  if (existsSync('/usr/sbin/nats-server')) return '/usr/sbin/nats-server';
  try {
    return execFileSync('sh', ['-c', 'command -v nats-server'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error('nats-server is not installed (.ci/run installs Debian\'s nats-server; or apt-get install -y nats-server)');
  }
}

/** Waits until JetStream answers through the server at `url` (its cluster has a meta leader). */
export async function waitForJetStream(url: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const nc = await connect({ servers: url, timeout: 1000, reconnect: false });
      try {
        const r = await nc.request('$JS.API.INFO', '', { timeout: 1000 });
        const j = JSON.parse(new TextDecoder().decode(r.data)) as { error?: unknown };
        if (!j.error) return;
      } finally {
        await nc.close();
      }
    } catch {
      // not yet
    }
    if (Date.now() > deadline) throw new Error(`JetStream at ${url} did not answer within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export interface NatsServerProc {
  readonly name: string;
  readonly clientPort: number;
  readonly clusterPort: number;
  readonly url: string;
  /** The address it listens on (loopback, or a namespace's address). */
  readonly host: string;
  process: ChildProcess | undefined;
  output: string;
}

export interface NatsClusterOptions {
  readonly size?: number;
  /** Listen addresses per server (default 127.0.0.1 for all). */
  readonly hosts?: readonly string[];
  /** Wraps the command (e.g. ['ip', 'netns', 'exec', 'ns1']) per server. */
  readonly wrap?: (index: number) => string[];
}

export class NatsCluster {
  readonly dir: string;
  readonly servers: NatsServerProc[] = [];
  private readonly binary = natsServerBinary();

  private constructor(private readonly options: NatsClusterOptions) {
    this.dir = mkdtempSync(join(tmpdir(), 'sluice-nats-'));
  }

  static async start(options: NatsClusterOptions = {}): Promise<NatsCluster> {
    const c = new NatsCluster(options);
    try {
      const size = options.size ?? 3;
      for (let i = 0; i < size; i++) {
        const host = options.hosts?.[i] ?? '127.0.0.1';
        const clientPort = await freePort();
        const clusterPort = await freePort();
        c.servers.push({ name: `n${i + 1}`, clientPort, clusterPort, host, url: `nats://${host}:${clientPort}`, process: undefined, output: '' });
      }
      for (let i = 0; i < size; i++) c.writeConfig(i);
      for (let i = 0; i < size; i++) c.spawn(i);
      await c.waitReady();
      return c;
    } catch (e) {
      await c.stop();
      throw e;
    }
  }

  /** The --store value for Sluice. */
  get storeSpec(): string {
    return this.servers.map((s) => s.url).join(',');
  }

  private writeConfig(i: number): void {
    const s = this.servers[i]!;
    const routes = this.servers.filter((_x, j) => j !== i).map((o) => `nats-route://${o.host}:${o.clusterPort}`);
    const store = join(this.dir, s.name);
    mkdirSync(store, { recursive: true });
    writeFileSync(join(this.dir, `${s.name}.conf`), [
      `server_name: ${s.name}`,
      `listen: ${s.host}:${s.clientPort}`,
      'max_payload: 8388608',
      `jetstream { store_dir: "${store}", max_memory_store: 268435456, max_file_store: 4294967296 }`,
      // A single server runs JetStream on its own (a cluster block needs routes).
      this.servers.length > 1 ? `cluster { name: sluice, listen: ${s.host}:${s.clusterPort}, routes: [${routes.join(', ')}] }` : '',
      '',
    ].join('\n'));
  }

  private spawn(i: number): void {
    const s = this.servers[i]!;
    const cmd = [...(this.options.wrap?.(i) ?? []), this.binary, '-c', join(this.dir, `${s.name}.conf`)];
    const child = spawn(cmd[0]!, cmd.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
    s.process = child;
    s.output = '';
    child.stdout!.on('data', (d) => (s.output = (s.output + d).slice(-20_000)));
    child.stderr!.on('data', (d) => (s.output = (s.output + d).slice(-20_000)));
    child.on('exit', () => {
      if (s.process === child) s.process = undefined;
    });
  }

  /** Waits until JetStream answers through every running server (a meta leader exists). */
  async waitReady(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (const s of this.servers) {
      if (!s.process) continue;
      await waitForJetStream(s.url, deadline - Date.now()).catch((e: Error) => {
        throw new Error(`NATS server ${s.name} not ready (${e.message}):\n${s.output}`);
      });
    }
  }

  /** kill -9 (or another signal) of one server. */
  async kill(i: number, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const p = this.servers[i]!.process;
    if (!p) return;
    const exited = new Promise((r) => p.once('exit', r));
    p.kill(signal);
    if (signal === 'SIGKILL' || signal === 'SIGTERM' || signal === 'SIGINT') await exited;
  }

  /** Starts a stopped server again on the same ports and data. */
  async restart(i: number): Promise<void> {
    if (this.servers[i]!.process) return;
    this.spawn(i);
  }

  async stop(): Promise<void> {
    await Promise.all(this.servers.map(async (s) => {
      const p = s.process;
      if (!p) return;
      const exited = new Promise((r) => p.once('exit', r));
      p.kill('SIGKILL');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    }));
  }

  async destroy(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
