/**
 * API Gateway's management API (REST-JSON, apigateway 2015-07-09) as AWS defines it:
 * GET /restapis, /restapis/{id}/resources?embed=methods, PUT/PATCH methods and integrations,
 * TestInvokeMethod, deployments, stages and exports. Timestamps arrive as epoch seconds.
 */
import type { Deployment, ExportType, GatewayResponse, Integration, IntegrationResponse, Method, MethodResponse, PatchOperation, Resource, RestApi, Stage, TestInvokeInput, TestInvokeOutput } from './apigateway-types.js';
import { AwsApiError, send, shortErrorType } from './http.js';

export * from './apigateway-types.js';

const enc = encodeURIComponent;

async function request<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
  const init: RequestInit = { method, headers: { accept: 'application/json', ...headers } };
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
    (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
  }
  const res = await send(path, init);
  let parsed: Record<string, unknown> | undefined;
  try {
    parsed = res.text ? (JSON.parse(res.text) as Record<string, unknown>) : undefined;
  } catch {
    parsed = undefined;
  }
  if (res.status >= 300) {
    const type = res.headers.get('x-amzn-errortype') ?? String(parsed?.['__type'] ?? parsed?.['code'] ?? `HTTP ${res.status}`);
    const message = String(parsed?.['message'] ?? parsed?.['Message'] ?? (res.text || `${method} ${path} answered ${res.status}`));
    throw new AwsApiError(shortErrorType(type), message, res.status);
  }
  return (parsed ?? {}) as T;
}

/** Follows `position` through every page of a collection answer ({item, position}). */
async function all<T>(path: string): Promise<T[]> {
  const out: T[] = [];
  let position: string | undefined;
  const sep = path.includes('?') ? '&' : '?';
  do {
    const page = await request<{ item?: T[]; position?: string }>('GET', `${path}${sep}limit=500${position ? `&position=${enc(position)}` : ''}`);
    out.push(...(page.item ?? []));
    position = page.position;
  } while (position);
  return out;
}

const methodPath = (apiId: string, resourceId: string, verb: string): string =>
  `/restapis/${enc(apiId)}/resources/${enc(resourceId)}/methods/${enc(verb)}`;

