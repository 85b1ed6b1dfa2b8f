/**
 * Kinesis Data Streams as a service on the shared port: the model-driven
 * JSON/CBOR protocol in front, typed actions behind, and a background sweep
 * that deletes records past their stream's retention.
 */
import { extendedRequestId } from '../server/extended-request-id.js';
import { allowAll, type AccessControl } from '../iam/access.js';
import type { AuthHook } from '../iam/guard.js';
import { CBOR_TYPE, errorResponse, handleJsonRpc, type JsonRpcService, type OperationHandler } from '../protocol/json-rpc.js';
import type { Service, SluiceRequest, SluiceResponse } from '../server/types.js';
import { AwsError } from '../protocol/errors.js';
import { isRevisionConflict, isStoreUnavailable, retryOnConflict, type DocumentStore } from '../store/documents.js';
import type { ShardWakeups, StreamStore } from '../store/stream-store.js';
import * as consumers from './actions/consumers.js';
import * as records from './actions/records.js';
import * as resharding from './actions/resharding.js';
import * as settings from './actions/settings.js';
import { subscribeToShard } from './actions/subscribe.js';
import * as streams from './actions/streams.js';
import * as tags from './actions/tags.js';
import { permissionsFor } from './authorization.js';
import { withMetrics } from './instrument.js';
import { noMetrics, type KinesisMetrics } from './metrics.js';
import type { KinesisContext } from './context.js';
import { IteratorCodec } from './iterators.js';
import { Limiter, noLimits, type LimitsOptions } from './limits.js';
import type { UsageExchange } from '../store/usage-exchange.js';
import { kinesisModel } from './model.js';
import { ShardNotifier } from './notifier.js';
import { Subscriptions } from './subscriptions.js';
import { StreamRegistry, type Account, type Delays } from './streams.js';
import { consumerOf, streamOf, TargetResolver, type ConsumerRef, type KinesisTarget, type StreamRef } from './targets.js';
import type { LogFn } from '../server/logger.js';

export { kinesisModel };
const TARGET_PREFIX = `${kinesisModel.metadata.targetPrefix}.`;
const SCOPE_SERVICE = /Credential=[^/,]+\/\d{8}\/[^/]+\/kinesis\/aws4_request/;

export interface KinesisOptions extends Account, Delays {
  /** Authorization of each call on the resource it acts on (IAM); absent = nothing is checked. */
  readonly access?: AccessControl;
  readonly shardLimit: number;
  /** How often expired records are deleted from disk. */
  readonly retentionSweepMs?: number;
  readonly limits?: LimitsOptions;
  /** Where rate-limit charges are shared with other nodes over the same store (cluster mode). */
  readonly usage?: UsageExchange;
  readonly onInternalError?: (e: unknown) => void;
  /** The server's log, for problems with stored state and background work. */
  readonly log?: LogFn;
  /** Where CloudWatch's Kinesis metrics are counted; absent = nowhere. */
  readonly metrics?: KinesisMetrics;
}

export interface KinesisService extends Service {
  readonly registry: StreamRegistry;
  close(): void;
}

type Handler = OperationHandler<KinesisTarget>;

