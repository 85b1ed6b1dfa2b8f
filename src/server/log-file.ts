/**
 * A file log lines are appended to (--access-log): opened once at start, so
 * a path that can't be written stops the start with a reason instead of
 * losing lines later; written through a buffered stream; flushed and closed
 * when the server closes.
 */
import { createWriteStream, openSync, type WriteStream } from 'node:fs';
import { StartupError } from './startup-errors.js';

export interface LogFile {
  readonly path: string;
  /** Appends `line` and a newline. */
  write(line: string): void;
  /** Flushes what was written and closes the file. */
  close(): Promise<void>;
}

export function openLogFile(path: string, onError: (e: Error) => void): LogFile {
  let fd: number;
  try {
    // Access logs hold callers' addresses: private to the user, like the data dir.
    fd = openSync(path, 'a', 0o600);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new StartupError(`access log ${path} cannot be opened for appending (${err.code ?? err.message}): choose another with --access-log`);
  }
  const stream: WriteStream = createWriteStream('', { fd });
  let failed = false;
  stream.on('error', (e) => {
    // Reported once: a full disk would otherwise report every line.
    if (!failed) onError(e);
    failed = true;
  });
  let closing: Promise<void> | undefined;
  return {
    path,
    write(line) {
      if (!closing && !failed) stream.write(`${line}\n`);
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        if (failed) {
          stream.destroy();
          resolve();
        } else {
          stream.end(() => resolve());
        }
      });
      return closing;
    },
  };
}
