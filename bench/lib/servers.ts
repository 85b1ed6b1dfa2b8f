/**
 * The Kinesis servers under test, each started as its own child process on a
 * free loopback port with a fresh temporary data directory, plus what the
 * harness needs from them: readiness, resident memory, and a clean stop.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { KINESIS_HEADERS } from './client.js';
import { repoRoot } from './paths.js';
import { sleep } from './stats.js';

export interface ServerSpec {
  readonly name: string;
  /** How the server keeps data in this benchmark, for the report. */
  readonly storage: string;
  /** argv (after `node`) and extra environment, given a port and an empty data dir. */
  command(port: number, dataDir: string): { args: string[]; env: Record<string, string>; cwd?: string };
}

const root = (): string => repoRoot();

export const SLUICE: ServerSpec = {
  name: 'Sluice',
  storage: 'SQLite on disk (WAL, synchronous=FULL, group commit): every acknowledged write is fsynced',
  command: (port, dataDir) => ({
    args: [join(root(), 'dist/src/cli/main.js'), 'start', '--host', '127.0.0.1', '--port', String(port), '--data-dir', dataDir, '--create-stream-ms', '0'],
    env: {},
  }),
};

export const KINESALITE: ServerSpec = {
  name: 'kinesalite',
  storage: 'LevelDB on disk (`--path`); kinesalite writes without `sync`, so acknowledged writes are not fsynced',
  command: (port, dataDir) => ({
    args: [join(root(), 'node_modules/kinesalite/cli.js'), '--port', String(port), '--path', dataDir, '--createStreamMs', '0', '--deleteStreamMs', '0', '--updateStreamMs', '0'],
    env: {},
  }),
};

export const KINESIS_LOCAL: ServerSpec = {
  name: 'kinesis-local',
  storage: 'in memory, with its only persistence option on (`SHOULD_PERSIST_DATA`): a JSON snapshot of everything every 5 s, so writes are not durable when acknowledged',
  command: (port, dataDir) => {
    const pkg = join(root(), 'node_modules/kinesis-local');
    return {
      args: [join(pkg, 'main.js')],
      env: {
        KINESIS_MOCK_PLAIN_PORT: String(port),
        // It also opens a TLS port; give it one nobody else has.
        KINESIS_MOCK_TLS_PORT: String(port + 1),
        KINESIS_MOCK_CERT_PATH: join(pkg, 'server.json'),
        CREATE_STREAM_DURATION: '0ms',
        DELETE_STREAM_DURATION: '0ms',
        SHOULD_PERSIST_DATA: 'true',
        PERSIST_PATH: dataDir,
        LOG_LEVEL: 'WARN',
      },
      cwd: dataDir,
    };
  },
};

export const ALL_SERVERS: readonly ServerSpec[] = [SLUICE, KINESALITE, KINESIS_LOCAL];

/** A loopback port nothing is listening on; `span` consecutive ports free when asked. */
export async function freePort(span = 1): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = await new Promise<number>((resolve, reject) => {
      const s = net.createServer();
      s.once('error', reject);
      s.listen(0, '127.0.0.1', () => {
        const p = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    let ok = true;
    for (let i = 1; i < span && ok; i++) ok = await portIsFree(port + i);
    if (ok && port + span <= 65535) return port;
  }
  throw new Error('no free port range found');
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

/** Children still running (with their data dirs), killed and cleaned up if the harness exits early. */
const live = new Map<ChildProcess, string>();
let exitHooked = false;
function hookExit(): void {
  if (exitHooked) return;
  exitHooked = true;
  const killAll = (): void => {
    for (const [c, dir] of live) {
      c.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  };
  process.on('exit', killAll);
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      killAll();
      process.exit(130);
    });
  }
}

export interface Memory {
  /** VmRSS in bytes. */
  readonly rss: number;
  /** VmHWM (peak RSS) in bytes. */
  readonly peak: number;
}

export class RunningServer {
  private exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  private readonly exitPromise: Promise<void>;
  private output = '';

  constructor(
    readonly spec: ServerSpec,
    readonly url: string,
    readonly dataDir: string,
    private readonly child: ChildProcess,
  ) {
    this.exitPromise = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exited = { code, signal };
        live.delete(child);
        resolve();
      });
    });
    const keep = (b: Buffer): void => {
      this.output = (this.output + b.toString('utf8')).slice(-4000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
  }

  get name(): string {
    return this.spec.name;
  }

  get pid(): number {
    return this.child.pid!;
  }

  get alive(): boolean {
    return this.exited === undefined;
  }

  /** How it ended, e.g. "exit code 1" or "signal SIGKILL", and its last output. */
  describeExit(): string {
    if (!this.exited) return 'still running';
    const how = this.exited.signal ? `killed by ${this.exited.signal}` : `exited with code ${this.exited.code}`;
    const tail = this.output.trim().split('\n').slice(-3).join(' / ');
    return tail ? `${how} (${tail.slice(0, 300)})` : how;
  }

  /** Resident memory of the server process from /proc/<pid>/status; undefined once it has gone. */
  memory(): Memory | undefined {
    if (!this.alive) return undefined;
    try {
      const status = readFileSync(`/proc/${this.pid}/status`, 'utf8');
      const kb = (field: string): number => Number(new RegExp(`^${field}:\\s*(\\d+)\\s*kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
      return { rss: kb('VmRSS'), peak: kb('VmHWM') };
    } catch {
      return undefined;
    }
  }

  /** SIGTERM, then SIGKILL after `graceMs`; removes the data dir. */
  async stop(graceMs = 5000): Promise<void> {
    if (this.alive) {
      this.child.kill('SIGTERM');
      const timedOut = await Promise.race([this.exitPromise.then(() => false), sleep(graceMs).then(() => true)]);
      if (timedOut && this.alive) {
        this.child.kill('SIGKILL');
        await this.exitPromise;
      }
    }
    await rm(this.dataDir, { recursive: true, force: true });
  }
}

/** Starts a server and resolves once it answers a Kinesis ListStreams with 200. */
export async function startServer(spec: ServerSpec, timeoutMs = 60_000): Promise<RunningServer> {
  hookExit();
  const dataDir = await mkdtemp(join(tmpdir(), `sluice-bench-${spec.name}-`));
  // Two consecutive free ports: kinesis-local also opens a TLS port at port + 1.
  const port = await freePort(2);
  const { args, env, cwd } = spec.command(port, dataDir);
  const child = spawn(process.execPath, args, {
    cwd: cwd ?? root(),
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.set(child, dataDir);
  const server = new RunningServer(spec, `http://127.0.0.1:${port}`, dataDir, child);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!server.alive) {
      await server.stop();
      throw new Error(`${spec.name} did not start: ${server.describeExit()}`);
    }
    try {
      const res = await request(`${server.url}/`, {
        method: 'POST',
        headers: { ...KINESIS_HEADERS, 'x-amz-target': 'Kinesis_20131202.ListStreams' },
        body: '{}',
        headersTimeout: 2000,
        bodyTimeout: 2000,
      });
      await res.body.dump();
      if (res.statusCode === 200) return server;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  await server.stop();
  throw new Error(`${spec.name} did not answer ListStreams within ${timeoutMs} ms`);
}
