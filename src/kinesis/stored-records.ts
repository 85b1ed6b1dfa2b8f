/**
 * Records as GetRecords and SubscribeToShard return them. A read's records
 * are written to JSON straight from the chunks they are stored in: the
 * sequence number's digits, the data's base64 and the partition key's UTF-8
 * go byte by byte into the answer, with no object or string per record. The
 * same records as plain objects serve the other encoders (CBOR, events).
 */
import { cborHead, cborMillis } from '../protocol/cbor-output.js';
import { ListView } from '../protocol/list-view.js';
import type { ByteSink } from '../protocol/json-writer.js';
import { EntryCursor, recordsOf } from '../store/chunk.js';
import type { ReadResult, StoredRecord } from '../store/stream-store.js';
import { sequencePrefix, withPosition } from './sequence.js';
import type { ShardMeta } from './streams.js';

export const ascii = (s: string): Buffer => Buffer.from(s, 'latin1');

/** What every sequence number of a shard starts with, as text and as bytes; worked out once per shard. */
interface SequencePrefix {
  readonly text: string;
  readonly bytes: Buffer;
}

const prefixes = new WeakMap<ShardMeta, SequencePrefix>();

export function prefixOf(sh: ShardMeta): SequencePrefix {
  let prefix = prefixes.get(sh);
  if (prefix === undefined) {
    const text = sequencePrefix(sh.createdMs, sh.index);
    prefixes.set(sh, (prefix = { text, bytes: ascii(text) }));
  }
  return prefix;
}

/** A record's sequence number. */
export const sequenceOf = (sh: ShardMeta, n: number): string => withPosition(prefixOf(sh).text, n);

/** A stored record as the Record shape. */
export function recordOut(sh: ShardMeta, r: StoredRecord, encrypted: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {
    SequenceNumber: sequenceOf(sh, r.n),
    ApproximateArrivalTimestamp: r.arrivalMs,
    Data: r.data,
    PartitionKey: r.partitionKey,
  };
  if (encrypted) out['EncryptionType'] = 'KMS';
  return out;
}

const RECORD_OPEN = ascii('{"SequenceNumber":"');
const AFTER_SEQUENCE = ascii('","ApproximateArrivalTimestamp":');
const BEFORE_DATA = ascii(',"Data":"');
const BEFORE_KEY = ascii('","PartitionKey":');
const ENCRYPTED = ascii(',"EncryptionType":"KMS"');
/** Bytes a record needs besides its key and data, with room to spare. */
const FIXED_BYTES = 256;
const POSITION_DIGITS = 35;
const BASE64 = ascii('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/');
/** Below this, base64 in JavaScript beats a call into C++ and a string. */
const SMALL_DATA = 1024;

/** Copies `bytes` into `buf` at `at`; returns the offset after them. */
export function put(buf: Buffer, at: number, bytes: Buffer): number {
  // These are a few dozen bytes: a loop beats set()'s setup.
  for (let i = 0; i < bytes.length; i++) buf[at + i] = bytes[i]!;
  return at + bytes.length;
}

function base64Into(src: Buffer, start: number, end: number, buf: Buffer, at: number): number {
  if (end - start > SMALL_DATA) return at + buf.write(src.toString('base64', start, end), at, 'latin1');
  let i = start;
  let o = at;
  for (; i + 2 < end; i += 3) {
    const v = (src[i]! << 16) | (src[i + 1]! << 8) | src[i + 2]!;
    buf[o++] = BASE64[v >> 18]!;
    buf[o++] = BASE64[(v >> 12) & 63]!;
    buf[o++] = BASE64[(v >> 6) & 63]!;
    buf[o++] = BASE64[v & 63]!;
  }
  if (i + 1 === end) {
    const v = src[i]! << 16;
    buf[o++] = BASE64[v >> 18]!;
    buf[o++] = BASE64[(v >> 12) & 63]!;
    buf[o++] = 0x3d;
    buf[o++] = 0x3d;
  } else if (i + 2 === end) {
    const v = (src[i]! << 16) | (src[i + 1]! << 8);
    buf[o++] = BASE64[v >> 18]!;
    buf[o++] = BASE64[(v >> 12) & 63]!;
    buf[o++] = BASE64[(v >> 6) & 63]!;
    buf[o++] = 0x3d;
  }
  return o;
}

/** `n` in 35 digits, zero-padded (the position part of a sequence number). */
export function positionInto(n: number, buf: Buffer, at: number): number {
  let k = at + POSITION_DIGITS;
  let q = n;
  do {
    const digit = q % 10;
    buf[--k] = 48 + digit;
    q = (q - digit) / 10;
  } while (q > 0);
  while (k > at) buf[--k] = 48;
  return at + POSITION_DIGITS;
}

/** A UTF-8 partition key as a JSON string: its bytes as they are unless one needs escaping. */
function keyInto(chunk: Buffer, start: number, end: number, buf: Buffer, at: number): number {
  for (let i = start; i < end; i++) {
    const b = chunk[i]!;
    if (b < 0x20 || b === 0x22 || b === 0x5c) return at + buf.write(JSON.stringify(chunk.toString('utf8', start, end)), at, 'utf8');
  }
  // Keys are short (at most 256 characters): a loop beats a call to copy().
  let o = at;
  buf[o++] = 0x22;
  for (let i = start; i < end; i++) buf[o++] = chunk[i]!;
  buf[o++] = 0x22;
  return o;
}