/** Every action, given the target its call was authorized on. */
function handlersFor(ctx: KinesisContext): Record<string, Handler> {
  const onStream = (action: (input: any, stream: StreamRef) => unknown): Handler => (i, c) => action(i, streamOf(c.target)) as ReturnType<Handler>;
  const onConsumer = (action: (ref: ConsumerRef) => unknown): Handler => (_i, c) => action(consumerOf(c.target)) as ReturnType<Handler>;
  return {
    CreateStream: onStream((i, s) => streams.createStream(ctx, i, s)),
    DeleteStream: onStream((i, s) => streams.deleteStream(ctx, i, s)),
    DescribeStream: onStream((i, s) => streams.describeStream(ctx, i, s)),
    DescribeStreamSummary: onStream((_i, s) => streams.describeStreamSummary(ctx, s)),
    ListStreams: (i) => streams.listStreams(ctx, i),
    ListShards: onStream((i, s) => streams.listShards(ctx, i, s)),
    IncreaseStreamRetentionPeriod: onStream((i, s) => streams.increaseRetention(ctx, i, s)),
    DecreaseStreamRetentionPeriod: onStream((i, s) => streams.decreaseRetention(ctx, i, s)),
    PutRecord: onStream((i, s) => records.putRecord(ctx, i, s)),
    PutRecords: onStream((i, s) => records.putRecords(ctx, i, s)),
    GetShardIterator: onStream((i, s) => records.getShardIterator(ctx, i, s)),
    GetRecords: (i, c) => records.getRecords(ctx, i, c.target.kind === 'iterator' ? c.target.iterator : undefined, c.request.answerRoom),
    AddTagsToStream: onStream((i, s) => tags.addTagsToStream(ctx, i, s)),
    RemoveTagsFromStream: onStream((i, s) => tags.removeTagsFromStream(ctx, i, s)),
    ListTagsForStream: onStream((i, s) => tags.listTagsForStream(ctx, i, s)),
    TagResource: (i, c) => tags.tagResource(ctx, i, c.target),
    UntagResource: (i, c) => tags.untagResource(ctx, i, c.target),
    ListTagsForResource: (i, c) => tags.listTagsForResource(ctx, i, c.target),
    SplitShard: onStream((i, s) => resharding.splitShard(ctx, i, s)),
    MergeShards: onStream((i, s) => resharding.mergeShards(ctx, i, s)),
    UpdateShardCount: onStream((i, s) => resharding.updateShardCount(ctx, i, s)),
    UpdateStreamMode: onStream((i, s) => resharding.updateStreamMode(ctx, i, s)),
    RegisterStreamConsumer: onStream((i, s) => consumers.registerStreamConsumer(ctx, i, s)),
    DeregisterStreamConsumer: onConsumer((ref) => consumers.deregisterStreamConsumer(ctx, ref)),
    DescribeStreamConsumer: onConsumer((ref) => consumers.describeStreamConsumer(ctx, ref)),
    ListStreamConsumers: onStream((i, s) => consumers.listStreamConsumers(ctx, i, s)),
    SubscribeToShard: (i, c) => subscribeToShard(ctx, i, c, consumerOf(c.target)),
    StartStreamEncryption: onStream((i, s) => settings.startStreamEncryption(ctx, i, s)),
    StopStreamEncryption: onStream((i, s) => settings.stopStreamEncryption(ctx, i, s)),
    EnableEnhancedMonitoring: onStream((i, s) => settings.enableEnhancedMonitoring(ctx, i, s)),
    DisableEnhancedMonitoring: onStream((i, s) => settings.disableEnhancedMonitoring(ctx, i, s)),
    DescribeLimits: () => settings.describeLimits(ctx),
    DescribeAccountSettings: () => settings.describeAccountSettings(ctx),
    UpdateAccountSettings: (i) => settings.updateAccountSettings(ctx, i),
    PutResourcePolicy: (i, c) => settings.putResourcePolicy(ctx, i, c.target),
    GetResourcePolicy: (_i, c) => settings.getResourcePolicy(ctx, c.target),
    DeleteResourcePolicy: (i, c) => settings.deleteResourcePolicy(ctx, i, c.target),
    UpdateMaxRecordSize: onStream((i, s) => settings.updateMaxRecordSize(ctx, i, s)),
    UpdateStreamWarmThroughput: onStream((i, s) => settings.updateStreamWarmThroughput(ctx, i, s)),
  };
}

/** Actions that write stream documents: they are re-run when they lose a compare-and-set race to another writer. */
const DOCUMENT_WRITERS = new Set(['CreateStream', 'DeleteStream', 'IncreaseStreamRetentionPeriod', 'DecreaseStreamRetentionPeriod',
  'AddTagsToStream', 'RemoveTagsFromStream', 'TagResource', 'UntagResource', 'SplitShard', 'MergeShards', 'UpdateShardCount',
  'UpdateStreamMode', 'RegisterStreamConsumer', 'DeregisterStreamConsumer', 'StartStreamEncryption', 'StopStreamEncryption',
  'EnableEnhancedMonitoring', 'DisableEnhancedMonitoring', 'UpdateAccountSettings', 'PutResourcePolicy', 'DeleteResourcePolicy',
  'UpdateMaxRecordSize', 'UpdateStreamWarmThroughput']);

