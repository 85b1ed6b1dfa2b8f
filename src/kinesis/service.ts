/**
 * Kinesis Data Streams as a service on the shared port: the model-driven
 * JSON/CBOR protocol in front, typed actions behind, and a background sweep
 * that deletes records past their stream's retention.
 */
import { extendedRequestId } from '../server/extended-request-id.js';
import { handleJsonRpc, type OperationHandler } from '../protocol/json-rpc.js';
import type { Service, SluiceRequest, SluiceResponse } from '../server/types.js';
import type { DocumentStore } from '../store/documents.js';
import type { StreamStore } from '../store/stream-store.js';
import * as consumers from './actions/consumers.js';
import * as records from './actions/records.js';
import * as resharding from './actions/resharding.js';
import * as settings from './actions/settings.js';
import { subscribeToShard } from './actions/subscribe.js';
import * as streams from './actions/streams.js';
import * as tags from './actions/tags.js';
import type { KinesisContext } from './context.js';
import { IteratorCodec } from './iterators.js';
import { Limiter, noLimits, type LimitsOptions } from './limits.js';
import { kinesisModel } from './model.js';
import { ShardNotifier } from './notifier.js';
import { Subscriptions } from './subscriptions.js';
import { StreamRegistry, type Account, type Delays } from './streams.js';

export { kinesisModel };
const TARGET_PREFIX = `${kinesisModel.metadata.targetPrefix}.`;
const SCOPE_SERVICE = /Credential=[^/,]+\/\d{8}\/[^/]+\/kinesis\/aws4_request/;

export interface KinesisOptions extends Account, Delays {
  readonly shardLimit: number;
  /** How often expired records are deleted from disk. */
  readonly retentionSweepMs?: number;
  readonly limits?: LimitsOptions;
  readonly onInternalError?: (e: unknown) => void;
}

export interface KinesisService extends Service {
  readonly registry: StreamRegistry;
  /** A stream's or consumer's resource policy, for IAM. */
  resourcePolicyOf(arn: string): string | undefined;
  /** The stream a shard iterator this server issued reads (GetRecords names no stream otherwise). */
  streamOfIterator(iterator: string): string | undefined;
  close(): void;
}

function handlersFor(ctx: KinesisContext): Record<string, OperationHandler> {
  return {
    CreateStream: (i) => streams.createStream(ctx, i),
    DeleteStream: (i) => streams.deleteStream(ctx, i),
    DescribeStream: (i) => streams.describeStream(ctx, i),
    DescribeStreamSummary: (i) => streams.describeStreamSummary(ctx, i),
    ListStreams: (i) => streams.listStreams(ctx, i),
    ListShards: (i) => streams.listShards(ctx, i),
    IncreaseStreamRetentionPeriod: (i) => streams.increaseRetention(ctx, i),
    DecreaseStreamRetentionPeriod: (i) => streams.decreaseRetention(ctx, i),
    PutRecord: (i) => records.putRecord(ctx, i),
    PutRecords: (i) => records.putRecords(ctx, i),
    GetShardIterator: (i) => records.getShardIterator(ctx, i),
    GetRecords: (i) => records.getRecords(ctx, i),
    AddTagsToStream: (i) => tags.addTagsToStream(ctx, i),
    RemoveTagsFromStream: (i) => tags.removeTagsFromStream(ctx, i),
    ListTagsForStream: (i) => tags.listTagsForStream(ctx, i),
    TagResource: (i) => tags.tagResource(ctx, i),
    UntagResource: (i) => tags.untagResource(ctx, i),
    ListTagsForResource: (i) => tags.listTagsForResource(ctx, i),
    SplitShard: (i) => resharding.splitShard(ctx, i),
    MergeShards: (i) => resharding.mergeShards(ctx, i),
    UpdateShardCount: (i) => resharding.updateShardCount(ctx, i),
    UpdateStreamMode: (i) => resharding.updateStreamMode(ctx, i),
    RegisterStreamConsumer: (i) => consumers.registerStreamConsumer(ctx, i),
    DeregisterStreamConsumer: (i) => consumers.deregisterStreamConsumer(ctx, i),
    DescribeStreamConsumer: (i) => consumers.describeStreamConsumer(ctx, i),
    ListStreamConsumers: (i) => consumers.listStreamConsumers(ctx, i),
    SubscribeToShard: (i, call) => subscribeToShard(ctx, i, call),
    StartStreamEncryption: (i) => settings.startStreamEncryption(ctx, i),
    StopStreamEncryption: (i) => settings.stopStreamEncryption(ctx, i),
    EnableEnhancedMonitoring: (i) => settings.enableEnhancedMonitoring(ctx, i),
    DisableEnhancedMonitoring: (i) => settings.disableEnhancedMonitoring(ctx, i),
    DescribeLimits: () => settings.describeLimits(ctx),
    DescribeAccountSettings: () => settings.describeAccountSettings(ctx),
    UpdateAccountSettings: (i) => settings.updateAccountSettings(ctx, i),
    PutResourcePolicy: (i) => settings.putResourcePolicy(ctx, i),
    GetResourcePolicy: (i) => settings.getResourcePolicy(ctx, i),
    DeleteResourcePolicy: (i) => settings.deleteResourcePolicy(ctx, i),
    UpdateMaxRecordSize: (i) => settings.updateMaxRecordSize(ctx, i),
    UpdateStreamWarmThroughput: (i) => settings.updateStreamWarmThroughput(ctx, i),
  };
}