export class StoredRecordList extends ListView<Record<string, unknown>> {
  constructor(
    private readonly read: ReadResult,
    private readonly shard: ShardMeta,
    private readonly encrypted: boolean,
  ) {
    super();
  }

  get length(): number {
    return this.read.count;
  }

  /** The records' data bytes (partition keys not counted), as CloudWatch's GetRecords.Bytes counts them. */
  get dataBytes(): number {
    return this.read.dataBytes;
  }

  items(): Array<Record<string, unknown>> {
    return recordsOf(this.read.runs).map((r) => recordOut(this.shard, r, this.encrypted));
  }

  writeJson(sink: ByteSink): void {
    const prefix = prefixOf(this.shard).bytes;
    // Room for the whole list up front (keys aside), so the answer is not copied as it grows.
    let buf = sink.room(this.read.count * FIXED_BYTES + Math.ceil(this.read.dataBytes / 3) * 4 + 2);
    buf[sink.pos++] = 0x5b;
    let arrivalMs = NaN;
    let arrival: Buffer = Buffer.alloc(0);
    const e = new EntryCursor(this.read.runs);
    for (let first = true; e.next(); first = false) {
      if (e.arrivalMs !== arrivalMs) {
        arrivalMs = e.arrivalMs;
        arrival = ascii(String(arrivalMs / 1000));
      }
      buf = sink.room(FIXED_BYTES + (e.keyEnd - e.keyStart) * 6 + Math.ceil((e.dataEnd - e.dataStart) / 3) * 4);
      let o = sink.pos;
      if (!first) buf[o++] = 0x2c;
      o = put(buf, o, RECORD_OPEN);
      o = put(buf, o, prefix);
      o = positionInto(e.n, buf, o);
      o = put(buf, o, AFTER_SEQUENCE);
      o = put(buf, o, arrival);
      o = put(buf, o, BEFORE_DATA);
      o = base64Into(e.chunk, e.dataStart, e.dataEnd, buf, o);
      o = put(buf, o, BEFORE_KEY);
      o = keyInto(e.chunk, e.keyStart, e.keyEnd, buf, o);
      if (this.encrypted) o = put(buf, o, ENCRYPTED);
      buf[o++] = 0x7d;
      sink.pos = o;
    }
    buf = sink.room(1);
    buf[sink.pos++] = 0x5d;
  }

  /** The same records as cbor-x writes them (see cbor-output.ts): an array of maps. */
  override writeCbor(sink: ByteSink): void {
    const prefix = prefixOf(this.shard).bytes;
    let buf = sink.room(this.read.count * CBOR_FIXED_BYTES + this.read.dataBytes + 5);
    sink.pos = cborHead(buf, sink.pos, 4, this.read.count);
    const e = new EntryCursor(this.read.runs);
    while (e.next()) {
      const { chunk, dataStart, dataEnd } = e;
      buf = sink.room(CBOR_FIXED_BYTES + (e.keyEnd - e.keyStart) + (dataEnd - dataStart));
      let o = sink.pos;
      o = put(buf, o, this.encrypted ? CBOR_RECORD_ENCRYPTED : CBOR_RECORD);
      o = put(buf, o, prefix);
      o = positionInto(e.n, buf, o);
      o = put(buf, o, CBOR_ARRIVAL);
      o = cborMillis(buf, o, e.arrivalMs);
      o = put(buf, o, CBOR_DATA);
      o = cborHead(buf, o, 2, dataEnd - dataStart);
      if (dataEnd - dataStart > SMALL_DATA) o += chunk.copy(buf, o, dataStart, dataEnd);
      else for (let k = dataStart; k < dataEnd; k++) buf[o++] = chunk[k]!;
      o = put(buf, o, CBOR_KEY);
      o = cborHead(buf, o, 3, e.keyEnd - e.keyStart);
      for (let k = e.keyStart; k < e.keyEnd; k++) buf[o++] = chunk[k]!;
      if (this.encrypted) o = put(buf, o, CBOR_ENCRYPTED);
      sink.pos = o;
    }
  }
}

/** CBOR text string `s` (ASCII), head included. */
function cborText(s: string): Buffer {
  const out = Buffer.alloc(s.length + 5);
  const at = cborHead(out, 0, 3, s.length);
  out.write(s, at, 'latin1');
  return out.subarray(0, at + s.length);
}

/** A record map's head (cbor-x writes a 16-bit count), the first key and the head of its 56-digit value. */
const cborRecordHead = (members: number): Buffer =>
  Buffer.concat([Buffer.from([0xb9, 0, members]), cborText('SequenceNumber'), Buffer.from([0x78, 56])]);
const CBOR_RECORD = cborRecordHead(4);
const CBOR_RECORD_ENCRYPTED = cborRecordHead(5);
/** The arrival time's key, then tag 1 (epoch time). */
const CBOR_ARRIVAL = Buffer.concat([cborText('ApproximateArrivalTimestamp'), Buffer.from([0xc1])]);
const CBOR_DATA = cborText('Data');
const CBOR_KEY = cborText('PartitionKey');
const CBOR_ENCRYPTED = Buffer.concat([cborText('EncryptionType'), cborText('KMS')]);
/** Bytes a record needs besides its key and data, with room to spare. */
const CBOR_FIXED_BYTES = 160;
