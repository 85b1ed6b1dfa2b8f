/**
 * What Kinesis reports to the metrics registry: CloudWatch's Kinesis Data
 * Streams metrics, by stream and, for streams with enhanced monitoring, by
 * shard. A narrow interface so the service knows nothing of Prometheus.
 */
export interface ShardCount {
  readonly shardId: string;
  readonly records: number;
  readonly bytes: number;
}

export interface KinesisMetrics {
  /** A PutRecord or PutRecords call: what was written (per shard), what was refused, how long it took. */
  put(call: 'PutRecord' | 'PutRecords', stream: string, written: readonly ShardCount[], throttled: readonly ShardCount[], failed: number, latencyMs: number, success: boolean, shardLevel: readonly string[]): void;
  /** A GetRecords call. */
  get(stream: string, shardId: string, records: number, bytes: number, iteratorAgeMs: number, latencyMs: number, success: boolean, shardLevel: readonly string[]): void;
  /** A read refused for throughput. */
  readThrottled(stream: string, shardId: string, shardLevel: readonly string[]): void;
  /** An event pushed to a SubscribeToShard subscriber. */
  subscribeEvent(stream: string, consumer: string, records: number, bytes: number, millisBehindLatest: number): void;
}

export const noMetrics: KinesisMetrics = {
  put: () => {},
  get: () => {},
  readThrottled: () => {},
  subscribeEvent: () => {},
};
