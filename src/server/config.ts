import type { StoreSpec } from '../store/backend.js';
import type { LogFormat, LogLevel } from './logger.js';
import { defaultTransportLimits, type TransportLimits } from './transport-limits.js';

/** Everything `sluice start` can be told, resolved from flags, SLUICE_* variables and defaults. */
export interface SluiceConfig extends TransportLimits {
  readonly port: number;
  readonly host: string;
  /** Absent when running in memory. */
  readonly dataDir: string | undefined;
  readonly region: string;
  readonly accountId: string;
  /** State transition delays, in milliseconds (0 = immediate). */
  readonly createStreamMs: number;
  readonly deleteStreamMs: number;
  readonly updateStreamMs: number;
  /** Account-wide open shard limit. */
  readonly shardLimit: number;
  /** OpenAPI files to serve; empty = the bundled KinesisProxy example. */
  readonly apis: readonly string[];
  readonly stage: string;
  /** Remote endpoint for AWS integrations; absent = this process. */
  readonly awsEndpoint: string | undefined;
  /** Log a `request` record per request (at info). */
  readonly logRequests: boolean;
  /** The least severe records logged. */
  readonly logLevel: LogLevel;
  /** text: for people; json: one JSON object a line. */
  readonly logFormat: LogFormat;
  /** Append stages' access-log lines to this file instead of the server log. */
  readonly accessLog?: string | undefined;
  /** Enforce Kinesis's per-shard throughput and control-plane rate limits. */
  readonly enforceLimits: boolean;
  /** Probability (0..1) that a Kinesis call, or a record in PutRecords, is throttled. */
  readonly faultRate: number;
  /** Latency added to every Kinesis answer, in ms. */
  readonly latencyMs: number;
  // iam: authentication and execution roles (src/iam).
  /** sigv4: every call is SigV4-verified and authorized against the caller's IAM policies. */
  readonly auth: 'off' | 'sigv4';
  /** enforce: API Gateway must be able to assume an integration's execution role and is held to its policies. */
  readonly iam: 'enforce' | 'off';
  /** Allow --auth off on a non-loopback address. */
  readonly insecure: boolean;
  /** Root credentials; generated at first start (and kept in the data dir) when absent. */
  readonly rootAccessKeyId?: string | undefined;
  readonly rootSecretAccessKey?: string | undefined;
  /** A file of streams, IAM entities and APIs to create at start when absent (init.ts). */
  readonly init?: string | undefined;
  /** `name:shards,...`: streams to create at start when absent. */
  readonly initStreams?: string | undefined;
  /** Where records and documents live: the embedded SQLite store in dataDir (default), or a NATS JetStream cluster (docs/cluster.md). */
  readonly store?: StoreSpec | undefined;
}

export const defaultConfig: SluiceConfig = {
  port: 4566,
  host: '127.0.0.1',
  dataDir: '.sluice',
  region: 'us-east-1',
  accountId: '000000000000',
  createStreamMs: 500,
  deleteStreamMs: 500,
  updateStreamMs: 500,
  shardLimit: 500,
  apis: [],
  stage: 'test',
  awsEndpoint: undefined,
  logRequests: false,
  logLevel: 'info',
  logFormat: 'text',
  enforceLimits: false,
  faultRate: 0,
  latencyMs: 0,
  auth: 'off',
  iam: 'enforce',
  insecure: false,
  // Connection limits and timeouts of the HTTP/1.1 + HTTP/2 transport (src/server/transport-limits.ts).
  ...defaultTransportLimits,
};
