/**
 * Opt-in AWS quotas and fault injection, so clients' retry logic can be
 * tested: per-shard write and read throughput, the 10 MiB-then-5-seconds
 * GetRecords rule, control-plane call rates, random throttling and latency.
 */
import { AwsError } from '../protocol/errors.js';

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

export class Limiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly readPausedUntil = new Map<string, number>();

  constructor(readonly options: LimitsOptions, private readonly accountId: string) {}

  private bucket(key: string, rate: number): Bucket {
    let b = this.buckets.get(key);
    if (!b) this.buckets.set(key, (b = new Bucket(rate)));
    return b;
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
    const records = this.bucket(`w#${streamId}:${shardId}`, WRITE_RECORDS_PER_S);
    const volume = this.bucket(`wb#${streamId}:${shardId}`, WRITE_BYTES_PER_S);
    if (!records.canTake(1) || !volume.canTake(bytes)) return false;
    records.take(1);
    volume.take(bytes);
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
    const calls = this.bucket(`r#${key}`, READ_CALLS_PER_S);
    if (!calls.canTake(1) || !this.bucket(`rb#${key}`, READ_BYTES_PER_S).canTake(1)) fail();
    calls.take(1);
  }

  /** Charges the bytes a GetRecords call returned; a 10 MiB answer pauses the shard for 5 s. */
  chargeRead(streamId: number, shardId: string, bytes: number): void {
    if (!this.options.enforce) return;
    const key = `${streamId}:${shardId}`;
    this.bucket(`rb#${key}`, READ_BYTES_PER_S).take(bytes);
    if (bytes >= BIG_READ_BYTES) this.readPausedUntil.set(key, Date.now() + BIG_READ_PAUSE_MS);
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
    const b = this.bucket(`c#${action}#${scope}`, tps);
    if (!b.canTake(1)) return false;
    b.take(1);
    return true;
  }

  async delay(): Promise<void> {
    if (this.options.latencyMs > 0) await new Promise((r) => setTimeout(r, this.options.latencyMs));
  }
}
