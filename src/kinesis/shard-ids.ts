/** Shard ids are `shardId-` and twelve digits. */
const ids: string[] = [];

/** Shard ids, formatted once per index (they are written on every record of every answer). */
export function shardIdOf(index: number): string {
  return (ids[index] ??= `shardId-${String(index).padStart(12, '0')}`);
}

/**
 * The shard index a caller means. AWS reads the digits after the first "-"
 * ("shardId-000000000004", "shard-000000000004", "4" all name shard 4).
 */
export function shardIndexOf(id: string): number | undefined {
  const dash = id.indexOf('-');
  const digits = dash >= 0 ? id.slice(dash + 1) : id;
  if (!/^\d+$/.test(digits)) return undefined;
  const n = Number(digits);
  return n <= 2147483647 ? n : undefined;
}
