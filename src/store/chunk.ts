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

export function encodeChunk(entries: readonly ChunkEntry[]): Buffer {
  let size = 0;
  const keys = entries.map((e) => {
    const k = Buffer.from(e.partitionKey, 'utf8');
    size += 6 + k.length + e.data.length;
    return k;
  });
  const out = Buffer.allocUnsafe(size);
  let p = 0;
  entries.forEach((e, i) => {
    const k = keys[i]!;
    out.writeUInt16BE(k.length, p);
    k.copy(out, p + 2);
    p += 2 + k.length;
    out.writeUInt32BE(e.data.length, p);
    e.data.copy(out, p + 4);
    p += 4 + e.data.length;
  });
  return out;
}

/** Byte offset just past the entry that starts at `p`. */
export function entryEnd(chunk: Buffer, p: number): number {
  const dataAt = p + 2 + ((chunk[p]! << 8) | chunk[p + 1]!);
  return dataAt + 4 + chunk.readUInt32BE(dataAt);
}

/** The data length of the entry that starts at `p`. */
export function entryDataLength(chunk: Buffer, p: number): number {
  return chunk.readUInt32BE(p + 2 + ((chunk[p]! << 8) | chunk[p + 1]!));
}

/** Every record in `runs`, as objects (for callers that want them one by one). */
export function recordsOf(runs: readonly RecordRun[]): StoredRecord[] {
  const out: StoredRecord[] = [];
  for (const run of runs) {
    const { chunk } = run;
    let p = run.start;
    for (let i = 0; i < run.count; i++) {
      const keyAt = p + 2;
      const dataAt = keyAt + ((chunk[p]! << 8) | chunk[p + 1]!);
      const end = dataAt + 4 + chunk.readUInt32BE(dataAt);
      out.push({ n: run.firstN + i, arrivalMs: run.arrivalMs, partitionKey: chunk.toString('utf8', keyAt, dataAt), data: { source: chunk, start: dataAt + 4, end } });
      p = end;
    }
  }
  return out;
}
