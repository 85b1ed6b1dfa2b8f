/**
 * The model as the management API returns it: the wire shapes of botocore's
 * RestApi, Resource, Method, Integration... Dates become Date (the protocol
 * writes epoch seconds), empty maps are left out as AWS leaves them out, and
 * internal bookkeeping (deployedFrom, execution roles) stays inside.
 */
import { GATEWAY_RESPONSE_TYPES, type Deployment, type GatewayResponse, type GatewayResponseType, type Integration, type IntegrationResponse, type Method, type MethodResponse, type Model, type RequestValidator, type Resource, type RestApi, type Stage } from '../model.js';

type Wire = Record<string, unknown>;

const date = (seconds: number): Date => new Date(seconds * 1000);

/** The map, or undefined when it has no entries (AWS omits empty maps). */
function nonEmpty<T extends object>(map: T | undefined): T | undefined {
  return map && Object.keys(map).length > 0 ? map : undefined;
}

export function restApiView(api: RestApi): Wire {
  return {
    id: api.id,
    name: api.name,
    description: api.description,
    createdDate: date(api.createdDate),
    version: api.version,
    binaryMediaTypes: api.binaryMediaTypes.length ? api.binaryMediaTypes : undefined,
    minimumCompressionSize: api.minimumCompressionSize,
    apiKeySource: api.apiKeySource,
    endpointConfiguration: api.endpointConfiguration ?? { types: ['EDGE'] },
    policy: api.policy,
    tags: nonEmpty(api.tags),
    disableExecuteApiEndpoint: api.disableExecuteApiEndpoint ?? false,
    rootResourceId: api.rootResourceId,
  };
}

/** Without `embedMethods`, AWS lists each method as an empty object (a link in its HAL form). */
export function resourceView(resource: Resource, embedMethods: boolean): Wire {
  const methods: Record<string, Wire> = {};
  for (const [verb, m] of Object.entries(resource.resourceMethods)) if (m) methods[verb] = embedMethods ? methodView(m) : {};
  return {
    id: resource.id,
    parentId: resource.parentId,
    pathPart: resource.parentId === undefined ? undefined : resource.pathPart,
    path: resource.path,
    resourceMethods: nonEmpty(methods),
  };
}

export function methodView(m: Method): Wire {
  const responses: Record<string, Wire> = {};
  for (const [code, r] of Object.entries(m.methodResponses)) responses[code] = methodResponseView(r);
  return {
    httpMethod: m.httpMethod,
    authorizationType: m.authorizationType,
    authorizerId: m.authorizerId,
    apiKeyRequired: m.apiKeyRequired,
    requestValidatorId: m.requestValidatorId,
    operationName: m.operationName,
    requestParameters: nonEmpty(m.requestParameters),
    requestModels: nonEmpty(m.requestModels),
    methodResponses: nonEmpty(responses),
    methodIntegration: m.methodIntegration ? integrationView(m.methodIntegration) : undefined,
  };
}

export function methodResponseView(r: MethodResponse): Wire {
  return {
    statusCode: r.statusCode,
    responseParameters: nonEmpty(r.responseParameters),
    responseModels: nonEmpty(r.responseModels),
  };
}

export function integrationView(i: Integration): Wire {
  const responses: Record<string, Wire> = {};
  for (const [code, r] of Object.entries(i.integrationResponses)) responses[code] = integrationResponseView(r);
  return {
    type: i.type,
    httpMethod: i.type === 'MOCK' ? undefined : i.httpMethod,
    uri: i.type === 'MOCK' ? undefined : i.uri,
    ...connectionOf(i),
    credentials: i.type === 'AWS' || i.type === 'AWS_PROXY' ? i.credentials : undefined,
    requestParameters: nonEmpty(i.requestParameters),
    requestTemplates: nonEmpty(i.requestTemplates),
    passthroughBehavior: i.passthroughBehavior,
    contentHandling: i.contentHandling,
    timeoutInMillis: i.timeoutInMillis,
    cacheNamespace: i.cacheNamespace,
    cacheKeyParameters: i.cacheKeyParameters,
    integrationResponses: nonEmpty(responses),
  };
}

/** Integrations that reach out over the network report how: INTERNET unless a VPC link is named. */
function connectionOf(i: Integration): Wire {
  if (i.type === 'MOCK') return {};
  if (i.type === 'HTTP' || i.type === 'HTTP_PROXY') return { connectionType: i.connectionType ?? 'INTERNET', connectionId: i.connectionId };
  return { connectionType: 'INTERNET' };
}

