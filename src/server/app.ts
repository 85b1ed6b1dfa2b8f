/**
 * Composition root: storage, services, dispatcher and the listening socket.
 * `startSluice` is what `sluice start` and the tests call.
 */
import { createApiGateway } from '../apigateway/index.js';
import { createKinesisService, type KinesisService } from '../kinesis/service.js';
import { SqliteStore } from '../store/sqlite.js';
import type { SluiceConfig } from './config.js';
import { createDispatcher } from './dispatcher.js';
import { createHttpServer } from './http.js';
import { createInternalService, type DeployedApi } from './internal.js';
import type { Handler, Service } from './types.js';
import { version } from './version.js';

export interface Sluice {
  /** http://host:port of the listening socket. */
  readonly url: string;
  readonly port: number;
  readonly config: SluiceConfig;
  /** Routes a request in-process exactly as the socket would. */
  readonly dispatch: Handler;
  readonly kinesis: KinesisService;
  deployedApis(): readonly DeployedApi[];
  /** Finishes in-flight requests, flushes and closes storage. */
  close(): Promise<void>;
}

export interface StartOptions {
  readonly log?: (line: string) => void;
}

export async function startSluice(config: SluiceConfig, options: StartOptions = {}): Promise<Sluice> {
  const log = options.log ?? (() => {});
  const logError = (e: unknown): void => log(`error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  const store = new SqliteStore(config.dataDir);
  const kinesis = await createKinesisService(
    { ...config, limits: { enforce: config.enforceLimits, faultRate: config.faultRate, latencyMs: config.latencyMs } },
    store,
    store,
  );

  const services: Service[] = [];
  const dispatch = createDispatcher(() => services);

  // apigateway: the gateway's service and deployed APIs are wired here.
  // Deploys config.apis (or the bundled KinesisProxy example) and serves invoke URLs;
  // AWS integrations reach Kinesis through `dispatch` (or config.awsEndpoint).
  const apiGateway = await createApiGateway({ config, documents: store, dispatch, log });
  services.push(apiGateway.service);
  const deployedApis = (): readonly DeployedApi[] => apiGateway.deployedApis(url);

  services.push(createInternalService({ version, deployedApis: () => deployedApis() }), kinesis);

  const server = createHttpServer(dispatch, logError);
  let port: number;
  try {
    port = await server.listen(config.port, config.host);
  } catch (e) {
    kinesis.close();
    await store.close();
    throw e;
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
    deployedApis: () => deployedApis(),
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
