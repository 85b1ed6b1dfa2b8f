/**
 * Export of a RestApi to OpenAPI 3.0 or Swagger 2.0 with the API Gateway
 * extensions (what GetExport with "extensions=integrations" returns).
 * Import → export → import reproduces the same definition.
 */
import type { Authorizer, Integration, Method, MethodResponse, RestApi } from './model.js';
import { exportAuthorizer, exportDocumentation } from './openapi-extensions.js';

export type ExportFormat = 'oas30' | 'swagger20';

export interface ExportOptions {
  /** Swagger's host/basePath and OpenAPI's servers entry, when exporting a stage. */
  readonly server?: { readonly host: string; readonly stage: string; readonly scheme?: string };
}

type Json = Record<string, unknown>;

const OPERATION_KEY: Record<string, string> = {
  GET: 'get', POST: 'post', PUT: 'put', DELETE: 'delete', PATCH: 'patch', HEAD: 'head', OPTIONS: 'options',
  ANY: 'x-amazon-apigateway-any-method',
};

export function exportOpenApi(api: RestApi, format: ExportFormat, options: ExportOptions = {}): Json {
  const oas3 = format === 'oas30';
  const modelRef = (name: string): string => (oas3 ? `#/components/schemas/${name}` : `#/definitions/${name}`);
  const validatorNames = new Map(Object.values(api.requestValidators).map((v) => [v.id, v.name]));
  let usesSigv4 = false;
  let usesApiKey = false;

  const paths: Json = {};
  const resources = Object.values(api.resources).sort((a, b) => a.path.localeCompare(b.path));
  for (const resource of resources) {
    const item: Json = {};
    for (const [verb, method] of Object.entries(resource.resourceMethods)) {
      if (!method) continue;
      if (method.authorizationType === 'AWS_IAM') usesSigv4 = true;
      if (method.apiKeyRequired) usesApiKey = true;
      item[OPERATION_KEY[verb]!] = exportMethod(method, oas3, modelRef, validatorNames, api.authorizers);
    }
    // Resources without methods are implied by their children's paths.
    if (Object.keys(item).length > 0) paths[resource.path] = item;
  }

  const schemas: Json = {};
  for (const model of Object.values(api.models).sort((a, b) => a.name.localeCompare(b.name))) {
    schemas[model.name] = rewriteModelRefs(JSON.parse(model.schema), modelRef);
  }
  const securitySchemes: Json = {};
  if (usesSigv4) {
    securitySchemes['sigv4'] = { type: 'apiKey', name: 'Authorization', in: 'header', 'x-amazon-apigateway-authtype': 'awsSigv4' };
  }
  if (usesApiKey) securitySchemes['api_key'] = { type: 'apiKey', name: 'x-api-key', in: 'header' };
  for (const a of Object.values(api.authorizers ?? {})) securitySchemes[a.name] = exportAuthorizer(a);

  const info: Json = { title: api.name, version: api.version ?? new Date(api.createdDate * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z') };
  if (api.description !== undefined) info['description'] = api.description;
  const out: Json = oas3 ? { openapi: '3.0.1', info } : { swagger: '2.0', info };
  if (options.server) {
    const scheme = options.server.scheme ?? 'https';
    if (oas3) out['servers'] = [{ url: `${scheme}://${options.server.host}/{basePath}`, variables: { basePath: { default: options.server.stage } } }];
    else Object.assign(out, { host: options.server.host, basePath: `/${options.server.stage}`, schemes: [scheme] });
  }
  out['paths'] = paths;
  if (oas3) {
    const components: Json = {};
    if (Object.keys(schemas).length) components['schemas'] = schemas;
    if (Object.keys(securitySchemes).length) components['securitySchemes'] = securitySchemes;
    if (Object.keys(components).length) out['components'] = components;
  } else {
    if (Object.keys(securitySchemes).length) out['securityDefinitions'] = securitySchemes;
    if (Object.keys(schemas).length) out['definitions'] = schemas;
  }
  if (Object.keys(api.requestValidators).length) {
    out['x-amazon-apigateway-request-validators'] = Object.fromEntries(
      Object.values(api.requestValidators)
        .sort((a, b) => a.name.localeCompare(b.name))
        .map((v) => [v.name, { validateRequestBody: v.validateRequestBody, validateRequestParameters: v.validateRequestParameters }]),
    );
  }
  if (Object.keys(api.gatewayResponses).length) {
    const gr: Json = {};
    for (const [type, r] of Object.entries(api.gatewayResponses).sort(([a], [b]) => a.localeCompare(b))) {
      if (!r) continue;
      const e: Json = {};
      if (r.statusCode !== undefined) e['statusCode'] = r.statusCode;
      if (Object.keys(r.responseParameters).length) e['responseParameters'] = r.responseParameters;
      if (Object.keys(r.responseTemplates).length) e['responseTemplates'] = r.responseTemplates;
      gr[type] = e;
    }
    out['x-amazon-apigateway-gateway-responses'] = gr;
  }
  if (api.binaryMediaTypes.length) out['x-amazon-apigateway-binary-media-types'] = [...api.binaryMediaTypes];
  if (api.apiKeySource !== 'HEADER') out['x-amazon-apigateway-api-key-source'] = api.apiKeySource;
  if (api.minimumCompressionSize !== undefined) out['x-amazon-apigateway-minimum-compression-size'] = api.minimumCompressionSize;
  const documentation = exportDocumentation(api);
  if (documentation) out['x-amazon-apigateway-documentation'] = documentation;
  if (api.executionRoles.length) {
    out['x-sluice-execution-roles'] = api.executionRoles.map((r) => ({
      arn: r.arn,
      managedPolicyArns: [...r.managedPolicyArns],
      trustedService: r.trustedService,
    }));
  }
  return out;
}

function exportMethod(
  method: Method,
  oas3: boolean,
  modelRef: (n: string) => string,
  validatorNames: Map<string, string>,
  authorizers: Record<string, Authorizer> | undefined,
): Json {
  const op: Json = {};
  const models = Object.entries(method.requestModels);
  if (!oas3) {
    const consumes = models.length ? models.map(([ct]) => ct) : undefined;
    if (consumes) op['consumes'] = consumes;
    const produces = new Set<string>();
    for (const r of Object.values(method.methodResponses)) for (const ct of Object.keys(r.responseModels)) produces.add(ct);
    if (produces.size) op['produces'] = [...produces];
  }
  if (method.operationName) op['operationId'] = method.operationName;
  const parameters: Json[] = [];
  for (const [key, required] of Object.entries(method.requestParameters).sort(([a], [b]) => a.localeCompare(b))) {
    const m = /^method\.request\.(path|querystring|header)\.(.+)$/.exec(key);
    if (!m) continue;
    const loc = m[1] === 'querystring' ? 'query' : m[1]!;
    const p: Json = { name: m[2], in: loc };
    if (required || loc === 'path') p['required'] = true;
    if (oas3) p['schema'] = { type: 'string' };
    else p['type'] = 'string';
    parameters.push(p);
  }
  if (!oas3 && models.length) {
    // Swagger has one body parameter: every content type shares the first model.
    const [, name] = models[0]!;
    parameters.push({ in: 'body', name, required: true, schema: { $ref: modelRef(name) } });
  }
  if (parameters.length) op['parameters'] = parameters;
  if (oas3 && models.length) {
    op['requestBody'] = {
      content: Object.fromEntries(models.map(([ct, name]) => [ct, { schema: { $ref: modelRef(name) } }])),
      required: true,
    };
  }
  const responses: Json = {};
  for (const r of Object.values(method.methodResponses).sort((a, b) => a.statusCode.localeCompare(b.statusCode))) {
    responses[r.statusCode] = exportMethodResponse(r, oas3, modelRef);
  }
  op['responses'] = responses;
  const security: Json[] = [];
  if (method.authorizationType === 'AWS_IAM') security.push({ sigv4: [] });
  const authorizer = method.authorizerId !== undefined ? authorizers?.[method.authorizerId] : undefined;
  if (authorizer && (method.authorizationType === 'CUSTOM' || method.authorizationType === 'COGNITO_USER_POOLS')) security.push({ [authorizer.name]: [] });
  if (method.apiKeyRequired) security.push({ api_key: [] });
  if (security.length) op['security'] = security;
  if (method.requestValidatorId && validatorNames.has(method.requestValidatorId)) {
    op['x-amazon-apigateway-request-validator'] = validatorNames.get(method.requestValidatorId);
  }
  if (method.methodIntegration) op['x-amazon-apigateway-integration'] = exportIntegration(method.methodIntegration);
  return op;
}

function exportMethodResponse(r: MethodResponse, oas3: boolean, modelRef: (n: string) => string): Json {
  const out: Json = { description: `${r.statusCode} response` };
  const headers: Json = {};
  for (const key of Object.keys(r.responseParameters)) {
    const name = key.replace(/^method\.response\.header\./, '');
    headers[name] = oas3 ? { schema: { type: 'string' } } : { type: 'string' };
  }
  if (Object.keys(headers).length) out['headers'] = headers;
  const models = Object.entries(r.responseModels);
  if (oas3) {
    out['content'] = Object.fromEntries(models.map(([ct, name]) => [ct, { schema: { $ref: modelRef(name) } }]));
  } else if (models.length) {
    out['schema'] = { $ref: modelRef(models[0]![1]) };
  }
  return out;
}

function exportIntegration(i: Integration): Json {
  const out: Json = { type: i.type.toLowerCase() };
  if (i.type !== 'MOCK') {
    out['uri'] = i.uri;
    out['httpMethod'] = i.httpMethod;
  }
  if ((i.type === 'AWS' || i.type === 'AWS_PROXY') && i.credentials) out['credentials'] = i.credentials;
  if ((i.type === 'HTTP' || i.type === 'HTTP_PROXY') && i.connectionType) {
    out['connectionType'] = i.connectionType;
    if (i.connectionId) out['connectionId'] = i.connectionId;
  }
  const responses: Json = {};
  for (const r of Object.values(i.integrationResponses)) {
    const e: Json = { statusCode: r.statusCode };
    if (Object.keys(r.responseParameters).length) e['responseParameters'] = r.responseParameters;
    if (Object.keys(r.responseTemplates).length) e['responseTemplates'] = r.responseTemplates;
    if (r.contentHandling) e['contentHandling'] = r.contentHandling;
    responses[r.selectionPattern || 'default'] = e;
  }
  if (Object.keys(responses).length) out['responses'] = responses;
  if (Object.keys(i.requestParameters).length) out['requestParameters'] = i.requestParameters;
  if (Object.keys(i.requestTemplates).length) out['requestTemplates'] = i.requestTemplates;
  out['passthroughBehavior'] = i.passthroughBehavior.toLowerCase();
  if (i.contentHandling) out['contentHandling'] = i.contentHandling;
  if (i.timeoutInMillis !== 29_000) out['timeoutInMillis'] = i.timeoutInMillis;
  if (i.cacheNamespace) out['cacheNamespace'] = i.cacheNamespace;
  if (i.cacheKeyParameters.length) out['cacheKeyParameters'] = [...i.cacheKeyParameters];
  return out;
}

function rewriteModelRefs(value: unknown, modelRef: (n: string) => string): unknown {
  if (Array.isArray(value)) return value.map((v) => rewriteModelRefs(v, modelRef));
  if (typeof value !== 'object' || value === null) return value;
  const out: Json = {};
  for (const [k, v] of Object.entries(value)) {
    if (k === '$ref' && typeof v === 'string') {
      const m = /\/models\/([^/]+)$/.exec(v);
      out[k] = m ? modelRef(m[1]!) : v;
    } else out[k] = rewriteModelRefs(v, modelRef);
  }
  return out;
}
