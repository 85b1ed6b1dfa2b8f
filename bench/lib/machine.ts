/** The machine a run happened on, for the report. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism, totalmem } from 'node:os';

function cpuModel(): string {
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) return m[1]!.trim();
  } catch {
    // not Linux
  }
  return 'unknown CPU';
}

export interface Machine {
  readonly nproc: number;
  readonly cpu: string;
  readonly memoryGiB: number;
  readonly node: string;
  readonly platform: string;
}

export function machine(): Machine {
  return {
    nproc: availableParallelism(),
    cpu: cpuModel(),
    memoryGiB: totalmem() / 1024 ** 3,
    node: process.version,
    platform: `${process.platform}/${process.arch}`,
  };
}

/** "Machine: 2 CPUs (AMD EPYC), 23.5 GiB RAM, Node v20.20.2, linux/x64 — 2025-01-01T00:00:00Z" */
export function machineLine(date: Date = new Date()): string {
  const m = machine();
  return `Machine: ${m.nproc} CPUs (nproc) · ${m.cpu} · ${m.memoryGiB.toFixed(1)} GiB RAM · Node ${m.node} · ${m.platform} — run ${date.toISOString().replace(/\.\d+Z$/, 'Z')}`;
}

function cpuTimes(): { idle: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!;
  const f = line.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal ...
  const idle = (f[3] ?? 0) + (f[4] ?? 0);
  return { idle, total: f.slice(0, 8).reduce((a, b) => a + b, 0) };
}

/** CPU time (clock ticks) a process has used, or 0 when it cannot be read. */
function processTicks(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command; utime and stime are the 14th and 15th fields overall.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(f[11]) + Number(f[12]);
  } catch {
    return 0;
  }
}

/**
 * Fraction (0..1) of all CPUs busy over the next `ms`, not counting the
 * processes in `exclude` (e.g. the server under test doing its own
 * background work); NaN where /proc is missing.
 */
export async function cpuBusy(ms = 500, exclude: readonly number[] = []): Promise<number> {
  try {
    const a = cpuTimes();
    const ea = exclude.reduce((t, pid) => t + processTicks(pid), 0);
    await new Promise((r) => setTimeout(r, ms));
    const b = cpuTimes();
    const eb = exclude.reduce((t, pid) => t + processTicks(pid), 0);
    const total = b.total - a.total;
    if (total <= 0) return Number.NaN;
    const busy = total - (b.idle - a.idle) - Math.max(0, eb - ea);
    return Math.max(0, busy / total);
  } catch {
    return Number.NaN;
  }
}

/**
 * Waits (up to `maxMs`) until other processes leave the CPUs alone — less
 * than `threshold` of them busy, not counting `exclude` — so they do not skew
 * a measurement. Returns the last busy fraction seen (still at or above the
 * threshold if it timed out).
 */
export async function waitForQuiet(maxMs = 10_000, threshold = 0.2, exclude: readonly number[] = []): Promise<number> {
  const deadline = Date.now() + maxMs;
  let busy = await cpuBusy(500, exclude);
  while (!(busy < threshold) && Number.isFinite(busy) && Date.now() < deadline) busy = await cpuBusy(500, exclude);
  return busy;
}

/** The 1-minute load average, for the report. */
export function loadAverage(): string {
  try {
    return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  } catch {
    return 'n/a';
  }
}

/** "c881073" or "c881073 + uncommitted changes in src/", from git (read-only); "unknown" outside a checkout. */
export function sourceRevision(cwd: string): string {
  try {
    const git = (...args: string[]): string => execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const sha = git('rev-parse', '--short', 'HEAD');
    const dirty = git('status', '--porcelain', '--untracked-files=no', '--', 'src') !== '';
    return dirty ? `${sha} + uncommitted changes in src/` : sha;
  } catch {
    return 'unknown';
  }
}
