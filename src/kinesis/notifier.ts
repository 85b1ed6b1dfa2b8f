/** Wakes readers of a shard the moment new records are durable there (in a cluster, on every node: see src/store). */
export { LocalWakeups as ShardNotifier } from '../store/wakeups.js';
export type { ShardWakeups } from '../store/stream-store.js';
