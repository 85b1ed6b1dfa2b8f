/**
 * API Gateway (REST) for Sluice: import OpenAPI definitions, deploy them to
 * stages stored in the DocumentStore, and serve their invoke URLs.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { SluiceConfig } from '../server/config.js';
import { silentLogger, type LogFn, type Logger } from '../server/logger.js';
import type { Handler, Service } from '../server/types.js';
import { isRevisionConflict, type DocumentStore, type Versioned } from '../store/documents.js';
import { allowAll, type AccessControl } from '../iam/access.js';
import { RestApiStore } from './api-store.js';
import type { CompiledStage } from './compiled-stage.js';
import { ExecutionLogStore, type LoggedExecution } from './execution-log.js';
import { Executor, type GatewaySecurity, type InvokeRequest, type InvokeResult } from './execute.js';
import { newId } from './ids.js';
import { importOpenApi, type ImportResult } from './import-openapi.js';
import { createInvocationLogs } from './invocation-logs.js';
import { inProcessTransport, remoteTransport, type AwsTransport } from './integrations/aws.js';
import type { Deployment, RestApi, Stage } from './model.js';
import { ApiRepository } from './persistence.js';
import type { RoleChecks } from './management/context.js';
import { createManagementService, managementAuthHook } from './management/service.js';
import type { GatewayMetrics } from './metrics.js';
import { createExecuteApiService } from './service.js';
import { StageRegistry } from './stages.js';
import { TemplateCache } from './templates.js';
import { UsageGate } from './usage/gate.js';
import { TokenBuckets } from './usage/throttle.js';
import type { UsageExchange } from '../store/usage-exchange.js';
import { UsageStore } from './usage/store.js';

export type { GatewaySecurity, InvokeRequest, InvokeResult } from './execute.js';
export type { LoggedExecution } from './execution-log.js';
export type * from './model.js';
export { ApiGatewayError } from './errors.js';
export { importOpenApi } from './import-openapi.js';
export { exportOpenApi } from './export-openapi.js';
/** For the IAM guard: how management calls are authenticated and authorized (`iam.addHook(management.name, ...)`). */
export { managementAuthHook };

/** Where the data dir records what became of the bundled example (so it is imported once). */
const BUNDLED_KIND = 'sluice.bundled-example';
const BUNDLED_ID = 'kinesis-proxy';

interface BundledExampleMarker {
  readonly apiId: string;
  /** Whether its methods were made AWS_IAM for --auth sigv4 (done once; the user may open them again). */
  readonly securedForSigv4: boolean;
  /** Set (to when it started, epoch ms) while the node that created the marker imports the example. */
  readonly importing?: number;
}

/** How long a claimed import may take before another node starting takes it over (the claimer died). */
const BUNDLED_IMPORT_TAKEOVER_MS = 30_000;

/** The bundled KinesisProxy example, deployed when no --api is given. */
export const BUNDLED_EXAMPLE_PATH = fileURLToPath(new URL('../../../examples/kinesis-proxy/kinesis-proxy.yaml', import.meta.url));

export interface ApiGatewayDeps {
  readonly config: SluiceConfig;
  readonly documents: DocumentStore;
  /** The server's dispatcher: AWS integrations call Kinesis through it in-process. */
  readonly dispatch: Handler;
  /** Plain lines (deploys, warnings, errors). */
  readonly log?: LogFn;
  /** Where stages' access logs and execution logs are written (see invocation-logs.ts); absent: nowhere. */
  readonly logger?: Logger;
  /** Where access log lines go instead of `logger` (--access-log). */
  readonly accessLog?: (line: string) => void;
  /** Deploy config.apis (or the bundled example) during creation. Default true. */
  readonly deployConfigured?: boolean;
  /** Execution roles and AWS_IAM methods (IAM); absent = neither is checked. */
  readonly security?: GatewaySecurity;
  /** Authorization of management calls (IAM); absent = nothing is checked. */
  readonly access?: AccessControl;
  /** Where CloudWatch's API Gateway metrics are counted; absent = nowhere. */
  readonly metrics?: GatewayMetrics;
  /** IAM's answers about roles a management call gives API Gateway (UpdateAccount); absent = taken as given. */
  readonly roles?: RoleChecks;
  /** How many execution logs to keep in memory. Default 200. */
  readonly executionLogCapacity?: number;
  /** Where usage plans' throttling charges are shared with other nodes over the same store (cluster mode). */
  readonly usageExchange?: UsageExchange;
}

