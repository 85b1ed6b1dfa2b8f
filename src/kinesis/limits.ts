/**
 * Opt-in AWS quotas and fault injection, so clients' retry logic can be
 * tested: per-shard write and read throughput, the 10 MiB-then-5-seconds
 * GetRecords rule, control-plane call rates, random throttling and latency.
 */
import { AwsError } from '../protocol/errors.js';
import { ChargeBatch, localUsage, type Charges, type UsageExchange } from '../store/usage-exchange.js';

export interface LimitsOptions {
  readonly enforce: boolean;
  /** Probability (0..1) that a call (or, in PutRecords, a record) is throttled. */
  readonly faultRate: number;
  /** Added to every Kinesis answer, in ms. */
  readonly latencyMs: number;
}

export const noLimits: LimitsOptions = { enforce: false, faultRate: 0, latencyMs: 0 };

const MiB = 1024 * 1024;
const WRITE_BYTES_PER_S = MiB;
const WRITE_RECORDS_PER_S = 1000;
const READ_BYTES_PER_S = 2 * MiB;
const READ_CALLS_PER_S = 5;
const BIG_READ_BYTES = 10 * MiB;
const BIG_READ_PAUSE_MS = 5000;

/** Control-plane calls per second, per account or per stream, as AWS documents them. */
const CONTROL_TPS: Record<string, number> = {
  CreateStream: 5, DeleteStream: 5, ListStreams: 5, DescribeStream: 10, DescribeStreamSummary: 20,
  ListShards: 1000, MergeShards: 5, SplitShard: 5, UpdateShardCount: 2, AddTagsToStream: 5,
  RemoveTagsFromStream: 5, ListTagsForStream: 5, IncreaseStreamRetentionPeriod: 5, DecreaseStreamRetentionPeriod: 5,
  RegisterStreamConsumer: 5, DeregisterStreamConsumer: 5, DescribeStreamConsumer: 20, ListStreamConsumers: 5,
  DescribeLimits: 1, EnableEnhancedMonitoring: 5, DisableEnhancedMonitoring: 5, StartStreamEncryption: 5,
  StopStreamEncryption: 5, UpdateStreamMode: 5, GetShardIterator: 5,
};

/** A budget that refills continuously at `rate` per second, holding at most one second's worth. */
class Bucket {
  private level: number;
  private at = Date.now();
  constructor(private readonly rate: number) {
    this.level = rate;
  }
  private refill(): void {
    const now = Date.now();
    this.level = Math.min(this.rate, this.level + ((now - this.at) / 1000) * this.rate);
    this.at = now;
  }
  canTake(n: number): boolean {
    this.refill();
    return this.level >= Math.min(n, this.rate);
  }
  take(n: number): void {
    this.refill();
    this.level -= n;
  }
}

/** The charge key that says "a 10 MiB read paused this shard". */
const BIG_READ = 'p#';

/** The rate of the bucket behind a charge key, or undefined for a key this build does not know. */
function rateOf(key: string): number | undefined {
  if (key.startsWith('w#')) return WRITE_RECORDS_PER_S;
  if (key.startsWith('wb#')) return WRITE_BYTES_PER_S;
  if (key.startsWith('r#')) return READ_CALLS_PER_S;
  if (key.startsWith('rb#')) return READ_BYTES_PER_S;
  if (key.startsWith('c#')) return CONTROL_TPS[key.split('#')[1] ?? ''];
  return undefined;
}

/**
 * AWS's per-shard and per-call budgets. With several nodes over one store, each node's charges
 * are shared (UsageExchange) and charged to every other node's buckets too, so a budget is spent
 * once by the cluster, not once per node (late by at most one sharing interval plus delivery).
 */
