/** The worker thread of BackgroundCheckpointer (see checkpointer.ts). */
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import type { CheckpointerData } from './checkpointer.js';

const { file, signal, intervalMs } = workerData as CheckpointerData;
const dirty = new Int32Array(signal);
const db = new Database(file, { fileMustExist: true });

function checkpoint(): void {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // Busy or failing: the next round tries again, and SQLite's own checkpoint is the backstop.
    Atomics.store(dirty, 0, 1);
  }
}

const timer = setInterval(() => {
  if (Atomics.exchange(dirty, 0, 0) === 1) checkpoint();
}, intervalMs);

parentPort!.on('message', (message) => {
  if (message !== 'close') return;
  clearInterval(timer);
  db.close();
  parentPort!.close();
});
