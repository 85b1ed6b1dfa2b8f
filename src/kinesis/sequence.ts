/**
 * Sequence numbers: 56 decimal digits, like AWS's. Layout (ours):
 *   "49" | shard creation time, ms (13) | shard index (6) | position in shard (35)
 * so numbers increase within a shard, a child shard's numbers exceed its
 * parent's, and a number names the shard it came from.
 */
export interface SequenceParts {
  readonly shardCreatedMs: number;
  readonly shard: number;
  readonly n: number;
}

const PATTERN = /^49(\d{13})(\d{6})(\d{35})$/;

const ZEROS = '0'.repeat(35);

/** The part of a shard's sequence numbers that never changes. */
export const sequencePrefix = (shardCreatedMs: number, shard: number): string =>
  '49' + String(shardCreatedMs).padStart(13, '0') + String(shard).padStart(6, '0');

/** `prefix` followed by the position in 35 digits. */
export function withPosition(prefix: string, n: number): string {
  const digits = String(n);
  return prefix + ZEROS.slice(digits.length) + digits;
}

export function formatSequence(p: SequenceParts): string {
  return withPosition(sequencePrefix(p.shardCreatedMs, p.shard), p.n);
}

export function parseSequence(s: string): SequenceParts | undefined {
  const m = PATTERN.exec(s);
  if (!m) return undefined;
  const n = Number(m[3]);
  if (!Number.isSafeInteger(n)) return undefined;
  return { shardCreatedMs: Number(m[1]), shard: Number(m[2]), n };
}
