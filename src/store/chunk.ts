/**
 * A chunk: the records one commit appended to one shard, with consecutive
 * positions, packed into one blob. Entry layout:
 *   partition key length u16 | partition key (UTF-8) | data length u32 | data
 * Decoding hands out offsets into the blob, so reads copy nothing per record.
 */
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

/**
 * Calls `visit` for each entry at or after index `skip`; stops when it returns false.
 * Entries before `skip` are stepped over without decoding their keys.
 */
export function forEachEntry(chunk: Buffer, skip: number, visit: (index: number, partitionKey: string, dataStart: number, dataEnd: number) => boolean): void {
  let p = 0;
  for (let i = 0; p < chunk.length; i++) {
    const klen = chunk.readUInt16BE(p);
    const dataAt = p + 2 + klen;
    const dlen = chunk.readUInt32BE(dataAt);
    const end = dataAt + 4 + dlen;
    if (i >= skip && !visit(i, chunk.toString('utf8', p + 2, dataAt), dataAt + 4, end)) return;
    p = end;
  }
}
