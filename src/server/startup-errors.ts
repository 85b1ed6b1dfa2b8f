/**
 * Start-up failures a person can act on, worded for them: which port, which
 * file, and what to do. `sluice start` prints these without a stack trace.
 */
import { DataDirInUse } from '../store/data-dir.js';

/** A start-up failure caused by the environment or the configuration, not by a bug. */
export class StartupError extends Error {}

/** Rewords what listening on `host:port` failed with. */
export function listenFailure(e: unknown, host: string, port: number): Error {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') {
    const also = port === 4566 ? ' (LocalStack uses it too)' : '';
    return new StartupError(`port ${port} is in use${also}: choose another with --port (or SLUICE_PORT)`);
  }
  if (code === 'EACCES') return new StartupError(`port ${port} needs privileges this process does not have: choose one above 1023 with --port`);
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') return new StartupError(`cannot listen on ${host}: no such local address (--host)`);
  return e instanceof Error ? e : new Error(String(e));
}

/** Rewords what opening the data dir failed with, naming the file. */
export function dataDirFailure(e: unknown, dir: string): Error {
  if (e instanceof DataDirInUse) return new StartupError(e.message);
  const err = e as NodeJS.ErrnoException & { path?: string };
  const where = err.path ?? dir;
  switch (err.code) {
    case 'EACCES':
    case 'EPERM':
      return new StartupError(`data dir ${dir}: ${where} cannot be written by this user (${err.code}); choose another with --data-dir, or fix its permissions`);
    case 'EROFS':
      return new StartupError(`data dir ${dir}: ${where} is on a read-only file system; choose another with --data-dir, or --in-memory`);
    case 'ENOTDIR':
    case 'EEXIST':
      return new StartupError(`data dir ${dir}: ${where} is not a directory; choose another with --data-dir`);
    case 'ENOSPC':
      return new StartupError(`data dir ${dir}: no space left on the device holding ${where}`);
    case 'SQLITE_CANTOPEN':
    case 'SQLITE_READONLY':
      return new StartupError(`data dir ${dir}: the database ${where}/sluice.db cannot be opened for writing (${err.code})`);
    default:
      return e instanceof Error ? e : new Error(String(e));
  }
}
