/**
 * The `application/vnd.amazon.eventstream` framing: each message is
 *   total length u32 | headers length u32 | CRC32 of those 8 bytes |
 *   headers | payload | CRC32 of everything before it.
 * Header values here are all strings (type 7).
 */
import { crc32 } from 'node:zlib';

export const EVENT_STREAM_TYPE = 'application/vnd.amazon.eventstream';

function encodeHeaders(headers: Record<string, string>): Buffer {
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(headers)) {
    const n = Buffer.from(name, 'utf8');
    const v = Buffer.from(value, 'utf8');
    const h = Buffer.allocUnsafe(1 + n.length + 1 + 2 + v.length);
    h.writeUInt8(n.length, 0);
    n.copy(h, 1);
    h.writeUInt8(7, 1 + n.length);
    h.writeUInt16BE(v.length, 2 + n.length);
    v.copy(h, 4 + n.length);
    parts.push(h);
  }
  return Buffer.concat(parts);
}

export function encodeMessage(headers: Record<string, string>, payload: Buffer): Buffer {
  const h = encodeHeaders(headers);
  const total = 12 + h.length + payload.length + 4;
  const msg = Buffer.allocUnsafe(total);
  msg.writeUInt32BE(total, 0);
  msg.writeUInt32BE(h.length, 4);
  msg.writeUInt32BE(crc32(msg.subarray(0, 8)), 8);
  h.copy(msg, 12);
  payload.copy(msg, 12 + h.length);
  msg.writeUInt32BE(crc32(msg.subarray(0, total - 4)), total - 4);
  return msg;
}

export const eventMessage = (eventType: string, contentType: string, payload: Buffer): Buffer =>
  encodeMessage({ ':event-type': eventType, ':content-type': contentType, ':message-type': 'event' }, payload);

export const exceptionMessage = (code: string, contentType: string, payload: Buffer): Buffer =>
  encodeMessage({ ':exception-type': code, ':content-type': contentType, ':message-type': 'exception' }, payload);

export interface DecodedMessage {
  readonly headers: Record<string, string>;
  readonly payload: Buffer;
}

/** Splits a buffer of whole messages, checking both CRCs (for tests and clients). */
export function decodeMessages(buf: Buffer): DecodedMessage[] {
  const out: DecodedMessage[] = [];
  let at = 0;
  while (at + 16 <= buf.length) {
    const total = buf.readUInt32BE(at);
    const hlen = buf.readUInt32BE(at + 4);
    if (crc32(buf.subarray(at, at + 8)) !== buf.readUInt32BE(at + 8)) throw new Error('bad prelude CRC');
    if (crc32(buf.subarray(at, at + total - 4)) !== buf.readUInt32BE(at + total - 4)) throw new Error('bad message CRC');
    const headers: Record<string, string> = {};
    let p = at + 12;
    const end = p + hlen;
    while (p < end) {
      const nlen = buf.readUInt8(p);
      const name = buf.toString('utf8', p + 1, p + 1 + nlen);
      const vlen = buf.readUInt16BE(p + 2 + nlen);
      headers[name] = buf.toString('utf8', p + 4 + nlen, p + 4 + nlen + vlen);
      p += 4 + nlen + vlen;
    }
    out.push({ headers, payload: buf.subarray(end, at + total - 4) });
    at += total;
  }
  return out;
}
