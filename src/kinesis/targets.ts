/**
 * What a Kinesis call acts on, resolved once from the members its operation
 * declares in the service model. Authorization checks exactly this resource,
 * and the action then acts on exactly this resource: no action reads
 * StreamName, StreamARN, ConsumerARN or ResourceARN itself.
 *
 * Which members name the resource is read from the model, operation by
 * operation: ResourceARN (a stream or a consumer), ConsumerARN (or StreamARN
 * and ConsumerName), StreamName/StreamARN; GetRecords names its stream inside
 * the shard iterator, and ListShards inside its NextToken. An operation with
 * none of them acts on the account.
 */
import { AwsError } from '../protocol/errors.js';
import type { ServiceModel } from '../protocol/model.js';
import { decodeToken, invalidArgument } from './context.js';
import type { IteratorCodec, IteratorState } from './iterators.js';
import type { Account } from './streams.js';

/** A stream, by name and ARN (whether or not it exists). */
export interface StreamRef {
  readonly name: string;
  readonly arn: string;
}

/** A consumer, by the ARN the request gave, or by its stream and name. */
export interface ConsumerRef {
  readonly stream: StreamRef;
  readonly name: string;
  /** The full ARN when the request named the consumer by it. */
  readonly arn?: string;
}

export type KinesisTarget =
  | { readonly kind: 'account' }
  | { readonly kind: 'stream'; readonly stream: StreamRef }
  | { readonly kind: 'consumer'; readonly consumer: ConsumerRef }
  /** GetRecords: the iterator's stream; `iterator` is undefined when the text is not an iterator this server issued. */
  | { readonly kind: 'iterator'; readonly stream: StreamRef | undefined; readonly iterator: IteratorState | undefined };

export type TargetKind = KinesisTarget['kind'];

export interface TargetInput {
  readonly StreamName?: string;
  readonly StreamARN?: string;
  readonly ConsumerARN?: string;
  readonly ConsumerName?: string;
  readonly ResourceARN?: string;
  readonly ShardIterator?: string;
  readonly NextToken?: string;
}

const STREAM_ARN = /^arn:aws[^:]*:kinesis:([^:]*):(\d{12}):stream\/([^/]+)$/;
const CONSUMER_ARN = /^arn:aws[^:]*:kinesis:([^:]*):(\d{12}):stream\/([^/]+)\/consumer\/([^:/]+):(\d+)$/;

export class TargetResolver {
  /** Per operation: how its target is found, worked out from the model once. */
  private readonly kinds = new Map<string, TargetKind | 'resource' | 'list-shards'>();

  constructor(
    model: ServiceModel,
    private readonly account: Account,
    private readonly iterators: IteratorCodec,
  ) {
    for (const [name, op] of Object.entries(model.operations)) {
      const shape = op.input ? model.shapes[op.input.shape] : undefined;
      const members = shape && shape.type === 'structure' ? shape.members : {};
      const has = (m: string): boolean => Object.hasOwn(members, m);
      this.kinds.set(name,
        has('ShardIterator') ? 'iterator'
        : has('ResourceARN') ? 'resource'
        : has('ConsumerARN') ? 'consumer'
        // ListShards alone continues a listing by a NextToken that carries its stream.
        : name === 'ListShards' ? 'list-shards'
        : has('StreamName') || has('StreamARN') ? 'stream'
        : 'account');
    }
  }

  /** How an operation's target is named (for tests that check the table against AWS's reference). */
  kindOf(operation: string): TargetKind | 'resource' | 'list-shards' | undefined {
    return this.kinds.get(operation);
  }

  streamRef(name: string): StreamRef {
    return { name, arn: `arn:aws:kinesis:${this.account.region}:${this.account.accountId}:stream/${name}` };
  }

  resolve(operation: string, input: TargetInput): KinesisTarget {
    switch (this.kinds.get(operation)) {
      case 'stream':
        return { kind: 'stream', stream: this.stream(input) };
      case 'consumer':
        return { kind: 'consumer', consumer: this.consumer(input) };
      case 'resource':
        return this.resource(input.ResourceARN!);
      case 'iterator':
        return this.iterator(input);
      case 'list-shards':
        return { kind: 'stream', stream: this.listShardsStream(input) };
      default:
        return { kind: 'account' };
    }
  }

