/**
 * Composition root: storage, services, dispatcher and the listening socket.
 * `startSluice` is what `sluice start` and the tests call.
 */
import { createApiGateway, managementAuthHook, type ApiGateway, type GatewaySecurity } from '../apigateway/index.js';
import { bindIdentity, checkListenPolicy, startIam, type Identity, type IamRuntime } from '../iam/index.js';
import { createKinesisService, kinesisAuthHook, type KinesisService } from '../kinesis/service.js';
import { openStore, type StoreBackend } from '../store/backend.js';
import type { SluiceConfig } from './config.js';
import { createDispatcher } from './dispatcher.js';
import { createHttpServer, type TransportStats } from './http.js';
import { createInternalService, type DeployedApi } from './internal.js';
import { openLogFile, type LogFile } from './log-file.js';
import { createLogger, type LogFn, type Logger, type LogSink } from './logger.js';
import { withRequestLog } from './request-log.js';
import type { Handler, Service, SluiceRequest, SluiceResponse } from './types.js';
import { applyInit, InitError, readInitFile, streamsFromList, type InitSpec } from './init.js';
import { createMetrics, type Metrics } from './metrics.js';
import { dataDirFailure, listenFailure } from './startup-errors.js';
import { version } from './version.js';

export interface Sluice {
  /** http://host:port of the listening socket. */
  readonly url: string;
  readonly port: number;
  readonly config: SluiceConfig;
  /** Routes a request in-process exactly as the socket would. */
  readonly dispatch: Handler;
  readonly kinesis: KinesisService;
  /** iam: IAM/STS, the auth guard, execution roles and the root credentials (print them when newly generated). */
  readonly iam: IamRuntime;
  /** apigateway: REST APIs (current states, deployments, stages), execution logs and TestInvoke-style runs. */
  readonly apiGateway: ApiGateway;
  /** Where this server logs (the CLI logs its banner through it). */
  readonly logger: Logger;
  deployedApis(): readonly DeployedApi[];
  /** Open connections and answer bytes held for slow readers (docs/limits.md). */
  transportStats(): TransportStats;
  /** Finishes in-flight requests, flushes and closes storage. */
  close(): Promise<void>;
}

export interface StartOptions {
  /** Receives each log line, formatted as config.logFormat says, at config.logLevel and above. */
  readonly log?: LogSink;
  /** Used as it is, instead of one made from `log` and the config. */
  readonly logger?: Logger;
}

export async function startSluice(config: SluiceConfig, options: StartOptions = {}): Promise<Sluice> {
  // iam: refuse to expose an unauthenticated server beyond loopback (unless --insecure).
  const auth = config.auth ?? 'off';
  checkListenPolicy({ host: config.host, auth, insecure: config.insecure ?? false });
  const logger = options.logger ?? createLogger({ level: config.logLevel ?? 'info', format: config.logFormat ?? 'text', ...(options.log ? { sink: options.log } : {}) });
  // Opened first: a path that can't be written stops the start before anything else is opened.
  const accessLog = config.accessLog ? openLogFile(config.accessLog, (e) => logger.error(`access log ${config.accessLog}: ${e.message}; no more lines are written to it`)) : undefined;
  const spec = config.store ?? { kind: 'sqlite' as const };
  let store: StoreBackend;
  try {
    store = await openStore(spec, config.dataDir, version);
  } catch (e) {
    await accessLog?.close();
    throw config.dataDir === undefined || spec.kind !== 'sqlite' ? e : dataDirFailure(e, config.dataDir);
  }
  // Whatever fails during start-up (a bad --api file, a port in use) must not leave storage open.
  let kinesisOpened: KinesisService | undefined;
  try {
    const log: LogFn = logger.line;
    const metrics = createMetrics();
    for (const w of store.warnings) log(w, 'warn');
    store.setReporter((line) => log(line, 'error'));
    if (store.kind === 'nats') log(`store: NATS JetStream cluster (node ${store.node})`);
    // iam: IAM and STS services, the SigV4 guard every routed request passes, the example's execution role.
    const iam = await startIam({ ...config, auth, iam: config.iam ?? 'enforce' }, store.documents, { log });
    kinesisOpened = await createKinesisService(
      { ...config, access: iam.access, log, metrics: metrics.kinesis, limits: { enforce: config.enforceLimits, faultRate: config.faultRate, latencyMs: config.latencyMs }, usage: store.usage },
      store.records,
      store.documents,
      store.wakeups,
    );
    iam.addHook('kinesis', kinesisAuthHook());
    return await assemble(config, { logger, accessLog }, store, iam, kinesisOpened, metrics);
  } catch (e) {
    kinesisOpened?.close();
    await store.close();
    await accessLog?.close();
    throw e;
  }
}

