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

export function formatSequence(p: SequenceParts): string {
  return '49' + String(p.shardCreatedMs).padStart(13, '0') + String(p.shard).padStart(6, '0') + String(p.n).padStart(35, '0');
}

export function parseSequence(s: string): SequenceParts | undefined {
  const m = PATTERN.exec(s);
  if (!m) return undefined;
  const n = Number(m[3]);
  if (!Number.isSafeInteger(n)) return undefined;
  return { shardCreatedMs: Number(m[1]), shard: Number(m[2]), n };
}
