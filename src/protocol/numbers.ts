/**
 * Numbers from the wire, held to what the model's types can hold. JSON can
 * carry huge or fractional numbers, CBOR also NaN, ±Infinity, -0, half
 * floats and bignums (tags 2 and 3); none of these may reach an action as a
 * number it would compute with (NaN compares false with every bound, so it
 * slips past range checks and into stored state). As Coral's deserializer
 * does for Java's types: an integer member takes a finite number within its
 * type's range, truncated toward zero; a floating-point member a finite
 * number; anything else is a SerializationException. Integers are further
 * held to JavaScript's safe range, where every value is exact.
 */
import { serializationError } from './errors.js';

export type IntegerType = 'integer' | 'long';

const INT32 = { min: -(2 ** 31), max: 2 ** 31 - 1 };
const JAVA_NAME: Record<IntegerType | 'double' | 'float', string> = { integer: 'int', long: 'long', double: 'double', float: 'float' };

const outOfRange = (text: string, type: IntegerType | 'double' | 'float') =>
  serializationError(`Numeric value (${text}) out of range of ${JAVA_NAME[type]}`);

/** A wire number or bignum for an integer member, or SerializationException. */
export function integerFromWire(v: number | bigint, type: IntegerType): number {
  let n: number;
  if (typeof v === 'bigint') {
    if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) throw outOfRange(v.toString(), type);
    n = Number(v);
  } else {
    if (!Number.isFinite(v)) throw outOfRange(String(v), type);
    n = Math.trunc(v);
  }
  const { min, max } = type === 'integer' ? INT32 : { min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER };
  if (n < min || n > max) throw outOfRange(String(v), type);
  // -0 is 0 to every action.
  return n === 0 ? 0 : n;
}

/** A wire number for a floating-point member: finite, or SerializationException. */
export function doubleFromWire(v: number | bigint, type: 'double' | 'float'): number {
  const n = Number(v);
  if (!Number.isFinite(n)) throw outOfRange(String(v), type);
  return n === 0 ? 0 : n;
}

/** Integer text (a URI label, query string, header, Query parameter): decimal digits within the type's range. */
export function integerFromText(text: string, type: IntegerType): number | undefined {
  const t = text.trim();
  if (!/^-?\d+$/.test(t)) return undefined;
  if (t.replace(/^-?0*/, '').length > 16) throw outOfRange(t, type);
  return integerFromWire(Number(t), type);
}

/** A timestamp that is a real instant: AWS's range is years 0001-9999, and an invalid date is never one. */
export function checkedDate(d: Date, shown: string): Date {
  const t = d.getTime();
  if (!Number.isFinite(t) || t < -62135596800000 || t > 253402300799999) {
    throw serializationError(`${shown} can not be converted to milliseconds since epoch`);
  }
  return d;
}
