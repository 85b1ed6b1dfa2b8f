/**
 * A chunk: the records one commit appended to one shard, with consecutive
 * positions, packed into one blob. Entry layout:
 *   partition key length u16 | partition key (UTF-8) | data length u32 | data
 * Decoding hands out offsets into the blob, so reads copy nothing per record.
 */
import type { RecordRun, StoredRecord } from './stream-store.js';

export const MAX_CHUNK_RECORDS = 1000;
export const MAX_CHUNK_BYTES = 1024 * 1024;

export interface ChunkEntry {
  readonly partitionKey: string;
  readonly data: Buffer;
}

/**
 * Packs entries into chunks, reusing one buffer: each result is valid until
 * the next encode() (SQLite copies a blob when it is bound, so the store
 * never needs a fresh buffer per chunk).
 */
export class ChunkWriter {
  private buf = Buffer.alloc(0);

  encode(entries: readonly ChunkEntry[]): Buffer {
    let bound = 0;
    for (const e of entries) bound += 6 + e.partitionKey.length * 3 + e.data.length;
    if (bound > this.buf.length) this.buf = Buffer.allocUnsafeSlow(Math.max(bound, this.buf.length * 2, 64 * 1024));
    const out = this.buf;
    let p = 0;
    for (const e of entries) {
      const key = e.partitionKey;
      const keyAt = p + 2;
      let q = keyAt;
      // Keys are short and nearly always ASCII: a loop beats a call into the UTF-8 encoder.
      for (let i = 0; i < key.length; i++) {
        const c = key.charCodeAt(i);
        if (c >= 0x80) {
          q = keyAt + out.write(key, keyAt, 'utf8');
          break;
        }
        out[q++] = c;
      }
      const keyBytes = q - keyAt;
      out[p] = keyBytes >> 8;
      out[p + 1] = keyBytes & 0xff;
      out.writeUInt32BE(e.data.length, q);
      out.set(e.data, q + 4);
      p = q + 4 + e.data.length;
    }
    return out.subarray(0, p);
  }
}

/** A chunk in a buffer of its own. */
export const encodeChunk = (entries: readonly ChunkEntry[]): Buffer => Buffer.from(new ChunkWriter().encode(entries));

/** Byte offset just past the entry that starts at `p`. */
export function entryEnd(chunk: Buffer, p: number): number {
  const dataAt = p + 2 + ((chunk[p]! << 8) | chunk[p + 1]!);
  return dataAt + 4 + chunk.readUInt32BE(dataAt);
}

/** The data length of the entry that starts at `p`. */
export function entryDataLength(chunk: Buffer, p: number): number {
  return chunk.readUInt32BE(p + 2 + ((chunk[p]! << 8) | chunk[p + 1]!));
}

/**
 * Walks the records of a read where they lie: after each next(), the fields
 * describe the current record (byte ranges into `chunk`). One cursor serves a
 * whole read, so walking makes no object per record.
 */
export class EntryCursor {
  chunk: Buffer = Buffer.alloc(0);
  n = 0;
  arrivalMs = 0;
  keyStart = 0;
  keyEnd = 0;
  dataStart = 0;
  dataEnd = 0;
  private run = 0;
  private left = 0;

  constructor(private readonly runs: readonly RecordRun[]) {}

  next(): boolean {
    while (this.left === 0) {
      const run = this.runs[this.run++];
      if (!run) return false;
      this.chunk = run.chunk;
      this.n = run.firstN - 1;
      this.arrivalMs = run.arrivalMs;
      this.dataEnd = run.start;
      this.left = run.count;
    }
    const { chunk } = this;
    const p = this.dataEnd;
    this.keyStart = p + 2;
    this.keyEnd = this.keyStart + ((chunk[p]! << 8) | chunk[p + 1]!);
    this.dataStart = this.keyEnd + 4;
    this.dataEnd = this.dataStart + chunk.readUInt32BE(this.keyEnd);
    this.n++;
    this.left--;
    return true;
  }
}

/** Every record in `runs`, as objects (for callers that want them one by one). */
export function recordsOf(runs: readonly RecordRun[]): StoredRecord[] {
  const out: StoredRecord[] = [];
  const e = new EntryCursor(runs);
  while (e.next()) {
    out.push({ n: e.n, arrivalMs: e.arrivalMs, partitionKey: e.chunk.toString('utf8', e.keyStart, e.keyEnd), data: { source: e.chunk, start: e.dataStart, end: e.dataEnd } });
  }
  return out;
}