export function integrationResponseView(r: IntegrationResponse): Wire {
  return {
    statusCode: r.statusCode,
    selectionPattern: r.selectionPattern,
    responseParameters: nonEmpty(r.responseParameters),
    responseTemplates: nonEmpty(r.responseTemplates),
    contentHandling: r.contentHandling,
  };
}

export function modelView(m: Model): Wire {
  return { id: m.id, name: m.name, description: m.description, schema: m.schema, contentType: m.contentType };
}

export function validatorView(v: RequestValidator): Wire {
  return { id: v.id, name: v.name, validateRequestBody: v.validateRequestBody, validateRequestParameters: v.validateRequestParameters };
}

const DEFAULT_GATEWAY_TEMPLATE = { 'application/json': '{"message":$context.error.messageString}' };
const DEFAULT_GATEWAY_STATUS: Partial<Record<GatewayResponseType, string>> = {
  ACCESS_DENIED: '403', API_CONFIGURATION_ERROR: '500', AUTHORIZER_CONFIGURATION_ERROR: '500', AUTHORIZER_FAILURE: '500',
  BAD_REQUEST_PARAMETERS: '400', BAD_REQUEST_BODY: '400', EXPIRED_TOKEN: '403', INTEGRATION_FAILURE: '504',
  INTEGRATION_TIMEOUT: '504', INVALID_API_KEY: '403', INVALID_SIGNATURE: '403', MISSING_AUTHENTICATION_TOKEN: '403',
  QUOTA_EXCEEDED: '429', REQUEST_TOO_LARGE: '413', RESOURCE_NOT_FOUND: '404', THROTTLED: '429', UNAUTHORIZED: '401',
  UNSUPPORTED_MEDIA_TYPE: '415', WAF_FILTERED: '403',
};

/** A customised gateway response, or the type's default (`defaultResponse: true`) when the API doesn't customise it. */
export function gatewayResponseView(type: GatewayResponseType, custom: GatewayResponse | undefined): Wire {
  if (custom) {
    return {
      responseType: type,
      statusCode: custom.statusCode,
      responseParameters: custom.responseParameters,
      responseTemplates: custom.responseTemplates,
      defaultResponse: false,
    };
  }
  return {
    responseType: type,
    statusCode: DEFAULT_GATEWAY_STATUS[type],
    responseParameters: {},
    responseTemplates: DEFAULT_GATEWAY_TEMPLATE,
    defaultResponse: true,
  };
}


/** What a deployment's apiSummary lists: each path's methods with their authorization. */
export function deploymentView(d: Deployment, withSummary: boolean): Wire {
  let apiSummary: Record<string, Record<string, Wire>> | undefined;
  if (withSummary) {
    apiSummary = {};
    for (const r of Object.values(d.api.resources)) {
      const methods: Record<string, Wire> = {};
      for (const [verb, m] of Object.entries(r.resourceMethods)) {
        if (m) methods[verb] = { authorizationType: m.authorizationType, apiKeyRequired: m.apiKeyRequired };
      }
      if (Object.keys(methods).length) apiSummary[r.path] = methods;
    }
  }
  return { id: d.id, description: d.description, createdDate: date(d.createdDate), apiSummary };
}

export function stageView(s: Stage): Wire {
  return {
    deploymentId: s.deploymentId,
    stageName: s.stageName,
    description: s.description,
    cacheClusterEnabled: s.cacheClusterEnabled ?? false,
    cacheClusterStatus: 'NOT_AVAILABLE',
    methodSettings: s.methodSettings ?? {},
    variables: nonEmpty(s.variables),
    documentationVersion: s.documentationVersion,
    tracingEnabled: s.tracingEnabled ?? false,
    tags: nonEmpty(s.tags),
    createdDate: date(s.createdDate),
    lastUpdatedDate: date(s.lastUpdatedDate),
  };
}

/** AWS's list pages: `position` is an opaque token (here: the offset), `limit` defaults to 25 and caps at 500. */
export function page<T>(items: readonly T[], position: string | undefined, limit: number | undefined): { items: T[]; position?: string } {
  const start = position !== undefined && /^\d+$/.test(position) ? Number(position) : 0;
  const size = Math.min(Math.max(limit ?? 25, 1), 500);
  const slice = items.slice(start, start + size);
  const next = start + size < items.length ? String(start + size) : undefined;
  return next !== undefined ? { items: slice, position: next } : { items: slice };
}
