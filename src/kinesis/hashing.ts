/** Partition-key hashing and the even split of the 128-bit hash space. */
export const MAX_HASH_KEY = (1n << 128n) - 1n;

export interface HashRange {
  readonly start: bigint;
  readonly end: bigint;
}

/** n ranges of floor(2^128 / n) keys each; the last one runs to 2^128 - 1. */
export function evenSplit(n: number, start = 0n, end = MAX_HASH_KEY): HashRange[] {
  const size = (end - start + 1n) / BigInt(n);
  return Array.from({ length: n }, (_, i) => ({
    start: start + size * BigInt(i),
    end: i === n - 1 ? end : start + size * BigInt(i + 1) - 1n,
  }));
}
