/**
 * The data dir holds every secret Sluice has (the root access key, the keys
 * that seal shard iterators and session tokens, every user's secret key), so
 * it is private to the user running Sluice: the directory 0700, its files
 * 0600, whatever the umask. A data dir that already exists with wider
 * permissions is used as it is (the operator may share it on purpose), with a
 * warning.
 */
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const DIR_MODE = 0o700;
export const FILE_MODE = 0o600;

/** Creates the data dir (0700) if needed; returns warnings about an existing one that others can read. */
export function prepareDataDir(dir: string): string[] {
  if (!existsSync(dir)) {
    mkdirSync(dir, { recursive: true, mode: DIR_MODE });
    chmodSync(dir, DIR_MODE);
    return [];
  }
  const mode = statSync(dir).mode & 0o777;
  if ((mode & 0o077) === 0) return [];
  return [`warning: data dir ${dir} has mode ${mode.toString(8).padStart(4, '0')}: other users can list it; it holds secret keys (chmod 700 ${dir})`];
}

/** Creates `file` empty with mode 0600 unless it exists, so SQLite never creates it with the umask's mode. */
export function createPrivateFile(file: string): void {
  if (!existsSync(file)) closeSync(openSync(file, 'a', FILE_MODE));
}

/** Makes each existing file 0600 (a database and the write-ahead log and shared-memory files beside it). */
export function makePrivate(files: readonly string[]): void {
  for (const f of files) if (existsSync(f)) chmodSync(f, FILE_MODE);
}

/** The data dir is in use by another live process. */
export class DataDirInUse extends Error {}

interface LockRecord {
  readonly pid: number;
  /** The process's start time in clock ticks since boot (/proc/<pid>/stat), so a reused pid is not mistaken for it. */
  readonly startTicks: number | null;
  readonly startedAt: string;
}

const processStartTicks = (pid: number): number | null => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 22, counted after the command name, which is in parentheses and may hold spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[19]);
  } catch {
    return null;
  }
};

function isAlive(rec: LockRecord): boolean {
  try {
    process.kill(rec.pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
  const ticks = processStartTicks(rec.pid);
  return rec.startTicks === null || ticks === null || ticks === rec.startTicks;
}

export interface DataDirLock {
  /** Why an earlier lock was taken over, if one was. */
  readonly tookOver?: string;
  release(): void;
}

/**
 * One process per data dir: two processes appending to one shard's tail would
 * corrupt it. The lock is a file holding the owner's pid (created with O_EXCL);
 * a lock whose process is gone (a crash, kill -9) is stale and taken over.
 */
export function lockDataDir(dir: string): DataDirLock {
  const file = join(dir, 'sluice.lock');
  const mine: LockRecord = { pid: process.pid, startTicks: processStartTicks(process.pid), startedAt: new Date().toISOString() };
  let tookOver: string | undefined;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, JSON.stringify(mine), { flag: 'wx', mode: FILE_MODE });
      const release = (): void => {
        try {
          const rec = JSON.parse(readFileSync(file, 'utf8')) as LockRecord;
          if (rec.pid === process.pid) unlinkSync(file);
        } catch {
          // Already gone.
        }
        process.off('exit', release);
      };
      process.on('exit', release);
      return { ...(tookOver ? { tookOver } : {}), release };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    let rec: LockRecord | undefined;
    try {
      rec = JSON.parse(readFileSync(file, 'utf8')) as LockRecord;
    } catch {
      rec = undefined;
    }
    if (rec && typeof rec.pid === 'number' && isAlive(rec)) {
      throw new DataDirInUse(`data dir ${dir} is in use by another Sluice process (pid ${rec.pid}, started ${rec.startedAt}); stop it, or start this one with another --data-dir`);
    }
    tookOver = rec ? `a stale lock of pid ${rec.pid} (started ${rec.startedAt}), whose process is gone` : 'an unreadable lock file';
    unlinkSync(file);
  }
  throw new DataDirInUse(`data dir ${dir} could not be locked (${file})`);
}
