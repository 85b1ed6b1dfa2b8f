/**
 * Blob values an action may return: a Buffer, or a slice of a larger buffer
 * that is encoded straight from where it lies (records read from a chunk are
 * never copied or wrapped in a view of their own).
 */
export interface ByteSlice {
  readonly source: Buffer;
  readonly start: number;
  readonly end: number;
}

export type BlobValue = Buffer | ByteSlice;

export const blobLength = (v: BlobValue): number => (Buffer.isBuffer(v) ? v.length : v.end - v.start);

export const blobBase64 = (v: BlobValue): string => (Buffer.isBuffer(v) ? v.toString('base64') : v.source.toString('base64', v.start, v.end));

export const blobBytes = (v: BlobValue): Buffer => (Buffer.isBuffer(v) ? v : v.source.subarray(v.start, v.end));