export const apigateway = {
  listRestApis: () => all<RestApi>('/restapis'),
  getRestApi: (id: string) => request<RestApi>('GET', `/restapis/${enc(id)}`),
  createRestApi: (name: string, description: string) =>
    request<RestApi>('POST', '/restapis', { name, ...(description ? { description } : {}), endpointConfiguration: { types: ['REGIONAL'] } }),
  /** ImportRestApi: the body is the OpenAPI 3.0 / Swagger 2.0 file, JSON or YAML. */
  importRestApi: (definition: string, failOnWarnings: boolean) =>
    request<RestApi>('POST', `/restapis?mode=import&failonwarnings=${failOnWarnings}`, definition, {
      'content-type': /^\s*[{[]/.test(definition) ? 'application/json' : 'application/yaml',
    }),
  deleteRestApi: (id: string) => request<unknown>('DELETE', `/restapis/${enc(id)}`),

  /** The names of the API's models (GetModels). */
  modelNames: async (apiId: string) => (await all<{ name: string }>(`/restapis/${enc(apiId)}/models`)).map((m) => m.name),
  getResources: (apiId: string) => all<Resource>(`/restapis/${enc(apiId)}/resources?embed=methods`),
  createResource: (apiId: string, parentId: string, pathPart: string) =>
    request<Resource>('POST', `/restapis/${enc(apiId)}/resources/${enc(parentId)}`, { pathPart }),
  deleteResource: (apiId: string, resourceId: string) => request<unknown>('DELETE', `/restapis/${enc(apiId)}/resources/${enc(resourceId)}`),

  getMethod: (apiId: string, resourceId: string, verb: string) => request<Method>('GET', methodPath(apiId, resourceId, verb)),
  putMethod: (apiId: string, resourceId: string, verb: string, input: { authorizationType: string; apiKeyRequired?: boolean; requestParameters?: Record<string, boolean> }) =>
    request<Method>('PUT', methodPath(apiId, resourceId, verb), input),
  updateMethod: (apiId: string, resourceId: string, verb: string, patchOperations: PatchOperation[]) =>
    request<Method>('PATCH', methodPath(apiId, resourceId, verb), { patchOperations }),
  deleteMethod: (apiId: string, resourceId: string, verb: string) => request<unknown>('DELETE', methodPath(apiId, resourceId, verb)),

  putIntegration: (apiId: string, resourceId: string, verb: string, input: Integration) =>
    request<Integration>('PUT', `${methodPath(apiId, resourceId, verb)}/integration`, input),
  updateIntegration: (apiId: string, resourceId: string, verb: string, patchOperations: PatchOperation[]) =>
    request<Integration>('PATCH', `${methodPath(apiId, resourceId, verb)}/integration`, { patchOperations }),

  putIntegrationResponse: (apiId: string, resourceId: string, verb: string, status: string, input: Omit<IntegrationResponse, 'statusCode'>) =>
    request<IntegrationResponse>('PUT', `${methodPath(apiId, resourceId, verb)}/integration/responses/${enc(status)}`, input),
  updateIntegrationResponse: (apiId: string, resourceId: string, verb: string, status: string, patchOperations: PatchOperation[]) =>
    request<IntegrationResponse>('PATCH', `${methodPath(apiId, resourceId, verb)}/integration/responses/${enc(status)}`, { patchOperations }),
  deleteIntegrationResponse: (apiId: string, resourceId: string, verb: string, status: string) =>
    request<unknown>('DELETE', `${methodPath(apiId, resourceId, verb)}/integration/responses/${enc(status)}`),

  putMethodResponse: (apiId: string, resourceId: string, verb: string, status: string, input: Omit<MethodResponse, 'statusCode'>) =>
    request<MethodResponse>('PUT', `${methodPath(apiId, resourceId, verb)}/responses/${enc(status)}`, input),
  updateMethodResponse: (apiId: string, resourceId: string, verb: string, status: string, patchOperations: PatchOperation[]) =>
    request<MethodResponse>('PATCH', `${methodPath(apiId, resourceId, verb)}/responses/${enc(status)}`, { patchOperations }),
  deleteMethodResponse: (apiId: string, resourceId: string, verb: string, status: string) =>
    request<unknown>('DELETE', `${methodPath(apiId, resourceId, verb)}/responses/${enc(status)}`),

  /** TestInvokeMethod: runs the method without a deployment and returns the execution log. */
  testInvokeMethod: (apiId: string, resourceId: string, verb: string, input: TestInvokeInput) =>
    request<TestInvokeOutput>('POST', methodPath(apiId, resourceId, verb), input),

  getDeployments: (apiId: string) => all<Deployment>(`/restapis/${enc(apiId)}/deployments`),
  createDeployment: (apiId: string, stageName: string, description: string) =>
    request<Deployment>('POST', `/restapis/${enc(apiId)}/deployments`, { stageName, ...(description ? { description } : {}) }),
  deleteDeployment: (apiId: string, deploymentId: string) => request<unknown>('DELETE', `/restapis/${enc(apiId)}/deployments/${enc(deploymentId)}`),

  getStage: (apiId: string, stageName: string) => request<Stage>('GET', `/restapis/${enc(apiId)}/stages/${enc(stageName)}`),
  updateStage: (apiId: string, stageName: string, patchOperations: PatchOperation[]) =>
    request<Stage>('PATCH', `/restapis/${enc(apiId)}/stages/${enc(stageName)}`, { patchOperations }),
  getStages: async (apiId: string) => (await request<{ item?: Stage[] }>('GET', `/restapis/${enc(apiId)}/stages`)).item ?? [],
  deleteStage: (apiId: string, stageName: string) => request<unknown>('DELETE', `/restapis/${enc(apiId)}/stages/${enc(stageName)}`),

  getGatewayResponse: (apiId: string, type: string) => request<GatewayResponse>('GET', `/restapis/${enc(apiId)}/gatewayresponses/${enc(type)}`),
  putGatewayResponse: (apiId: string, type: string, input: Omit<GatewayResponse, 'responseType' | 'defaultResponse'>) =>
    request<GatewayResponse>('PUT', `/restapis/${enc(apiId)}/gatewayresponses/${enc(type)}`, input),

  /** GetExport: the file as text, with the integrations (x-amazon-apigateway-*) included. */
  async getExport(apiId: string, stageName: string, type: ExportType, format: 'json' | 'yaml'): Promise<string> {
    const res = await send(`/restapis/${enc(apiId)}/stages/${enc(stageName)}/exports/${type}?extensions=integrations`, {
      method: 'GET',
      headers: { accept: format === 'yaml' ? 'application/yaml' : 'application/json' },
    });
    if (res.status >= 300) {
      let message = res.text;
      try {
        message = String((JSON.parse(res.text) as { message?: string }).message ?? res.text);
      } catch {
        /* not JSON */
      }
      throw new AwsApiError(shortErrorType(res.headers.get('x-amzn-errortype') ?? `HTTP ${res.status}`), message, res.status);
    }
    return res.text;
  },
};

/** The URL a client calls for a deployed stage (Sluice's path-style invoke URL). */
export function invokeUrl(apiId: string, stageName: string, resourcePath = '/'): string {
  return `${location.origin}/restapis/${apiId}/${stageName}/_user_request_${resourcePath === '/' ? '/' : resourcePath}`;
}
