/**
 * A linear-time walk over a CBOR document's structure, run before it is
 * decoded. Decoding trusts what the bytes claim: a bignum of 256 KiB costs
 * cbor-x quadratic time (tens of seconds of one core), a claimed length or
 * item count can ask for more than the body holds, and nesting can be as deep
 * as the body is long. The walk reads only the item headers, in O(n) time and
 * O(depth) memory, and refuses what no AWS request needs, so the decoder only
 * ever sees documents it decodes in time proportional to their size.
 */

export interface CborLimits {
  /** Deepest nesting of arrays, maps and tags (Kinesis requests nest 3 deep). */
  readonly maxDepth: number;
  /** Largest bignum (tags 2 and 3), in bytes: 8 bytes already exceed every integer member. */
  readonly maxBignumBytes: number;
}

export const CBOR_LIMITS: CborLimits = { maxDepth: 32, maxBignumBytes: 16 };

export class CborRejected extends Error {}

/** Throws CborRejected unless `buf` is exactly one well-formed CBOR item within the limits. */
export function scanCbor(buf: Uint8Array, limits: CborLimits = CBOR_LIMITS): void {
  // Each frame: how many items are still owed to an open container (Infinity for indefinite length).
  const owed: number[] = [];
  let pos = 0;
  let items = 0;
  const need = (n: number): void => {
    if (pos + n > buf.length) throw new CborRejected('truncated');
  };
  const argument = (info: number): number => {
    if (info < 24) return info;
    if (info === 24) { need(1); return buf[pos++]!; }
    if (info === 25) { need(2); const v = (buf[pos]! << 8) | buf[pos + 1]!; pos += 2; return v; }
    if (info === 26) { need(4); const v = ((buf[pos]! << 24) >>> 0) + (buf[pos + 1]! << 16) + (buf[pos + 2]! << 8) + buf[pos + 3]!; pos += 4; return v; }
    if (info === 27) {
      need(8);
      const hi = ((buf[pos]! << 24) >>> 0) + (buf[pos + 1]! << 16) + (buf[pos + 2]! << 8) + buf[pos + 3]!;
      const lo = ((buf[pos + 4]! << 24) >>> 0) + (buf[pos + 5]! << 16) + (buf[pos + 6]! << 8) + buf[pos + 7]!;
      pos += 8;
      // Anything past 2^53 is more than any body can hold; the caller compares it with what is left.
      return hi * 2 ** 32 + lo;
    }
    throw new CborRejected('reserved additional information');
  };
  /** One item has been read: the innermost container owes one fewer. */
  const done = (): void => {
    while (owed.length > 0) {
      const top = owed.length - 1;
      if (owed[top] === Infinity) return;
      owed[top]! -= 1;
      if (owed[top]! > 0) return;
      owed.pop();
    }
  };
  /** Tags whose content must be a small byte string. */
  let bignumPending = false;

  for (;;) {
    need(1);
    const initial = buf[pos++]!;
    const major = initial >> 5;
    const info = initial & 0x1f;
    items++;
    if (bignumPending && major !== 2) throw new CborRejected('bignum content is not a byte string');
    const wasBignum = bignumPending;
    bignumPending = false;
    if (initial === 0xff) {
      // "break": ends the innermost indefinite-length container.
      if (owed.length === 0 || owed[owed.length - 1] !== Infinity) throw new CborRejected('unexpected break');
      owed.pop();
      done();
    } else if (major === 0 || major === 1) {
      if (info === 31) throw new CborRejected('indefinite integer');
      argument(info);
      done();
    } else if (major === 2 || major === 3) {
      if (info === 31) {
        if (wasBignum) throw new CborRejected('indefinite bignum');
        // Chunks of the same major type follow, then a break.
        for (;;) {
          need(1);
          const chunk = buf[pos++]!;
          if (chunk === 0xff) break;
          if (chunk >> 5 !== major || (chunk & 0x1f) === 31) throw new CborRejected('bad string chunk');
          const len = argument(chunk & 0x1f);
          need(len);
          pos += len;
        }
      } else {
        const len = argument(info);
        if (wasBignum && len > limits.maxBignumBytes) throw new CborRejected(`bignum of ${len} bytes`);
        need(len);
        pos += len;
      }
      done();
    } else if (major === 4 || major === 5) {
      if (owed.length >= limits.maxDepth) throw new CborRejected(`nested deeper than ${limits.maxDepth}`);
      if (info === 31) {
        owed.push(Infinity);
      } else {
        const n = argument(info) * (major === 5 ? 2 : 1);
        // Every item takes at least a byte: a count beyond what is left is a lie.
        if (n > buf.length - pos) throw new CborRejected('more items claimed than bytes left');
        if (n === 0) done();
        else owed.push(n);
      }
    } else if (major === 6) {
      const tag = argument(info);
      if (owed.length >= limits.maxDepth) throw new CborRejected(`nested deeper than ${limits.maxDepth}`);
      // A tag wraps exactly one item.
      owed.push(1);
      if (tag === 2 || tag === 3) bignumPending = true;
    } else {
      // Major 7: simple values and floats.
      if (info === 24) need(1), (pos += 1);
      else if (info === 25) need(2), (pos += 2);
      else if (info === 26) need(4), (pos += 4);
      else if (info === 27) need(8), (pos += 8);
      else if (info >= 28) throw new CborRejected('reserved simple value');
      done();
    }
    if (owed.length === 0) break;
    if (items > buf.length) throw new CborRejected('more items than bytes');
  }
  if (pos !== buf.length) throw new CborRejected('trailing bytes after the document');
}
