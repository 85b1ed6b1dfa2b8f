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
