/** Turns `sluice start` options (flags, then SLUICE_* variables, then defaults) into a SluiceConfig. */
import { Command, Option } from 'commander';
import { resolve } from 'node:path';
import { defaultAuthFor } from '../iam/listen-policy.js';
import { defaultConfig, type SluiceConfig } from '../server/config.js';
import { parseStoreSpec } from '../store/backend.js';
import { LOG_FORMATS, LOG_LEVELS, type LogFormat, type LogLevel } from '../server/logger.js';

const int = (name: string) => (v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a whole number, got "${v}"`);
  return n;
};

const port = (v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`--port must be a port number from 0 to 65535, got "${v}"`);
  return n;
};

const probability = (v: string): number => {
  const n = Number(v);
  if (!(n >= 0 && n <= 1)) throw new Error(`--fault-rate must be between 0 and 1, got "${v}"`);
  return n;
};

const positive = (name: string) => (v: string): number => {
  const n = int(name)(v);
  if (n === 0) throw new Error(`${name} must be at least 1, got "${v}"`);
  return n;
};

/** Node's timers take at most 2^31-1 ms (about 24.8 days); a longer one would fire at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;
const ms = (name: string, allowZero = false) => (v: string): number => {
  const n = (allowZero ? int : positive)(name)(v);
  if (n > MAX_TIMER_MS) throw new Error(`${name} must be at most ${MAX_TIMER_MS}, got "${v}"`);
  return n;
};

const collect = (v: string, prev: string[] = []): string[] => [...prev, ...v.split(',').filter(Boolean)];

export function addStartOptions(cmd: Command): Command {
  const d = defaultConfig;
  return cmd
    .addOption(new Option('--port <port>', 'port for every service (0: any free port)').env('SLUICE_PORT').argParser(port).default(d.port))
    .addOption(new Option('--host <host>', 'address to listen on').env('SLUICE_HOST').default(d.host))
    .addOption(new Option('--data-dir <dir>', 'where state is kept').env('SLUICE_DATA_DIR').default(d.dataDir))
    .addOption(new Option('--in-memory', 'keep nothing on disk'))
    .addOption(new Option('--region <region>', 'AWS region to report').env('SLUICE_REGION').default(d.region))
    .addOption(new Option('--account-id <id>', '12-digit account id to report').env('SLUICE_ACCOUNT_ID').default(d.accountId))
    .addOption(new Option('--create-stream-ms <ms>', 'time a stream spends CREATING').env('SLUICE_CREATE_STREAM_MS').argParser(int('--create-stream-ms')).default(d.createStreamMs))
    .addOption(new Option('--delete-stream-ms <ms>', 'time a stream spends DELETING').env('SLUICE_DELETE_STREAM_MS').argParser(int('--delete-stream-ms')).default(d.deleteStreamMs))
    .addOption(new Option('--update-stream-ms <ms>', 'time a stream spends UPDATING').env('SLUICE_UPDATE_STREAM_MS').argParser(int('--update-stream-ms')).default(d.updateStreamMs))
    .addOption(new Option('--shard-limit <n>', 'account-wide open shard limit').env('SLUICE_SHARD_LIMIT').argParser(int('--shard-limit')).default(d.shardLimit))
    .addOption(new Option('--api <file>', 'OpenAPI file to serve (repeatable; default: the KinesisProxy example)').env('SLUICE_API').argParser(collect))
    .addOption(new Option('--stage <name>', 'stage the APIs are deployed at').env('SLUICE_STAGE').default(d.stage))
    .addOption(new Option('--aws-endpoint <url>', 'send AWS integrations to this endpoint instead of this process').env('SLUICE_AWS_ENDPOINT'))
    .addOption(new Option('--log-requests', 'log a line per request (at info)'))
    .addOption(new Option('--log-level <level>', 'least severe records logged').env('SLUICE_LOG_LEVEL').choices(LOG_LEVELS).default(d.logLevel))
    .addOption(new Option('--log-format <format>', 'text, or json: one JSON object a line').env('SLUICE_LOG_FORMAT').choices(LOG_FORMATS).default(d.logFormat))
    .addOption(new Option('--access-log <file>', "append stages' access-log lines to this file instead of the server log").env('SLUICE_ACCESS_LOG'))
    .addOption(new Option('--enforce-limits', "enforce Kinesis's throughput and rate limits"))
    .addOption(new Option('--fault-rate <p>', 'probability (0..1) that a Kinesis call or record is throttled').env('SLUICE_FAULT_RATE').argParser(probability).default(d.faultRate))
    .addOption(new Option('--latency <ms>', 'latency added to every Kinesis answer').env('SLUICE_LATENCY').argParser(int('--latency')).default(d.latencyMs))
    // iam: authentication and execution roles.
    .addOption(new Option('--auth <mode>', 'off | sigv4: verify SigV4 signatures and IAM policies on every call (default: off on loopback, sigv4 otherwise)').env('SLUICE_AUTH').choices(['off', 'sigv4']))
    .addOption(new Option('--iam <mode>', "enforce | off: API Gateway must assume integrations' execution roles and obey their policies").env('SLUICE_IAM').choices(['enforce', 'off']).default(d.iam))
    .addOption(new Option('--insecure', 'allow --auth off on a non-loopback --host'))
    // Transport limits and timeouts (docs/limits.md).
    .addOption(new Option('--max-connections <n>', 'connections served at once; more are refused (HTTP/1.1 503, HTTP/2 GOAWAY)').env('SLUICE_MAX_CONNECTIONS').argParser(positive('--max-connections')).default(d.maxConnections))
    .addOption(new Option('--sniff-timeout-ms <ms>', 'time a new connection has to show whether it speaks HTTP/1.1 or HTTP/2').env('SLUICE_SNIFF_TIMEOUT_MS').argParser(ms('--sniff-timeout-ms')).default(d.sniffTimeoutMs))
    .addOption(new Option('--headers-timeout-ms <ms>', "time an HTTP/1.1 request's headers have to arrive in").env('SLUICE_HEADERS_TIMEOUT_MS').argParser(ms('--headers-timeout-ms')).default(d.headersTimeoutMs))
    .addOption(new Option('--request-timeout-ms <ms>', 'time a whole request (headers and body) has to arrive in').env('SLUICE_REQUEST_TIMEOUT_MS').argParser(ms('--request-timeout-ms')).default(d.requestTimeoutMs))
    .addOption(new Option('--keep-alive-timeout-ms <ms>', 'time an HTTP/1.1 connection may sit idle between requests').env('SLUICE_KEEP_ALIVE_TIMEOUT_MS').argParser(ms('--keep-alive-timeout-ms')).default(d.keepAliveTimeoutMs))
    .addOption(new Option('--h2-idle-timeout-ms <ms>', 'time an HTTP/2 connection may go without a frame before it is closed').env('SLUICE_H2_IDLE_TIMEOUT_MS').argParser(ms('--h2-idle-timeout-ms')).default(d.h2IdleTimeoutMs))
    .addOption(new Option('--h2-ping-interval-ms <ms>', 'how often an HTTP/2 connection must answer a PING (0 = never)').env('SLUICE_H2_PING_INTERVAL_MS').argParser(ms('--h2-ping-interval-ms', true)).default(d.h2PingIntervalMs))
    .addOption(new Option('--slow-reader-timeout-ms <ms>', 'time an answer may make no progress before the client is dropped').env('SLUICE_SLOW_READER_TIMEOUT_MS').argParser(ms('--slow-reader-timeout-ms')).default(d.slowReaderTimeoutMs))
    .addOption(new Option('--max-buffered-mib <MiB>', 'answer bytes held for clients that have not read them yet, and request-body bytes being received, each in total').env('SLUICE_MAX_BUFFERED_MIB').argParser(positive('--max-buffered-mib')).default(d.maxBufferedBytes / (1024 * 1024)))
    .addOption(new Option('--init <file>', 'streams, consumers, IAM users/roles/policies and APIs to create at start if absent (YAML or JSON)').env('SLUICE_INIT'))
    .addOption(new Option('--init-streams <list>', 'streams to create at start if absent: name:shards,...').env('SLUICE_INIT_STREAMS'))
    // Cluster mode (docs/cluster.md).
    .addOption(new Option('--store <store>', 'sqlite (embedded, in --data-dir) or nats://host:port,... (a NATS JetStream cluster shared by many Sluice nodes)').env('SLUICE_STORE'))
    .addOption(new Option('--replicas <n>', 'with --store nats://...: NATS servers holding each record and document (default 3 when the cluster has 3 or more servers, else 1)').env('SLUICE_REPLICAS').argParser(int('--replicas')));
}

export interface StartFlags {
  port: number;
  host: string;
  dataDir: string;
  inMemory?: boolean;
  region: string;
  accountId: string;
  createStreamMs: number;
  deleteStreamMs: number;
  updateStreamMs: number;
  shardLimit: number;
  api?: string[];
  stage: string;
  awsEndpoint?: string;
  logRequests?: boolean;
  logLevel?: LogLevel;
  logFormat?: LogFormat;
  accessLog?: string;
  enforceLimits?: boolean;
  faultRate: number;
  latency: number;
  auth?: 'off' | 'sigv4';
  iam: 'enforce' | 'off';
  insecure?: boolean;
  init?: string;
  initStreams?: string;
  store?: string;
  replicas?: number;
  // Transport limits; absent = the defaults.
  maxConnections?: number;
  sniffTimeoutMs?: number;
  headersTimeoutMs?: number;
  requestTimeoutMs?: number;
  keepAliveTimeoutMs?: number;
  h2IdleTimeoutMs?: number;
  h2PingIntervalMs?: number;
  slowReaderTimeoutMs?: number;
  maxBufferedMib?: number;
}

/**
 * A switch: the flag when given, else its SLUICE_* variable read as a boolean
 * (true/false, 1/0, yes/no, on/off; empty is false), else off. Commander would
 * take any value of the variable, "false" included, as "on".
 */
function flagOrEnv(flag: boolean | undefined, name: string, env: NodeJS.ProcessEnv): boolean {
  if (flag) return true;
  const raw = env[name];
  if (raw === undefined) return false;
  const v = raw.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(v)) return true;
  if (['', '0', 'false', 'no', 'off'].includes(v)) return false;
  throw new Error(`${name} must be true or false, got "${raw}"`);
}

/** Root credentials come from the environment only (never flags, which show in `ps`). */
export function configFromFlags(f: StartFlags, env: NodeJS.ProcessEnv = process.env): SluiceConfig {
  if (!/^\d{12}$/.test(f.accountId)) throw new Error(`--account-id must be 12 digits, got "${f.accountId}"`);
  const d = defaultConfig;
  const headersTimeoutMs = f.headersTimeoutMs ?? d.headersTimeoutMs;
  const requestTimeoutMs = f.requestTimeoutMs ?? d.requestTimeoutMs;
  if (headersTimeoutMs > requestTimeoutMs) {
    throw new Error(`--headers-timeout-ms (${headersTimeoutMs}) must not exceed --request-timeout-ms (${requestTimeoutMs})`);
  }
  return {
    port: f.port,
    host: f.host,
    dataDir: flagOrEnv(f.inMemory, 'SLUICE_IN_MEMORY', env) ? undefined : resolve(f.dataDir),
    region: f.region,
    accountId: f.accountId,
    createStreamMs: f.createStreamMs,
    deleteStreamMs: f.deleteStreamMs,
    updateStreamMs: f.updateStreamMs,
    shardLimit: f.shardLimit,
    apis: (f.api ?? []).map((p) => resolve(p)),
    stage: f.stage,
    awsEndpoint: f.awsEndpoint,
    logRequests: flagOrEnv(f.logRequests, 'SLUICE_LOG_REQUESTS', env),
    logLevel: f.logLevel ?? defaultConfig.logLevel,
    logFormat: f.logFormat ?? defaultConfig.logFormat,
    accessLog: f.accessLog ? resolve(f.accessLog) : undefined,
    enforceLimits: flagOrEnv(f.enforceLimits, 'SLUICE_ENFORCE_LIMITS', env),
    faultRate: f.faultRate,
    latencyMs: f.latency,
    auth: f.auth ?? defaultAuthFor(f.host),
    iam: f.iam,
    insecure: flagOrEnv(f.insecure, 'SLUICE_INSECURE', env),
    rootAccessKeyId: env['SLUICE_ROOT_ACCESS_KEY_ID'] || undefined,
    rootSecretAccessKey: env['SLUICE_ROOT_SECRET_ACCESS_KEY'] || undefined,
    init: f.init ? resolve(f.init) : undefined,
    initStreams: f.initStreams || undefined,
    store: parseStoreSpec(f.store, f.replicas),
    maxConnections: f.maxConnections ?? d.maxConnections,
    sniffTimeoutMs: f.sniffTimeoutMs ?? d.sniffTimeoutMs,
    headersTimeoutMs,
    requestTimeoutMs,
    keepAliveTimeoutMs: f.keepAliveTimeoutMs ?? d.keepAliveTimeoutMs,
    h2IdleTimeoutMs: f.h2IdleTimeoutMs ?? d.h2IdleTimeoutMs,
    h2PingIntervalMs: f.h2PingIntervalMs ?? d.h2PingIntervalMs,
    slowReaderTimeoutMs: f.slowReaderTimeoutMs ?? d.slowReaderTimeoutMs,
    maxBufferedBytes: f.maxBufferedMib !== undefined ? f.maxBufferedMib * 1024 * 1024 : d.maxBufferedBytes,
  };
}
