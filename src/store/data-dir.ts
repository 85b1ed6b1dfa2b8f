/**
 * The data dir holds every secret Sluice has (the root access key, the keys
 * that seal shard iterators and session tokens, every user's secret key), so
 * it is private to the user running Sluice: the directory 0700, its files
 * 0600, whatever the umask. A data dir that already exists with wider
 * permissions is used as it is (the operator may share it on purpose), with a
 * warning.
 */
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync } from 'node:fs';

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