/**
 * The store's failures as AWS answers them: a document writer that keeps
 * losing races is told the resource is in use; a store that cannot answer
 * with authority (cut off, no leader) is ServiceUnavailable, never a guess.
 */
function withStoreErrors(handlers: Record<string, Handler>): Record<string, Handler> {
  const translate = (e: unknown): never => {
    if (isStoreUnavailable(e)) throw new AwsError('ServiceUnavailable', 'The service is unavailable. Please try again.', 503);
    if (isRevisionConflict(e)) throw new AwsError('ResourceInUseException', `The resource is being changed by another request; try again. (${e.message})`);
    throw e;
  };
  return Object.fromEntries(Object.entries(handlers).map(([action, handler]): [string, Handler] => [action, DOCUMENT_WRITERS.has(action)
    ? (input, call) => retryOnConflict(async () => handler(input, call)).catch(translate) as ReturnType<Handler>
    : (input, call) => {
        const result = handler(input, call);
        return (result instanceof Promise ? result.catch(translate) : result) as ReturnType<Handler>;
      }]));
}

/** Adds injected latency and control-plane rate limits in front of every action. */
function withLimits(ctx: KinesisContext, handlers: Record<string, Handler>): Record<string, Handler> {
  const { limiter } = ctx;
  if (!limiter.options.enforce && limiter.options.faultRate === 0 && limiter.options.latencyMs === 0) return handlers;
  return Object.fromEntries(Object.entries(handlers).map(([action, handler]): [string, Handler] => [action, async (input: any, call) => {
    await limiter.delay();
    const t = call.target;
    const stream = t.kind === 'stream' ? t.stream.name : t.kind === 'consumer' ? t.consumer.stream.name : undefined;
    limiter.admitControl(action, stream !== undefined ? `stream/${stream}${action === 'GetShardIterator' ? `/${input.ShardId}` : ''}` : 'account');
    return handler(input, call);
  }]));
}

/** How the dispatcher authenticates Kinesis calls: signed for `kinesis`, refused in the request's own format. */
export function kinesisAuthHook(): AuthHook {
  return {
    dialect: 'json',
    signingService: 'kinesis',
    render: (error, req) => {
      const cbor = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase() === CBOR_TYPE;
      return errorResponse(error, cbor ? 'cbor' : 'json', cbor ? CBOR_TYPE : 'application/x-amz-json-1.1');
    },
  };
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

export async function createKinesisService(options: KinesisOptions, store: StreamStore, documents: DocumentStore, wakeups: ShardWakeups = new ShardNotifier()): Promise<KinesisService> {
  const registry = new StreamRegistry(options, options, documents, store);
  const iterators = new IteratorCodec(await store.secret('shard-iterators'));
  const ctx: KinesisContext = {
    registry,
    store,
    documents,
    iterators,
    limits: { shardLimit: options.shardLimit, createStreamMs: options.createStreamMs },
    notifier: wakeups,
    subscriptions: new Subscriptions(),
    limiter: new Limiter(options.limits ?? noLimits, options.accountId, options.usage),
    metrics: options.metrics ?? noMetrics,
  };
  registry.applyPending = (meta) => resharding.applyPendingChange(ctx, meta);
  if (options.log) registry.log = options.log;
  await registry.load(options.shardLimit);
  const resolver = new TargetResolver(kinesisModel, registry.account, iterators);
  const access = options.access ?? allowAll;
  const rpc: JsonRpcService<KinesisTarget> = {
    model: kinesisModel,
    handlers: withLimits(ctx, withMetrics(ctx, withStoreErrors(handlersFor(ctx)))),
    authorize(operation, input, req) {
      const target = resolver.resolve(operation, input);
      if (access.checkedCaller(req)) access.require(req, permissionsFor(registry, operation, input, target), 'json');
      return target;
    },
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
          // A cutoff that is not a time would trim everything (NaN) or nothing: never act on one.
          if (!Number.isFinite(cutoff)) continue;
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
    matches: isKinesisRequest,
    async handle(req): Promise<SluiceResponse> {
      const res = await handleJsonRpc(rpc, req);
      return { ...res, headers: { ...res.headers, 'x-amz-id-2': extendedRequestId() } };
    },
    close() {
      clearInterval(sweep);
      ctx.limiter.close();
      ctx.subscriptions.closeAll();
      registry.close();
    },
  };
}