  /**
   * The stream a request names by StreamName or StreamARN. AWS accepts
   * either; given both, they must name the same stream. An ARN of another
   * account or region names no stream here.
   */
  stream(input: Pick<TargetInput, 'StreamName' | 'StreamARN'>): StreamRef {
    if (input.StreamARN !== undefined) {
      const name = this.streamNameInArn(input.StreamARN);
      if (input.StreamName !== undefined && input.StreamName !== name) {
        throw invalidArgument(`StreamARN ${input.StreamARN} and StreamName ${input.StreamName} do not refer to the same stream.`);
      }
      return this.streamRef(name);
    }
    if (input.StreamName === undefined) throw invalidArgument('Either StreamName or StreamARN should be provided.');
    return this.streamRef(input.StreamName);
  }

  private streamNameInArn(arn: string): string {
    const m = STREAM_ARN.exec(arn);
    const { region, accountId } = this.account;
    if (!m || m[1] !== region || m[2] !== accountId) {
      throw new AwsError('ResourceNotFoundException', `Stream ${arn} under account ${accountId} not found.`);
    }
    return m[3]!;
  }

  /** A consumer by ConsumerARN, or by StreamARN and ConsumerName. */
  consumer(input: Pick<TargetInput, 'StreamARN' | 'ConsumerARN' | 'ConsumerName'>): ConsumerRef {
    const { region, accountId } = this.account;
    if (input.ConsumerARN !== undefined) {
      const m = CONSUMER_ARN.exec(input.ConsumerARN);
      if (!m) throw invalidArgument(`Invalid ConsumerARN: ${input.ConsumerARN}`);
      if (m[1] !== region || m[2] !== accountId) {
        throw new AwsError('ResourceNotFoundException', `Consumer ${input.ConsumerARN}, account ${accountId} not found.`);
      }
      const stream = this.streamRef(m[3]!);
      if (input.StreamARN !== undefined && this.streamNameInArn(input.StreamARN) !== stream.name) {
        throw invalidArgument(`StreamARN ${input.StreamARN} and ConsumerARN ${input.ConsumerARN} do not refer to the same stream.`);
      }
      if (input.ConsumerName !== undefined && input.ConsumerName !== m[4]) {
        throw invalidArgument(`ConsumerName ${input.ConsumerName} and ConsumerARN ${input.ConsumerARN} do not refer to the same consumer.`);
      }
      return { stream, name: m[4]!, arn: input.ConsumerARN };
    }
    if (input.StreamARN === undefined || input.ConsumerName === undefined) {
      throw invalidArgument('Either ConsumerARN or both StreamARN and ConsumerName must be provided.');
    }
    return { stream: this.streamRef(this.streamNameInArn(input.StreamARN)), name: input.ConsumerName };
  }

  /** ResourceARN: a stream's ARN or a consumer's. */
  private resource(arn: string): KinesisTarget {
    if (arn.includes('/consumer/')) return { kind: 'consumer', consumer: this.consumer({ ConsumerARN: arn }) };
    return { kind: 'stream', stream: this.streamRef(this.streamNameInArn(arn)) };
  }

  /** GetRecords reads the iterator's stream; a StreamARN given beside it must be that stream. */
  private iterator(input: TargetInput): KinesisTarget {
    const iterator = input.ShardIterator !== undefined ? this.iterators.decode(input.ShardIterator) : undefined;
    const named = input.StreamARN !== undefined ? this.streamRef(this.streamNameInArn(input.StreamARN)) : undefined;
    if (!iterator) return { kind: 'iterator', stream: named, iterator: undefined };
    if (named && named.name !== iterator.streamName) {
      throw invalidArgument(`StreamARN ${input.StreamARN} does not refer to the stream of the shard iterator.`);
    }
    return { kind: 'iterator', stream: this.streamRef(iterator.streamName), iterator };
  }

  /** ListShards names its stream, or continues a listing whose NextToken holds it. */
  private listShardsStream(input: TargetInput): StreamRef {
    if (input.NextToken === undefined) {
      if (input.StreamName === undefined && input.StreamARN === undefined) throw invalidArgument('Either NextToken or StreamName should be provided.');
      return this.stream(input);
    }
    if (input.StreamName !== undefined || input.StreamARN !== undefined) {
      throw invalidArgument('NextToken and StreamName cannot be provided together.');
    }
    const token = decodeToken<{ stream: string }>(input.NextToken);
    if (!token || typeof token.stream !== 'string') throw invalidArgument('Invalid NextToken.');
    return this.streamRef(token.stream);
  }
}

/** The target of an operation that acts on a stream; anything else is a wiring mistake. */
export function streamOf(target: KinesisTarget): StreamRef {
  if (target.kind === 'stream') return target.stream;
  throw new Error(`expected a stream target, got ${target.kind}`);
}

export function consumerOf(target: KinesisTarget): ConsumerRef {
  if (target.kind === 'consumer') return target.consumer;
  throw new Error(`expected a consumer target, got ${target.kind}`);
}
