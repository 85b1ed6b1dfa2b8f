/**
 * Composition root: storage, services, dispatcher and the listening socket.
 * `startSluice` is what `sluice start` and the tests call.
 */
import { createApiGateway, managementAuthHook, type ApiGateway, type GatewaySecurity } from '../apigateway/index.js';
import { bindIdentity, checkListenPolicy, startIam, type Identity, type IamRuntime } from '../iam/index.js';
import { createKinesisService, kinesisAuthHook, type KinesisService } from '../kinesis/service.js';
import { SqliteStore } from '../store/sqlite.js';
import type { SluiceConfig } from './config.js';
import { createDispatcher } from './dispatcher.js';
import { createHttpServer, type TransportStats } from './http.js';
import { createInternalService, type DeployedApi } from './internal.js';
import type { Handler, Service, SluiceRequest } from './types.js';
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
  deployedApis(): readonly DeployedApi[];
  /** Open connections and answer bytes held for slow readers (docs/limits.md). */
  transportStats(): TransportStats;
  /** Finishes in-flight requests, flushes and closes storage. */
  close(): Promise<void>;
}

export interface StartOptions {
  readonly log?: (line: string) => void;
}

export async function startSluice(config: SluiceConfig, options: StartOptions = {}): Promise<Sluice> {
  // iam: refuse to expose an unauthenticated server beyond loopback (unless --insecure).
  const auth = config.auth ?? 'off';
  checkListenPolicy({ host: config.host, auth, insecure: config.insecure ?? false });
  const store = new SqliteStore(config.dataDir);
  // Whatever fails during start-up (a bad --api file, a port in use) must not leave storage open.
  let kinesisOpened: KinesisService | undefined;
  try {
    const log = options.log ?? (() => {});
    for (const w of store.warnings) log(w);
    // iam: IAM and STS services, the SigV4 guard every routed request passes, the example's execution role.
    const iam = await startIam({ ...config, auth, iam: config.iam ?? 'enforce' }, store, { log });
    kinesisOpened = await createKinesisService(
      { ...config, access: iam.access, limits: { enforce: config.enforceLimits, faultRate: config.faultRate, latencyMs: config.latencyMs } },
      store,
      store,
    );
    iam.addHook('kinesis', kinesisAuthHook());
    return await assemble(config, options, store, iam, kinesisOpened);
  } catch (e) {
    kinesisOpened?.close();
    await store.close();
    throw e;
  }
}

async function assemble(config: SluiceConfig, options: StartOptions, store: SqliteStore, iam: IamRuntime, kinesis: KinesisService): Promise<Sluice> {
  const log = options.log ?? (() => {});
  const logError = (e: unknown): void => log(`error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  const auth = config.auth ?? 'off';

  const services: Service[] = [...iam.services];
  const dispatch = createDispatcher(() => services, iam.guard);

  // apigateway: the gateway's service and deployed APIs are wired here.
  // Deploys config.apis (or the bundled KinesisProxy example) and serves invoke URLs;
  // AWS integrations reach Kinesis through `dispatch` (or config.awsEndpoint).
  // Execution roles are assumed for AWS integrations; AWS_IAM methods need a signature only under --auth sigv4.
  const security: GatewaySecurity = {
    ...(auth === 'sigv4' ? { authorizeInvoke: (req: SluiceRequest, arn: string) => iam.authorizeInvoke(req, arn) } : {}),
    assumeExecutionRole: (roleArn, caller) => iam.assumeExecutionRole(roleArn, caller as Identity | undefined),
    bindIdentity: (req, identity) => bindIdentity(req, identity as Identity),
  };
  const apiGateway = await createApiGateway({ config, documents: store, dispatch, log, security, access: iam.access });
  // The runtime first: invoke URLs live under /restapis/{id}/{stage}/_user_request_ too.
  services.push(apiGateway.service, apiGateway.management);
  iam.addHook(apiGateway.management.name, managementAuthHook());
  const deployedApis = (): readonly DeployedApi[] => apiGateway.deployedApis(url);

  services.push(createInternalService({ version, deployedApis: () => deployedApis() }), kinesis);

  const server = createHttpServer(dispatch, { limits: config, onError: logError, log });
  const port = await server.listen(config.port, config.host);
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
    deployedApis: () => deployedApis(),
    transportStats: () => server.stats(),
    close() {
      closing ??= (async () => {
        await server.close();
        kinesis.close();
        await store.close();
      })();
      return closing;
    },
  };
}