/** Adds injected latency and control-plane rate limits in front of every action. */
function withLimits(ctx: KinesisContext, handlers: Record<string, OperationHandler>): Record<string, OperationHandler> {
  const { limiter } = ctx;
  if (!limiter.options.enforce && limiter.options.faultRate === 0 && limiter.options.latencyMs === 0) return handlers;
  return Object.fromEntries(Object.entries(handlers).map(([action, handler]) => [action, async (input: any, call) => {
    await limiter.delay();
    const stream = input?.StreamName ?? input?.StreamARN?.split('/')[1];
    limiter.admitControl(action, stream !== undefined ? `stream/${stream}${action === 'GetShardIterator' ? `/${input.ShardId}` : ''}` : 'account');
    return handler(input, call);
  }]));
}

/** Whether a request is addressed to Kinesis: by target header, `?Action=`, or SigV4 scope. */
export function isKinesisRequest(req: SluiceRequest): boolean {
  const target = req.headers['x-amz-target'];
  if (target !== undefined) return target.startsWith(TARGET_PREFIX);
  if (req.method !== 'POST' || req.path !== '/') return false;
  const auth = req.headers.authorization;
  if (auth !== undefined && SCOPE_SERVICE.test(auth)) return true;
  const action = req.query.get('Action');
  const type = req.headers['content-type'] ?? '';
  return action !== null && Object.hasOwn(kinesisModel.operations, action) && /json|cbor/.test(type);
}

export async function createKinesisService(options: KinesisOptions, store: StreamStore, documents: DocumentStore): Promise<KinesisService> {
  const registry = new StreamRegistry(options, options, documents, store);
  const ctx: KinesisContext = {
    registry,
    store,
    documents,
    iterators: new IteratorCodec(await store.secret('shard-iterators')),
    limits: { shardLimit: options.shardLimit, createStreamMs: options.createStreamMs },
    notifier: new ShardNotifier(),
    subscriptions: new Subscriptions(),
    limiter: new Limiter(options.limits ?? noLimits, options.accountId),
  };
  registry.applyPending = (meta) => resharding.applyPendingChange(ctx, meta);
  await registry.load();
  const rpc = {
    model: kinesisModel,
    handlers: withLimits(ctx, handlersFor(ctx)),
    onInternalError: (e: unknown) => options.onInternalError?.(e),
  };

  let sweeping = false;
  const sweep = setInterval(() => {
    if (sweeping) return;
    sweeping = true;
    void (async () => {
      try {
        for (const s of registry.all()) {
          const cutoff = Date.now() - s.retentionHours * 3_600_000;
          for (const sh of s.shards) await store.trim({ stream: s.id, shard: sh.index }, cutoff);
        }
      } catch (e) {
        options.onInternalError?.(e);
      } finally {
        sweeping = false;
      }
    })();
  }, options.retentionSweepMs ?? 60_000);
  sweep.unref();

  return {
    name: 'kinesis',
    registry,
    resourcePolicyOf: (arn) => settings.resourcePolicyOf(ctx, arn),
    streamOfIterator: (it) => ctx.iterators.decode(it)?.streamName,
    matches: isKinesisRequest,
    async handle(req): Promise<SluiceResponse> {
      const res = await handleJsonRpc(rpc, req);
      return { ...res, headers: { ...res.headers, 'x-amz-id-2': extendedRequestId() } };
    },
    close() {
      clearInterval(sweep);
      ctx.subscriptions.closeAll();
      registry.close();
    },
  };
}
