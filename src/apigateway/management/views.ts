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
    endpointConfiguration: endpointConfigurationView(api.endpointConfiguration),
    policy: api.policy,
    tags: nonEmpty(api.tags),
    disableExecuteApiEndpoint: api.disableExecuteApiEndpoint ?? false,
    rootResourceId: api.rootResourceId,
  };
}

/** AWS names the IP address type of every API: dualstack for PRIVATE (all it takes), ipv4 unless told otherwise. */
function endpointConfigurationView(config: RestApi['endpointConfiguration']): Wire {
  const types = config?.types ?? ['EDGE'];
  return {
    types,
    ipAddressType: config?.ipAddressType ?? (types[0] === 'PRIVATE' ? 'dualstack' : 'ipv4'),
    ...(config?.vpcEndpointIds ? { vpcEndpointIds: config.vpcEndpointIds } : {}),
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
    // AWS keeps an authorizer only for the types that use one (recorded: test_update_method_validation "skip-auth-id-with-wrong-type").
    authorizerId: m.authorizationType === 'CUSTOM' || m.authorizationType === 'COGNITO_USER_POOLS' ? m.authorizerId : undefined,
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
  const shown = (k: 'responseParameters' | 'responseModels'): object | undefined => (r.shownEmpty?.includes(k) ? r[k] : nonEmpty(r[k]));
  return {
    statusCode: r.statusCode,
    responseParameters: shown('responseParameters'),
    responseModels: shown('responseModels'),
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
  // An empty template is kept as null (recorded: test_put_integration_response_templates).
  const templates = nonEmpty(r.responseTemplates);
  return {
    statusCode: r.statusCode,
    selectionPattern: r.selectionPattern,
    responseParameters: nonEmpty(r.responseParameters),
    responseTemplates: templates && Object.fromEntries(Object.entries(templates).map(([k, v]) => [k, v === '' ? null : v])),
    contentHandling: r.contentHandling,
  };
}

/** An empty description is left out, as AWS leaves it out (recorded: test_put_method_model, test_update_model). */
export function modelView(m: Model): Wire {
  return { id: m.id, name: m.name, description: m.description || undefined, schema: m.schema, contentType: m.contentType };
}

export function validatorView(v: RequestValidator): Wire {
  return { id: v.id, name: v.name, validateRequestBody: v.validateRequestBody, validateRequestParameters: v.validateRequestParameters };
}

/** AWS's default template of every gateway response type (recorded: test_gateway_response_crud). */
export const DEFAULT_GATEWAY_TEMPLATES: Readonly<Record<string, string>> = { 'application/json': '{"message":$context.error.messageString}' };
export const DEFAULT_GATEWAY_STATUS: Partial<Record<GatewayResponseType, string>> = {
  ACCESS_DENIED: '403', API_CONFIGURATION_ERROR: '500', AUTHORIZER_CONFIGURATION_ERROR: '500', AUTHORIZER_FAILURE: '500',
  BAD_REQUEST_PARAMETERS: '400', BAD_REQUEST_BODY: '400', EXPIRED_TOKEN: '403', INTEGRATION_FAILURE: '504',
  INTEGRATION_TIMEOUT: '504', INVALID_API_KEY: '403', INVALID_SIGNATURE: '403', MISSING_AUTHENTICATION_TOKEN: '403',
  QUOTA_EXCEEDED: '429', REQUEST_TOO_LARGE: '413', RESOURCE_NOT_FOUND: '404', THROTTLED: '429', UNAUTHORIZED: '401',
  UNSUPPORTED_MEDIA_TYPE: '415', WAF_FILTERED: '403',
};

export interface EffectiveGatewayResponse {
  readonly statusCode?: string;
  readonly responseParameters: Record<string, string>;
  readonly responseTemplates: Record<string, string>;
  readonly defaultResponse: boolean;
}

/**
 * What a type answers: its customisation; else, for a 4xx/5xx type, a customised DEFAULT_4XX/DEFAULT_5XX
 * (its status, parameters and templates, still `defaultResponse: true`); else the type's defaults
 * (recorded: test_gateway_response_put "get-gateway-responses").
 */
export function effectiveGatewayResponse(type: GatewayResponseType, custom: RestApi['gatewayResponses']): EffectiveGatewayResponse {
  const own = custom[type];
  if (own) return { statusCode: own.statusCode, responseParameters: own.responseParameters, responseTemplates: own.responseTemplates, defaultResponse: false };
  const status = DEFAULT_GATEWAY_STATUS[type];
  const family = status?.startsWith('5') ? custom.DEFAULT_5XX : status?.startsWith('4') ? custom.DEFAULT_4XX : undefined;
  if (family) {
    return { statusCode: family.statusCode ?? status, responseParameters: family.responseParameters, responseTemplates: family.responseTemplates, defaultResponse: true };
  }
  return { statusCode: status, responseParameters: {}, responseTemplates: { ...DEFAULT_GATEWAY_TEMPLATES }, defaultResponse: true };
}

/** A gateway response as GetGatewayResponse answers it. */
export function gatewayResponseView(type: GatewayResponseType, custom: RestApi['gatewayResponses']): Wire {
  const r = effectiveGatewayResponse(type, custom);
  return {
    responseType: type,
    statusCode: r.statusCode,
    responseParameters: r.responseParameters,
    responseTemplates: r.responseTemplates,
    defaultResponse: r.defaultResponse,
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

/**
 * What AWS shows for a method setting nobody set (the AWS CLI's update-stage examples): the
 * account's throttling, no caching, no metrics or data trace. `loggingLevel` appears only once set.
 */
const METHOD_SETTING_DEFAULTS = Object.freeze({
  metricsEnabled: false,
  dataTraceEnabled: false,
  throttlingBurstLimit: 5000,
  throttlingRateLimit: 10000.0,
  cachingEnabled: false,
  cacheTtlInSeconds: 300,
  cacheDataEncrypted: false,
  requireAuthorizationForCacheControl: true,
  unauthorizedCacheControlHeaderStrategy: 'SUCCEED_WITH_RESPONSE_HEADER',
});

function methodSettingsView(settings: Stage['methodSettings']): Wire {
  const view: Wire = {};
  for (const [key, own] of Object.entries(settings ?? {})) view[key] = { ...METHOD_SETTING_DEFAULTS, ...own };
  return view;
}

export function stageView(s: Stage): Wire {
  return {
    deploymentId: s.deploymentId,
    stageName: s.stageName,
    description: s.description,
    accessLogSettings: s.accessLogSettings,
    clientCertificateId: s.clientCertificateId,
    cacheClusterEnabled: s.cacheClusterEnabled ?? false,
    cacheClusterSize: s.cacheClusterSize,
    cacheClusterStatus: 'NOT_AVAILABLE',
    methodSettings: methodSettingsView(s.methodSettings),
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
