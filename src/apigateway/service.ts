/**
 * The execute-api endpoint as a Service. Invoke URLs are recognised both ways
 * API Gateway-emulators use them:
 *   any host:  /restapis/{apiId}/{stage}/_user_request_/{path}
 *   Host {apiId}.execute-api.localhost[:port]:  /{stage}/{path}
 */
import { noteRequest } from '../server/request-facts.js';
import type { Service, SluiceRequest, SluiceResponse } from '../server/types.js';
import type { Executor, InvokeRequest, InvokeResult } from './execute.js';
import { methodSettingsFor, type MethodLogSettings } from './method-settings.js';
import { noGatewayMetrics, type GatewayMetrics } from './metrics.js';

const USER_REQUEST = /^\/restapis\/([^/]+)\/([^/]+)\/_user_request_(\/.*)?$/;
const EXECUTE_API_HOST = /^([a-z0-9]+)\.execute-api\.localhost(?::\d+)?$/i;

export interface InvokeTarget {
  readonly apiId: string;
  readonly stage: string;
  readonly path: string;
}

export function invokeTargetOf(req: Pick<SluiceRequest, 'path' | 'headers'>): InvokeTarget | undefined {
  const m = USER_REQUEST.exec(req.path);
  if (m) return { apiId: m[1]!, stage: decodeURIComponent(m[2]!), path: m[3] ?? '/' };
  const host = req.headers['host'];
  const h = host ? EXECUTE_API_HOST.exec(host) : null;
  if (h) {
    const rest = req.path.slice(1);
    const slash = rest.indexOf('/');
    const stage = slash >= 0 ? rest.slice(0, slash) : rest;
    return { apiId: h[1]!.toLowerCase(), stage: decodeURIComponent(stage), path: slash >= 0 ? rest.slice(slash) : '/' };
  }
  return undefined;
}

/** Writes what a stage's settings ask for about an invocation (access log line, execution log). */
export type InvocationLogger = (result: InvokeResult, settings: MethodLogSettings) => void;

export function createExecuteApiService(executor: Executor, metrics: GatewayMetrics = noGatewayMetrics, logInvocation?: InvocationLogger): Service {
  return {
    name: 'execute-api',
    matches: (req) => invokeTargetOf(req) !== undefined,
    async handle(req: SluiceRequest): Promise<SluiceResponse> {
      const target = invokeTargetOf(req)!;
      const invoke: InvokeRequest = {
        apiId: target.apiId,
        stage: target.stage,
        httpMethod: req.method,
        path: target.path,
        rawQuery: req.rawQuery,
        headers: req.headers,
        body: req.body,
        requestId: req.requestId,
        sourceIp: req.remoteAddress,
        ...(req.headers['host'] ? { domainName: req.headers['host'] } : {}),
        raw: req,
      };
      const result = await executor.invoke(invoke);
      const resourcePath = result.context['resourcePath'] as string | undefined;
      noteRequest(req, { apiId: target.apiId, stage: target.stage, ...(resourcePath !== undefined ? { route: `${req.method} ${resourcePath}` } : {}) });
      const settings = methodSettingsFor(result.servedStage, resourcePath, result.methodHttpMethod ?? req.method);
      // Requests to stages that exist count, as CloudWatch counts them per API and stage, and per method
      // with detailed metrics on (a method that was not matched has no Resource/Method to count under).
      if (result.apiName !== undefined) {
        const method = settings.metricsEnabled && resourcePath !== undefined ? { resource: resourcePath, httpMethod: req.method.toUpperCase() } : undefined;
        metrics.request(result.apiName, target.stage, result.status, result.latency, result.integrationLatency, method);
      }
      logInvocation?.(result, settings);
      return { status: result.status, headers: result.headers, body: result.body };
    },
  };
}
