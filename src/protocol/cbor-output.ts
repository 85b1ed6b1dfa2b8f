/**
 * CBOR answers. An action's output is shaped and encoded by cbor-x, except
 * that a list member handed over as a ListView that can write CBOR writes
 * itself (GetRecords' records, straight from storage). The bytes are the
 * same either way: the structure around such a list is written member by
 * member exactly as cbor-x writes an object (a map with a 16-bit count, then
 * each key and value in the shape's order).
 */
import { Encoder } from 'cbor-x';
import type { BufferPool } from './buffer-pool.js';
import { ByteSink } from './json-writer.js';
import { isListView } from './list-view.js';
import type { MemberRef, ServiceModel } from './model.js';
import { shapeOutput } from './shapes.js';

export const cborEncoder = new Encoder({ useRecords: false, tagUint8Array: false } as any);

/** Encoded bytes, and a way to hand back the buffer they lie in once they are sent. */
export interface EncodedAnswer {
  bytes(): Buffer;
  release(): void;
}

/**
 * The CBOR of an output value of shape `ref`. With a pool, a self-writing list
 * is written into a pooled buffer: call release() once the bytes are sent.
 */
export function cborOutput(model: ServiceModel, ref: MemberRef, result: Record<string, unknown>, pool?: BufferPool): EncodedAnswer {
  const shape = model.shapes[ref.shape]!;
  const writesItself = (v: unknown): boolean => isListView(v) && v.writeCbor !== undefined;
  if (shape.type !== 'structure' || !Object.values(result).some(writesItself)) {
    const bytes = cborEncoder.encode(shapeOutput(model, ref, result, 'cbor'));
    return { bytes: () => bytes, release: () => {} };
  }
  const members = Object.entries(shape.members).filter(([name]) => result[name] !== undefined && result[name] !== null);
  const sink = new ByteSink(1024, pool);
  const out = sink.room(3);
  out[sink.pos++] = 0xb9;
  out[sink.pos++] = members.length >> 8;
  out[sink.pos++] = members.length & 0xff;
  for (const [name, member] of members) {
    const value = result[name];
    raw(sink, cborEncoder.encode(name));
    if (isListView(value) && value.writeCbor) value.writeCbor(sink);
    else raw(sink, cborEncoder.encode(shapeOutput(model, member, value, 'cbor')));
  }
  return sink;
}

function raw(sink: ByteSink, bytes: Uint8Array): void {
  sink.room(bytes.length).set(bytes, sink.pos);
  sink.pos += bytes.length;
}

/** CBOR heads (major type and length, shortest form), as cbor-x writes them. */
export function cborHead(buf: Buffer, at: number, major: number, length: number): number {
  const type = major << 5;
  if (length < 24) {
    buf[at] = type | length;
    return at + 1;
  }
  if (length < 0x100) {
    buf[at] = type | 24;
    buf[at + 1] = length;
    return at + 2;
  }
  if (length < 0x10000) {
    buf[at] = type | 25;
    buf.writeUInt16BE(length, at + 1);
    return at + 3;
  }
  buf[at] = type | 26;
  buf.writeUInt32BE(length, at + 1);
  return at + 5;
}

/** A time in milliseconds as an 8-byte unsigned integer, as cbor-x writes a BigInt (and times since 1970 need 8 bytes). */
export function cborMillis(buf: Buffer, at: number, ms: number): number {
  buf[at] = 0x1b;
  buf.writeBigUInt64BE(BigInt(ms), at + 1);
  return at + 9;
}