export interface DeployedApi {
  readonly id: string;
  readonly name: string;
  readonly stage: string;
  readonly invokeUrl: string;
  /** Methods anyone who can reach the port may call ("GET /streams"): authorizationType NONE. */
  readonly openMethods: readonly string[];
}

export interface DeployOptions {
  /** Stage variables; when absent a re-deployed stage keeps the ones it had. */
  readonly variables?: Record<string, string>;
  /** Deploy every method with authorizationType AWS_IAM, whatever the definition says. */
  readonly requireSignedCalls?: boolean;
}

/** Every method of an API made AWS_IAM: callers must sign for execute-api and hold execute-api:Invoke. */
function withIamAuthorization(api: RestApi): RestApi {
  const resources = Object.fromEntries(Object.entries(api.resources).map(([id, r]) => [id, {
    ...r,
    resourceMethods: Object.fromEntries(Object.entries(r.resourceMethods).map(([verb, m]) => [verb, { ...m!, authorizationType: 'AWS_IAM' as const }])),
  }]));
  return { ...api, resources };
}

function openMethodsOf(api: RestApi): string[] {
  const out: string[] = [];
  for (const r of Object.values(api.resources)) {
    for (const [verb, m] of Object.entries(r.resourceMethods)) if (m?.authorizationType === 'NONE') out.push(`${verb} ${r.path}`);
  }
  return out.sort();
}

export interface ApiGateway {
  /** The runtime: invoke URLs of deployed stages. */
  readonly service: Service;
  /** The management API (`/restapis/...`, `/tags/...`, `/account`), REST-JSON as AWS serves it. */
  readonly management: Service;
  /** Current (undeployed) API states, shared with the management API. */
  readonly apis: RestApiStore;
  /** Imports an OpenAPI/Swagger file and deploys it to `stage`; an API with the same name is replaced in place. */
  deployFile(path: string, stage?: string, options?: DeployOptions): Promise<DeployedApi>;
  /** Same, from text already in memory. */
  deployDefinition(text: string, stage?: string, options?: DeployOptions): Promise<DeployedApi>;
  /** Deployed stages; invoke URLs use `baseUrl` (default http://{host}:{port} from config). */
  deployedApis(baseUrl?: string): DeployedApi[];
  /** Runs the pipeline directly (TestInvokeMethod, tests). */
  invoke(req: InvokeRequest): Promise<InvokeResult>;
  /** Newest first. */
  executionLogs(filter?: { apiId?: string; limit?: number }): LoggedExecution[];
  getApi(id: string): Promise<RestApi | undefined>;
  /** Every API, created through the management API or deployed from a file, oldest first. */
  listApis(): Promise<RestApi[]>;
}