async function assemble(
  config: SluiceConfig,
  logs: { logger: Logger; accessLog: LogFile | undefined },
  store: StoreBackend,
  iam: IamRuntime,
  kinesis: KinesisService,
  metrics: Metrics,
): Promise<Sluice> {
  const { logger, accessLog } = logs;
  const log = logger.line;
  const logError = (e: unknown): void => log(`error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`, 'error');
  const auth = config.auth ?? 'off';

  const services: Service[] = [...iam.services];
  const routed = createDispatcher(() => services, iam.guard);
  // A node cut off from its cluster answers at once that it cannot serve, rather than waiting or guessing (health still answers).
  const dispatch: Handler = (req) => (store.available() || req.path.startsWith('/_sluice/') ? routed(req) : Promise.resolve(unavailable(req)));

  // apigateway: the gateway's service and deployed APIs are wired here.
  // Deploys config.apis (or the bundled KinesisProxy example) and serves invoke URLs;
  // AWS integrations reach Kinesis through `dispatch` (or config.awsEndpoint).
  // Execution roles are assumed for AWS integrations; AWS_IAM methods need a signature only under --auth sigv4.
  const security: GatewaySecurity = {
    ...(auth === 'sigv4' ? { authorizeInvoke: (req: SluiceRequest, arn: string) => iam.authorizeInvoke(req, arn) } : {}),
    assumeExecutionRole: (roleArn, caller) => iam.assumeExecutionRole(roleArn, caller as Identity | undefined),
    bindIdentity: (req, identity) => bindIdentity(req, identity as Identity),
  };
  // UpdateAccount's CloudWatch role: API Gateway must be able to assume it, and it must allow logging.
  const roles = {
    canActAs(roleArn: string, actions: readonly string[]): boolean {
      const assumed = iam.assumeExecutionRole(roleArn);
      return assumed.ok && actions.every((action) => iam.authorize(assumed.identity, action, '*').allowed);
    },
  };
  const apiGateway = await createApiGateway({
    config, documents: store.documents, dispatch, log, logger, security, access: iam.access, roles, metrics: metrics.gateway, usageExchange: store.usage,
    ...(accessLog ? { accessLog: (line: string) => accessLog.write(line) } : {}),
  });
  // The runtime first: invoke URLs live under /restapis/{id}/{stage}/_user_request_ too.
  services.push(apiGateway.service, apiGateway.management);
  iam.addHook(apiGateway.management.name, managementAuthHook());
  const deployedApis = (): readonly DeployedApi[] => apiGateway.deployedApis(url);

  services.push(createInternalService({ version, deployedApis: () => deployedApis(), metrics: async () => ({ contentType: metrics.contentType, text: await metrics.text() }), store: () => store.health() }), kinesis);

  // Declared start-up state, before the port opens: clients never see it half made.
  await applyStartupState(config, { iam, apiGateway, dispatch, log });

  // Only requests from the network are logged: API Gateway's in-process calls belong to their invocation.
  const server = createHttpServer(config.logRequests ? withRequestLog(dispatch, logger) : dispatch, { limits: config, onError: logError, log: (line: string) => log(line, 'warn') });
  let port: number;
  try {
    port = await server.listen(config.port, config.host);
  } catch (e) {
    throw listenFailure(e, config.host, config.port);
  }
  const hostForUrl = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  const url = `http://${hostForUrl.includes(':') ? `[${hostForUrl}]` : hostForUrl}:${port}`;

  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    config,
    dispatch,
    kinesis,
    iam,
    apiGateway,
    logger,
    deployedApis: () => deployedApis(),
    transportStats: () => server.stats(),
    close() {
      closing ??= (async () => {
        await server.close();
        kinesis.close();
        await store.close();
        await accessLog?.close();
      })();
      return closing;
    },
  };
}

/** AWS's 503 for a node that cannot reach its store: every SDK retries it (on another node, behind a load balancer). */
function unavailable(req: SluiceRequest): SluiceResponse {
  const kinesis = (req.headers['x-amz-target'] ?? '').startsWith('Kinesis_');
  const body = kinesis
    ? { __type: 'ServiceUnavailable', message: 'The service is unavailable (this node is cut off from its cluster). Please try again.' }
    : { message: 'Service Unavailable' };
  return {
    status: 503,
    headers: { 'content-type': kinesis ? 'application/x-amz-json-1.1' : 'application/json', 'x-amzn-errortype': 'ServiceUnavailable', 'retry-after': '1' },
    body: Buffer.from(JSON.stringify(body)),
  };
}

/** --init and SLUICE_INIT_STREAMS: created through the public APIs, as the account root. */
async function applyStartupState(
  config: SluiceConfig,
  deps: { iam: IamRuntime; apiGateway: ApiGateway; dispatch: Handler; log: LogFn },
): Promise<void> {
  const specs: Array<{ spec: InitSpec; baseDir: string }> = [];
  if (config.initStreams) specs.push({ spec: { streams: streamsFromList(config.initStreams) }, baseDir: process.cwd() });
  if (config.init) specs.push(await readInitFile(config.init));
  if (specs.length === 0) return;
  const root: Identity = { principal: { kind: 'root', account: config.accountId } };
  const target = {
    dispatch: deps.dispatch,
    asRoot: (req: SluiceRequest) => bindIdentity(req, root),
    deployFile: (path: string, stage?: string) => deps.apiGateway.deployFile(path, stage ?? config.stage),
    log: deps.log,
  };
  const accessKey = async (userName: string, id: string, secret: string): Promise<void> => {
    if (!/^[A-Z0-9]{16,128}$/.test(id) || secret.length < 16) throw new InitError(`init: user ${userName}: an access key id is 16 to 128 capital letters and digits, and its secret at least 16 characters`);
    if (deps.iam.iam.store.accessKeys.has(id)) return;
    await deps.iam.iam.store.putAccessKey({ accessKeyId: id, secretAccessKey: secret, status: 'Active', createDate: Date.now(), owner: { kind: 'user', userName } });
  };
  for (const { spec, baseDir } of specs) await applyInit(target, spec, baseDir, accessKey);
}
