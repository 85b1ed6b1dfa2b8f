/**
 * A linear walk over a JSON document's structure before JSON.parse: counts
 * values and nesting, jumping over strings with indexOf (so a 14 MiB record
 * costs a handful of steps). JSON.parse itself is linear, but a body of
 * millions of tiny values costs it hundreds of milliseconds of one core and
 * hundreds of megabytes; no AWS request needs more than a few thousand
 * values, so such a body is refused before it is parsed. The walk does not
 * check the grammar: JSON.parse does that next.
 */

export interface JsonLimits {
  /** Deepest nesting of arrays and objects. */
  readonly maxDepth: number;
  /** Most values (of any kind) in one document. */
  readonly maxValues: number;
}

/** PutRecords, the largest Kinesis request, holds 500 records of 2-3 values each. */
export const JSON_LIMITS: JsonLimits = { maxDepth: 64, maxValues: 100_000 };

export class JsonRejected extends Error {}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_ARRAY = 0x5b;
const OPEN_OBJECT = 0x7b;
const CLOSE_ARRAY = 0x5d;
const CLOSE_OBJECT = 0x7d;

export function scanJson(buf: Buffer, limits: JsonLimits = JSON_LIMITS): void {
  let depth = 0;
  // Separators and openings bound the number of values from above.
  let values = 1;
  for (let i = 0; i < buf.length; i++) {
    const c = buf[i]!;
    if (c === QUOTE) {
      // Jump to the closing quote: one not preceded by an odd number of backslashes.
      let end = i;
      for (;;) {
        end = buf.indexOf(QUOTE, end + 1);
        if (end < 0) return; // unterminated: JSON.parse reports it
        let slashes = 0;
        while (buf[end - 1 - slashes] === BACKSLASH) slashes++;
        if (slashes % 2 === 0) break;
      }
      i = end;
    } else if (c === OPEN_ARRAY || c === OPEN_OBJECT) {
      if (++depth > limits.maxDepth) throw new JsonRejected(`nested deeper than ${limits.maxDepth}`);
      values++;
    } else if (c === CLOSE_ARRAY || c === CLOSE_OBJECT) {
      depth--;
    } else if (c === COMMA || c === COLON) {
      if (++values > limits.maxValues) throw new JsonRejected(`more than ${limits.maxValues} values`);
    }
  }
}