export class Limiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly readPausedUntil = new Map<string, number>();
  private readonly batch: ChargeBatch;
  private readonly stopListening: () => void;

  constructor(readonly options: LimitsOptions, private readonly accountId: string, usage: UsageExchange = localUsage) {
    this.batch = new ChargeBatch(usage);
    this.stopListening = options.enforce && usage.shared ? usage.onShared((c) => this.applyShared(c)) : () => undefined;
  }

  private bucket(key: string, rate: number): Bucket {
    let b = this.buckets.get(key);
    if (!b) this.buckets.set(key, (b = new Bucket(rate)));
    return b;
  }

  /** Takes `n` from the bucket `key` and shares the charge with the other nodes. */
  private charge(key: string, bucket: Bucket, n: number): void {
    bucket.take(n);
    this.batch.add(key, n);
  }

  /** Another node's charges, spent from this node's buckets as well. */
  private applyShared(charges: Charges): void {
    for (const [key, n] of charges) {
      if (key.startsWith(BIG_READ)) {
        this.readPausedUntil.set(key.slice(BIG_READ.length), Date.now() + BIG_READ_PAUSE_MS);
        continue;
      }
      const rate = rateOf(key);
      if (rate !== undefined) this.bucket(key, rate).take(n);
    }
  }

  close(): void {
    this.stopListening();
    this.batch.close();
  }

  private fault(): boolean {
    return this.options.faultRate > 0 && Math.random() < this.options.faultRate;
  }

  rateExceeded(stream: string, shardId: string): string {
    return `Rate exceeded for shard ${shardId} in stream ${stream} under account ${this.accountId}.`;
  }

  /** Whether a record may be written now; takes its share of the shard's budget if so. */
  admitWrite(streamId: number, stream: string, shardId: string, bytes: number): boolean {
    if (this.fault()) return false;
    if (!this.options.enforce) return true;
    const recordsKey = `w#${streamId}:${shardId}`;
    const bytesKey = `wb#${streamId}:${shardId}`;
    const records = this.bucket(recordsKey, WRITE_RECORDS_PER_S);
    const volume = this.bucket(bytesKey, WRITE_BYTES_PER_S);
    if (!records.canTake(1) || !volume.canTake(bytes)) return false;
    this.charge(recordsKey, records, 1);
    this.charge(bytesKey, volume, bytes);
    return true;
  }

  /** Throws ProvisionedThroughputExceededException if a GetRecords call may not run now. */
  admitRead(streamId: number, stream: string, shardId: string): void {
    const key = `${streamId}:${shardId}`;
    const fail = (): never => {
      throw new AwsError('ProvisionedThroughputExceededException', this.rateExceeded(stream, shardId));
    };
    if (this.fault()) fail();
    if (!this.options.enforce) return;
    if ((this.readPausedUntil.get(key) ?? 0) > Date.now()) fail();
    const callsKey = `r#${key}`;
    const calls = this.bucket(callsKey, READ_CALLS_PER_S);
    if (!calls.canTake(1) || !this.bucket(`rb#${key}`, READ_BYTES_PER_S).canTake(1)) fail();
    this.charge(callsKey, calls, 1);
  }

  /** Charges the bytes a GetRecords call returned; a 10 MiB answer pauses the shard for 5 s. */
  chargeRead(streamId: number, shardId: string, bytes: number): void {
    if (!this.options.enforce) return;
    const key = `${streamId}:${shardId}`;
    const bytesKey = `rb#${key}`;
    this.charge(bytesKey, this.bucket(bytesKey, READ_BYTES_PER_S), bytes);
    if (bytes >= BIG_READ_BYTES) {
      this.readPausedUntil.set(key, Date.now() + BIG_READ_PAUSE_MS);
      this.batch.add(`${BIG_READ}${key}`, 1);
    }
  }

  /** Throws LimitExceededException when a control-plane action is called too often. */
  admitControl(action: string, scope: string): void {
    const tps = CONTROL_TPS[action];
    if (tps === undefined) return;
    if (this.fault() || (this.options.enforce && !this.takeControl(action, scope, tps))) {
      throw new AwsError('LimitExceededException', `Rate exceeded for ${scope.startsWith('stream/') ? `stream ${scope.slice(7)}` : 'account'} under account ${this.accountId}.`);
    }
  }

  private takeControl(action: string, scope: string, tps: number): boolean {
    const key = `c#${action}#${scope}`;
    const b = this.bucket(key, tps);
    if (!b.canTake(1)) return false;
    this.charge(key, b, 1);
    return true;
  }

  async delay(): Promise<void> {
    if (this.options.latencyMs > 0) await new Promise((r) => setTimeout(r, this.options.latencyMs));
  }
}