export async function createApiGateway(deps: ApiGatewayDeps): Promise<ApiGateway> {
  const { config } = deps;
  const log: LogFn = deps.log ?? (() => {});
  const repo = new ApiRepository(deps.documents);
  const apis = new RestApiStore(repo, config.accountId);
  const templates = new TemplateCache();
  const stages = new StageRegistry(repo, templates, log);
  const logs = new ExecutionLogStore(deps.executionLogCapacity ?? 200);
  const awsTransport: AwsTransport = config.awsEndpoint ? remoteTransport(config.awsEndpoint) : inProcessTransport(deps.dispatch);
  const usage = new UsageStore(deps.documents);

  const executor = new Executor({
    region: config.region,
    accountId: config.accountId,
    awsTransport,
    stageFor: (apiId, stage) => stages.get(apiId, stage),
    logs,
    log,
    usage: new UsageGate(usage, new TokenBuckets(undefined, deps.usageExchange)),
    ...(deps.security ? { security: deps.security } : {}),
  });

  // Stages deployed in earlier runs.
  await stages.load();
  // Changes made by other nodes sharing the store (cluster mode) reach the cached APIs and the served stages.
  deps.documents.watch((c) => {
    if (c.kind === 'apigateway.restapi') apis.forget(c.id);
    else void stages.changed(c);
  });

  const describe = (c: CompiledStage, baseUrl: string): DeployedApi => ({
    id: c.api.id,
    name: c.api.name,
    stage: c.stage.stageName,
    invokeUrl: `${baseUrl}/restapis/${c.api.id}/${c.stage.stageName}/_user_request_`,
    openMethods: openMethodsOf(c.api),
  });
  const defaultBase = (): string => `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${config.port}`;

  /** `newId`: the id the API gets if no earlier deploy of this definition gave it one (the bundled example's, chosen before importing). */
  async function deployDefinition(text: string, stageName = config.stage, options: DeployOptions = {}, newApiId?: string): Promise<DeployedApi> {
    // Import once to learn the name, then again under the id an earlier deploy of this definition got,
    // so re-deploys replace in place. APIs made through the management API are never replaced.
    const first: ImportResult = importOpenApi(text, { ...(newApiId !== undefined ? { id: newApiId } : {}), region: config.region, accountId: config.accountId, templates });
    const existing = await repo.findDeployedDefinition(first.api.name);
    const imported = existing
      ? importOpenApi(text, { id: existing.id, region: config.region, accountId: config.accountId, templates, now: existing.createdDate }).api
      : first.api;
    const declared: RestApi = { ...imported, deployedFrom: imported.name, ...(existing?.tags ? { tags: existing.tags } : {}) };
    const api = options.requireSignedCalls ? withIamAuthorization(declared) : declared;
    for (const w of first.warnings) log(`apigateway: ${api.name}: ${w}`, 'warn');
    if (existing) log(`apigateway: ${api.name} (${api.id}): its current state and stage ${stageName} were replaced by the definition deployed now; other stages and deployments are kept`);
    await apis.replace(api);
    await deployStage(api, stageName, options.variables);
    const d = describe(stages.get(api.id, stageName)!, defaultBase());
    // The port may not be known yet (port 0 before listen): log the path, which holds everywhere.
    log(`apigateway: deployed ${api.name} (${api.id}) to stage ${stageName}: /restapis/${api.id}/${stageName}/_user_request_/`);
    return d;
  }

  /** Snapshots `api` into a new deployment and points `stageName` at it (deployments it replaces are kept, as AWS keeps them). */
  async function deployStage(api: RestApi, stageName: string, variables?: Record<string, string>): Promise<void> {
    const now = Math.floor(Date.now() / 1000);
    const deployment: Deployment = { id: newId(), restApiId: api.id, createdDate: now, api };
    await repo.createDeployment(deployment);
    // Compare-and-set on the stored stage: what another node changed on it meanwhile is kept.
    await stages.write(api.id, stageName, async (previous) => {
      const stage: Stage = {
        ...previous,
        restApiId: api.id,
        stageName,
        deploymentId: deployment.id,
        variables: variables ?? previous?.variables ?? {},
        createdDate: previous?.createdDate ?? now,
        lastUpdatedDate: now,
      };
      return { stage, deployment };
    });
  }

  /**
   * The bundled KinesisProxy example is imported once, on a fresh data dir;
   * from then on it is the user's API like any other: its ids, edits and
   * deployments are kept across restarts, and deleting it deletes it. (Data
   * dirs from before this marker existed: the API an earlier start deployed
   * from the example is adopted as it is.) Under --auth sigv4 it must not hand
   * Kinesis to anonymous callers: a copy first served under --auth off has
   * its NONE methods made AWS_IAM once, on the first start with sigv4.
   */
  async function deployBundledExample(): Promise<void> {
    // The marker is created (compare-and-set on "none stored") BEFORE importing, naming the id the API
    // will have: of several nodes starting at once on an empty cluster, one imports it and the others
    // wait for its marker to say the import finished. A node that died mid-import is taken over.
    let stored = await deps.documents.getVersioned<BundledExampleMarker>(BUNDLED_KIND, BUNDLED_ID);
    if (!stored) {
      const adopted = await repo.findDeployedDefinition('KinesisProxy');
      const claim: BundledExampleMarker = adopted
        ? { apiId: adopted.id, securedForSigv4: false }
        : { apiId: newId(), securedForSigv4: config.auth === 'sigv4', importing: Date.now() };
      try {
        stored = { doc: claim, revision: await deps.documents.putIf(BUNDLED_KIND, BUNDLED_ID, claim, 0) };
        if (!adopted) {
          await importBundled(stored);
          return;
        }
      } catch (e) {
        if (!isRevisionConflict(e)) throw e;
        stored = await deps.documents.getVersioned<BundledExampleMarker>(BUNDLED_KIND, BUNDLED_ID);
        if (!stored) throw e;
      }
    }
    while (stored.doc.importing !== undefined) {
      if (Date.now() - stored.doc.importing > BUNDLED_IMPORT_TAKEOVER_MS) {
        // The node that claimed the import stopped before finishing it: finish it under the same id.
        try {
          const retaken = { ...stored.doc, importing: Date.now() };
          await importBundled({ doc: retaken, revision: await deps.documents.putIf(BUNDLED_KIND, BUNDLED_ID, retaken, stored.revision) });
          return;
        } catch (e) {
          if (!isRevisionConflict(e)) throw e;
        }
      } else {
        await new Promise((r) => setTimeout(r, 100));
      }
      const again = await deps.documents.getVersioned<BundledExampleMarker>(BUNDLED_KIND, BUNDLED_ID);
      if (!again) return;
      stored = again;
    }
    const marker = stored.doc;
    const api = await apis.find(marker.apiId);
    if (!api) return; // the user deleted it: it stays deleted
    log(`apigateway: serving the KinesisProxy API (${api.id}) as stored on this data dir`);
    if (config.auth !== 'sigv4' || marker.securedForSigv4) return;
    const open = openMethodsOf(api);
    if (open.length > 0) {
      const secured = withIamAuthorization(api);
      await apis.replace(secured);
      for (const stage of (await repo.listStages()).filter((st) => st.restApiId === api.id)) await deployStage(secured, stage.stageName);
      log(`apigateway: the KinesisProxy API (${api.id}) now requires SigV4 (AWS_IAM) on ${open.join(', ')}: this server runs with --auth sigv4 and its execution role may use every stream; set a method's authorizationType to NONE yourself to open it`, 'warn');
    }
    try {
      await deps.documents.putIf(BUNDLED_KIND, BUNDLED_ID, { ...marker, securedForSigv4: true } satisfies BundledExampleMarker, stored.revision);
    } catch (e) {
      // Another node starting with --auth sigv4 recorded it first (its change and ours are the same).
      if (!isRevisionConflict(e)) throw e;
    }
  }

  /** Imports the bundled example under the id its marker (held at `claimed.revision`) names, then marks the import done. */
  async function importBundled(claimed: Versioned<BundledExampleMarker>): Promise<void> {
    const { importing: _started, ...marker } = claimed.doc;
    const d = await deployDefinition(await readFile(BUNDLED_EXAMPLE_PATH, 'utf8'), config.stage, { requireSignedCalls: marker.securedForSigv4 }, marker.apiId);
    await deps.documents.putIf(BUNDLED_KIND, BUNDLED_ID, marker satisfies BundledExampleMarker, claimed.revision);
    log(`apigateway: imported the bundled KinesisProxy example (${d.id}) on this fresh data dir; it is now an API like any other: edits, ids and deployments are kept across restarts`);
  }

  const gateway: ApiGateway = {
    service: createExecuteApiService(
      executor,
      deps.metrics,
      createInvocationLogs({ logger: deps.logger ?? silentLogger, ...(deps.accessLog ? { accessLog: deps.accessLog } : {}) }),
    ),
    management: createManagementService(
      { region: config.region, accountId: config.accountId, apis, repo, stages, templates, executor, usage, ...(deps.roles ? { roles: deps.roles } : {}) },
      deps.access ?? allowAll,
      (e) => log(`apigateway: management API error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`, 'error'),
    ),
    apis,
    deployDefinition,
    async deployFile(path, stage, options) {
      return deployDefinition(await readFile(path, 'utf8'), stage, options);
    },
    deployedApis(baseUrl) {
      return stages.all().map((c) => describe(c, baseUrl ?? defaultBase()));
    },
    invoke: (req) => executor.invoke(req),
    executionLogs: (filter) => logs.recent(filter),
    getApi: (id) => apis.find(id),
    listApis: () => apis.list(),
  };

  if (deps.deployConfigured !== false) {
    if (config.apis.length) {
      // --api files are deployed on every start, replacing their earlier state in place (logged).
      for (const file of config.apis) await gateway.deployFile(file, config.stage);
    } else {
      await deployBundledExample();
    }
  }
  return gateway;
}
