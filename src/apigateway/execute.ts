/**
 * The request pipeline of a deployed REST API: route → method request
 * (validation) → integration request (mappings, template) → integration →
 * integration response (selection, mappings, template) → method response.
 * Callable directly with an explicit request (TestInvokeMethod, tests) and
 * used by the HTTP service.
 */
import type { VtlParams, Overrides } from '../vtl/index.js';
import type { CompiledIntegration, CompiledIntegrationResponse, CompiledMethod, CompiledStage } from './compiled-stage.js';
import { ExecutionLog, ExecutionLogStore, javaMap, truncate } from './execution-log.js';
import { authorizerRefusal } from './authorizer-runtime.js';
import type { GatewayError } from './gateway-responses.js';
import { newExtendedRequestId, newRequestId } from './ids.js';
import type { SluiceRequest } from '../server/types.js';
import type { LogFn } from '../server/logger.js';
import type { Stage } from './model.js';
import { buildAwsRequest, callAws, type AwsTransport } from './integrations/aws.js';
import { callHttp } from './integrations/http.js';
import { mockResponse } from './integrations/mock.js';
import {
  IntegrationConfigError,
  IntegrationNetworkError,
  IntegrationTimeoutError,
  type EndpointRequest,
  type EndpointResponse,
} from './integrations/types.js';
import { applyMappings, BodyNotJsonError, evaluateSource, type MappingInput } from './mapping.js';
import { selectIntegrationResponse } from './response-selection.js';
import { Router, type RouteMatch } from './router.js';
import { firstAccept, isBinaryMediaType, mediaType, selectRequestTemplate, selectResponseTemplate } from './template-selection.js';
import type { UsageGate } from './usage/gate.js';
import { checkBody, missingRequiredParameters } from './validate.js';
import { renderInBudget, VtlOverloadError } from '../vtl/index.js';

/** One invocation of a stage, independent of how it arrived. */
export interface InvokeRequest {
  readonly apiId: string;
  readonly stage: string;
  readonly httpMethod: string;
  /** Path after the stage, percent-encoded as received ("/streams/my%20stream"). */
  readonly path: string;
  /** Raw query string without "?". */
  readonly rawQuery: string;
  /** Lower-cased names; repeated headers joined with ", ". */
  readonly headers: Record<string, string>;
  readonly body: Buffer;
  readonly requestId?: string;
  readonly sourceIp?: string;
  /** Host the client used (for $context.domainName). */
  readonly domainName?: string;
  /** Replaces the stage's variables (TestInvokeMethod's stageVariables). */
  readonly stageVariables?: Record<string, string>;
  /** Runs this compiled API instead of the deployed stage (TestInvokeMethod runs the undeployed state). */
  readonly compiled?: CompiledStage;
  /** Calls this resource's method instead of routing by path; the path only supplies parameter values. */
  readonly resourceId?: string;
  /** The request as it came off the network, for AWS_IAM signature checks (absent for TestInvokeMethod, which skips authorization as AWS's does). */
  readonly raw?: SluiceRequest;
}

export interface InvokeResult {
  readonly requestId: string;
  readonly status: number;
  /** Lower-cased names. */
  readonly headers: Record<string, string>;
  readonly body: Buffer;
  /** The TestInvokeMethod-style execution log. */
  readonly log: string;
  /** Its error-level lines (why the request failed), what a method logging at ERROR writes. */
  readonly errorLines: readonly string[];
  /** Milliseconds, arrival to response. */
  readonly latency: number;
  /** The API's name, when the stage exists. */
  readonly apiName?: string;
  /** Milliseconds the integration took, when one was called. */
  readonly integrationLatency?: number;
  /** $context as the request ended (access logs render from it). */
  readonly context: Record<string, unknown>;
  /** The stage as it served the request (its method and access log settings), when it exists. */
  readonly servedStage?: Stage;
  /** The matched method's own verb (`ANY` for an ANY method), whose method settings apply; absent when no method matched. */
  readonly methodHttpMethod?: string;
}

/**
 * What the runtime needs from IAM. Structural, so the gateway does not depend
 * on IAM's types: identities are opaque values handed back to IAM.
 */
/** What `$context.identity` shows of a caller that signed an AWS_IAM method's request. */
export interface CallerFacts {
  readonly accountId: string;
  readonly caller: string;
  readonly user: string;
  readonly userArn: string;
  readonly accessKey: string;
}

export interface GatewaySecurity {
  /** AWS_IAM methods (only when callers must sign): the caller's identity, or why it is refused. */
  readonly authorizeInvoke?: (req: SluiceRequest, methodArn: string) =>
    | { readonly ok: true; readonly identity: unknown; readonly facts?: CallerFacts }
    | { readonly ok: false; readonly status: number; readonly message: string; readonly gatewayResponseType: GatewayError['type'] };
  /** The identity an AWS integration with `credentials` acts as (the caller's for arn:aws:iam::*:user/*). */
  assumeExecutionRole(roleArn: string, caller?: unknown):
    | { readonly ok: true; readonly identity: unknown }
    | { readonly ok: false; readonly logMessage: string; readonly hint: string };
  /** Marks an in-process request as made by `identity`, so the target service authorizes it as such. */
  bindIdentity(req: SluiceRequest, identity: unknown): void;
}

export interface ExecutorDeps {
  readonly region: string;
  readonly accountId: string;
  readonly awsTransport: AwsTransport;
  /** Execution roles and AWS_IAM methods; absent = neither is checked. */
  readonly security?: GatewaySecurity;
  /** Sluice's own log, for advice a person should see (e.g. how to create a missing role). */
  readonly log?: LogFn;
  /** Looks up the compiled stage serving `apiId`/`stage`. */
  readonly stageFor: (apiId: string, stage: string) => CompiledStage | undefined;
  readonly logs: ExecutionLogStore;
  /** API keys, usage plans and throttling (usage/gate.ts); absent = none are checked. */
  readonly usage?: UsageGate;
}

/**
 * The path an execute-api:Invoke ARN names: the segments the router matched,
 * decoded, one slash apart. Authorizing the raw path instead would let
 * `/streams/%73ecret` or `//streams//secret` slip past a Deny on
 * `GET/streams/secret` while the integration acts on `secret`.
 */
export function canonicalPath(path: string): string {
  const segments = path.split('/').filter((s) => s !== '').map((s) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  });
  return `/${segments.join('/')}`;
}

/** API Gateway's payload limit (10 MB). */
const MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;

/** Headers a proxy integration's response can't set directly: API Gateway renames them. */
const REMAPPED_RESPONSE_HEADERS = new Set(['authorization', 'connection', 'content-md5', 'date', 'server', 'www-authenticate', 'x-amzn-requestid']);
const DROPPED_RESPONSE_HEADERS = new Set(['content-length', 'transfer-encoding', 'keep-alive']);
const NOT_PROXIED_REQUEST_HEADERS = new Set(['host', 'content-length', 'connection', 'transfer-encoding', 'keep-alive', 'expect', 'te', 'upgrade']);

/** Everything a request accumulates on its way through. */
interface Exchange {
  readonly req: InvokeRequest;
  readonly requestId: string;
  readonly extendedRequestId: string;
  readonly started: number;
  readonly log: ExecutionLog;
  readonly stageVariables: Record<string, string>;
  readonly context: Record<string, unknown>;
  mapping: MappingInput;
  compiled?: CompiledStage;
  method?: CompiledMethod;
  resourcePath: string;
  /** Who signed the request, for AWS_IAM methods (IAM's opaque identity). */
  caller?: unknown;
}

class GatewayFailure extends Error {
  constructor(readonly error: GatewayError, readonly logLine?: string) {
    super(error.message);
  }
}

export class Executor {
  constructor(private readonly deps: ExecutorDeps) {}

  async invoke(req: InvokeRequest): Promise<InvokeResult> {
    const started = performance.now();
    const requestId = req.requestId ?? newRequestId();
    const log = new ExecutionLog(requestId);
    const compiled = req.compiled ?? this.deps.stageFor(req.apiId, req.stage);
    const stageVariables = req.stageVariables ?? compiled?.stage.variables ?? {};
    const now = Date.now();
    const context: Record<string, unknown> = {
      accountId: this.deps.accountId,
      apiId: req.apiId,
      domainName: req.domainName ?? `${req.apiId}.execute-api.${this.deps.region}.amazonaws.com`,
      domainPrefix: (req.domainName ?? req.apiId).split('.')[0],
      extendedRequestId: '',
      httpMethod: req.httpMethod,
      identity: { sourceIp: req.sourceIp ?? '127.0.0.1', userAgent: req.headers['user-agent'] ?? '' },
      path: `/${req.stage}${req.path}`,
      protocol: 'HTTP/1.1',
      requestId,
      requestTime: clfTime(now),
      requestTimeEpoch: now,
      stage: req.stage,
      deploymentId: compiled?.deployment.id ?? '',
    };
    const ex: Exchange = {
      req,
      requestId,
      extendedRequestId: newExtendedRequestId(),
      started,
      log,
      stageVariables,
      context,
      mapping: { path: {}, querystring: parseQuery(req.rawQuery), header: splitHeaders(req.headers), body: '', stageVariables, context },
      resourcePath: req.path,
    };
    context['extendedRequestId'] = ex.extendedRequestId;
    if (compiled) ex.compiled = compiled;

    let status: number;
    let headers: Record<string, string>;
    let body: Buffer;
    try {
      ({ status, headers, body } = await this.run(ex));
    } catch (err) {
      ({ status, headers, body } = this.fail(ex, err));
    }
    headers['x-amzn-requestid'] = requestId;
    headers['x-amz-apigw-id'] = ex.extendedRequestId;
    log.add(`Method completed with status: ${status}`);
    const latency = performance.now() - started;
    // The access-log-only variables, known once the response is.
    context['status'] = status;
    context['responseLength'] = body.length;
    context['responseLatency'] = Math.round(latency);
    const text = log.toString();
    this.deps.logs.record({
      requestId,
      apiId: req.apiId,
      stage: req.stage,
      httpMethod: req.httpMethod,
      resourcePath: ex.resourcePath,
      status,
      latencyMs: latency,
      time: now,
      log: text,
    });
    const integrationLatency = typeof context['integrationLatency'] === 'number' ? (context['integrationLatency'] as number) : undefined;
    return {
      requestId, status, headers, body, log: text, errorLines: log.errorLines(), latency, context,
      ...(compiled ? { apiName: compiled.api.name, servedStage: compiled.stage } : {}),
      ...(ex.method ? { methodHttpMethod: ex.method.method.httpMethod } : {}),
      ...(integrationLatency !== undefined ? { integrationLatency } : {}),
    };
  }

  /** Turns a failure into its gateway response. */
  private fail(ex: Exchange, err: unknown): { status: number; headers: Record<string, string>; body: Buffer } {
    let error: GatewayError;
    if (err instanceof GatewayFailure) {
      if (err.logLine) ex.log.addError(err.logLine);
      error = err.error;
    } else {
      ex.log.addError(`Execution failed due to configuration error: ${(err as Error)?.message ?? String(err)}`);
      error = { type: 'API_CONFIGURATION_ERROR', message: 'Internal server error' };
    }
    // What $context.error.* read in access logs (gateway responses build their own from `error`).
    ex.context['error'] = { message: error.message, messageString: JSON.stringify(error.message), responseType: error.type };
    const gateway = ex.compiled?.gatewayResponses;
    if (!gateway) {
      // No stage: there is nothing to customise, answer as AWS does for an unknown stage.
      return {
        status: 403,
        headers: { 'content-type': 'application/json', 'x-amzn-errortype': 'ForbiddenException' },
        body: Buffer.from('{"message":"Forbidden"}'),
      };
    }
    try {
      const r = gateway.render(error, ex.mapping, ex.req.headers['accept']);
      return { status: r.status, headers: r.headers, body: Buffer.from(r.body) };
    } catch (renderErr) {
      // A customised gateway response that can't be built must not take the request down with it.
      ex.log.addError(`Execution failed due to configuration error: gateway response ${error.type}: ${(renderErr as Error).message}`);
      return {
        status: 500,
        headers: { 'content-type': 'application/json', 'x-amzn-errortype': 'InternalServerErrorException' },
        body: Buffer.from('{"message": "Internal server error"}'),
      };
    }
  }

  private async run(ex: Exchange): Promise<{ status: number; headers: Record<string, string>; body: Buffer }> {
    const { req, log } = ex;
    log.add(`Starting execution for request: ${ex.requestId}`);
    log.add(`HTTP Method: ${req.httpMethod}, Resource Path: ${req.path}`);
    const compiled = ex.compiled;
    if (!compiled) throw new GatewayFailure({ type: 'MISSING_AUTHENTICATION_TOKEN', message: 'Forbidden' }, `Stage ${req.stage} of API ${req.apiId} is not deployed`);

    // ---- route ----------------------------------------------------------------
    const match = req.resourceId !== undefined ? matchResource(compiled, req.resourceId, req.path) : compiled.router.match(req.path);
    const byVerb = match ? compiled.methods.get(match.resource.id) : undefined;
    const method = byVerb?.get(req.httpMethod.toUpperCase()) ?? byVerb?.get('ANY');
    if (!match || !method) {
      throw new GatewayFailure({ type: 'MISSING_AUTHENTICATION_TOKEN', message: 'Missing Authentication Token' }, 'No resource or method matches the request');
    }
    if (req.body.length > MAX_PAYLOAD_BYTES) {
      throw new GatewayFailure({ type: 'REQUEST_TOO_LARGE', message: 'Request Too Long' }, `Request body of ${req.body.length} bytes exceeds the ${MAX_PAYLOAD_BYTES}-byte payload limit`);
    }
    ex.method = method;
    ex.resourcePath = match.resource.path;
    const authorizeInvoke = this.deps.security?.authorizeInvoke;
    if (method.method.authorizationType === 'AWS_IAM' && authorizeInvoke && req.raw) {
      const arn = `arn:aws:execute-api:${this.deps.region}:${this.deps.accountId}:${req.apiId}/${req.stage}/${req.httpMethod.toUpperCase()}${canonicalPath(req.path)}`;
      const auth = authorizeInvoke(req.raw, arn);
      if (!auth.ok) {
        throw new GatewayFailure({ type: auth.gatewayResponseType, message: auth.message, defaultStatus: auth.status }, `Authorization failed: ${auth.message}`);
      }
      ex.caller = auth.identity;
      // $context.identity.accountId, caller, user, userArn and accessKey, as AWS fills them for IAM authorization.
      if (auth.facts) Object.assign(ex.context['identity'] as Record<string, unknown>, auth.facts);
    }
    const refused = authorizerRefusal(method.method, compiled.api, ex.mapping); // Lambda and Cognito authorizers: authorizer-runtime.ts
    if (refused) throw new GatewayFailure(refused.error, refused.logLine);
    // API keys, usage plans and throttling; TestInvokeMethod (a compiled state of its own) skips them as AWS's does.
    if (this.deps.usage && !req.compiled) {
      const m = method.method;
      const decision = await this.deps.usage.admit({
        apiId: req.apiId, stage: compiled.stage, resourceId: match.resource.id, resourcePath: match.resource.path, httpMethod: m.httpMethod,
        apiKeyRequired: m.apiKeyRequired, apiKeySource: compiled.api.apiKeySource, headers: req.headers,
      });
      for (const line of decision.log) log.add(line);
      if (!decision.ok) throw new GatewayFailure(decision.error);
      if (decision.apiKey) Object.assign(ex.context['identity'] as object, { apiKey: decision.apiKey.value, apiKeyId: decision.apiKey.id });
    }
    ex.context['resourceId'] = match.resource.id;
    ex.context['resourcePath'] = match.resource.path;

    const contentType = mediaType(req.headers['content-type']);
    const requestIsBinary = isBinaryMediaType(contentType, compiled.api.binaryMediaTypes);
    const bodyText = requestIsBinary ? req.body.toString('base64') : req.body.toString('utf8');
    ex.mapping = { ...ex.mapping, path: match.pathParams, body: bodyText };

    log.add(`Method request path: ${javaMap(match.pathParams)}`);
    log.add(`Method request query string: ${javaMap(ex.mapping.querystring)}`);
    log.add(`Method request headers: ${javaMap(canonicalKeys(req.headers))}`);
    log.add(`Method request body before transformations: ${truncate(bodyText)}`);

    // ---- method request validation ---------------------------------------------
    if (method.validateParameters) {
      const missing = missingRequiredParameters(method.method.requestParameters, ex.mapping);
      if (missing.length) {
        const message = `Missing required request parameters: [${missing.join(', ')}]`;
        throw new GatewayFailure({ type: 'BAD_REQUEST_PARAMETERS', message }, `Request validation failed: ${message}`);
      }
    }
    if (method.validateBody) {
      const check = checkBody(compiled.models, method.method.requestModels, contentType, bodyText);
      if (!check.ok) {
        throw new GatewayFailure(
          { type: 'BAD_REQUEST_BODY', message: 'Invalid request body', validationErrorString: check.errors },
          `Request body does not match model schema for content type ${contentType}: ${check.errors}`,
        );
      }
    }
    if (method.validateBody || method.validateParameters) log.add(`Request validation succeeded for content type ${contentType}`);

    const integration = method.integration;
    if (!integration) throw new Error('No integration defined for method');
    const def = integration.def;
    if (def.type === 'AWS_PROXY') throw new Error('AWS_PROXY (Lambda proxy) integrations are not supported by Sluice');
    if ((def.type === 'HTTP' || def.type === 'HTTP_PROXY') && def.connectionType === 'VPC_LINK') {
      throw new Error('VPC_LINK connections are not supported by Sluice');
    }

    // ---- integration request ---------------------------------------------------------
    let mapped;
    try {
      mapped = applyMappings(integration.requestMappings, ex.mapping);
    } catch (err) {
      if (err instanceof BodyNotJsonError) throw new GatewayFailure({ type: 'BAD_REQUEST_BODY', message: 'Invalid JSON in request body' }, `Invalid JSON in request body: ${truncate(bodyText)}`);
      throw err;
    }

    if (def.type === 'HTTP_PROXY') return this.httpProxy(ex, integration, mapped);

    const choice = selectRequestTemplate(integration.requestTemplates, contentType, def.passthroughBehavior);
    if (choice.kind === 'unsupported') {
      throw new GatewayFailure({ type: 'UNSUPPORTED_MEDIA_TYPE', message: 'Unsupported Media Type' }, `Request Content-Type: ${contentType} is not supported by the integration (passthrough behavior ${def.passthroughBehavior})`);
    }
    let integrationBody: Buffer;
    let integrationContentType = contentType;
    if (choice.kind === 'template') {
      const rendered = await this.render(choice.template, bodyText, ex, 'request');
      applyRequestOverrides(mapped, rendered.overrides);
      // What the request template set in $context.requestOverride stays readable by the response
      // template, as on AWS (where templates are commonly tested this way through MOCK integrations).
      ex.context['requestOverride'] = rendered.overrides.requestOverride;
      integrationBody = convertRequestBody(Buffer.from(rendered.output), false, def.contentHandling);
    } else {
      integrationBody = convertRequestBody(req.body, requestIsBinary, def.contentHandling);
    }
    if (choice.kind === 'template') integrationContentType = choice.contentType;

    // ---- integration ----------------------------------------------------------------
    let endpoint: EndpointResponse;
    if (def.type === 'MOCK') {
      endpoint = mockResponse(integrationBody.toString('utf8'));
    } else {
      let endpointReq: EndpointRequest;
      let call: () => Promise<EndpointResponse>;
      if (def.type === 'AWS') {
        const target = integration.awsTarget;
        if (!target) throw new Error('Invalid AWS integration URI');
        const built = buildAwsRequest({
          target,
          httpMethod: def.httpMethod,
          path: mapped.path,
          querystring: mapped.querystring,
          headers: mapped.header,
          body: integrationBody,
          contentType: integrationContentType,
          apiId: req.apiId,
          sourceIp: req.sourceIp ?? '127.0.0.1',
        });
        endpointReq = built.endpoint;
        this.actAs(ex, def.credentials, built.request);
        call = () => callAws(this.deps.awsTransport, built.request, target, def.timeoutInMillis);
      } else {
        endpointReq = buildHttpRequest(ex, def.uri, def.httpMethod === 'ANY' ? req.httpMethod : def.httpMethod, mapped, integrationBody, integrationContentType);
        call = () => callHttp(endpointReq, def.timeoutInMillis);
      }
      endpoint = await this.callEndpoint(ex, endpointReq, call);
    }

    // ---- integration response ----------------------------------------------------------
    return await this.integrationResponse(ex, integration, endpoint, def.type !== 'MOCK');
  }

  /** Binds the integration's execution role (or the caller) to the in-process AWS request. */
  private actAs(ex: Exchange, credentials: string | undefined, request: SluiceRequest): void {
    const security = this.deps.security;
    if (!security || credentials === undefined) return;
    const role = security.assumeExecutionRole(credentials, ex.caller);
    if (!role.ok) {
      this.deps.log?.(`apigateway: ${ex.req.httpMethod} ${ex.resourcePath} of API ${ex.req.apiId}: ${role.hint}`, 'warn');
      throw new GatewayFailure({ type: 'API_CONFIGURATION_ERROR', message: 'Internal server error' }, role.logMessage);
    }
    security.bindIdentity(request, role.identity);
  }

  private async callEndpoint(ex: Exchange, endpointReq: EndpointRequest, call: () => Promise<EndpointResponse>): Promise<EndpointResponse> {
    const { log } = ex;
    log.add(`Endpoint request URI: ${endpointReq.uri}`);
    log.add(`Endpoint request headers: ${javaMap(endpointReq.headers)}`);
    log.add(`Endpoint request body after transformations: ${truncate(endpointReq.body.toString('utf8'))}`);
    log.add(`Sending request to ${endpointReq.uri}`);
    const t0 = performance.now();
    let endpoint: EndpointResponse;
    try {
      endpoint = await call();
    } catch (err) {
      if (err instanceof IntegrationTimeoutError || err instanceof IntegrationNetworkError) ex.context['integrationErrorMessage'] = err.message;
      if (err instanceof IntegrationTimeoutError) {
        throw new GatewayFailure({ type: 'INTEGRATION_TIMEOUT', message: 'Endpoint request timed out' }, 'Execution failed due to a timeout error');
      }
      if (err instanceof IntegrationNetworkError) {
        throw new BackendFailure(err.message);
      }
      if (err instanceof IntegrationConfigError) throw new Error(err.message);
      throw err;
    }
    const latency = Math.round(performance.now() - t0);
    ex.context['integrationLatency'] = latency;
    ex.context['integrationStatus'] = endpoint.status;
    const awsRequestId = endpoint.headers['x-amzn-requestid']?.[0];
    if (awsRequestId !== undefined) ex.context['awsEndpointRequestId'] = awsRequestId;
    log.add(`Received response. Status: ${endpoint.status}, Integration latency: ${latency} ms`);
    log.add(`Endpoint response headers: ${javaMap(canonicalKeys(endpoint.headers))}`);
    log.add(`Endpoint response body before transformations: ${truncate(endpoint.body.toString('utf8'))}`);
    return endpoint;
  }

  private async integrationResponse(
    ex: Exchange,
    integration: CompiledIntegration,
    endpoint: EndpointResponse,
    traced: boolean,
  ): Promise<{ status: number; headers: Record<string, string>; body: Buffer }> {
    const compiled = ex.compiled!;
    const statusCode = String(endpoint.status);
    const selected: CompiledIntegrationResponse | undefined = selectIntegrationResponse(integration.patterned, integration.defaultResponse, statusCode);
    if (!selected) {
      throw new Error(`No match for output mapping and no default output mapping configured. Endpoint Response Status Code: ${statusCode}`);
    }
    if (!selected.methodResponse) {
      throw new Error(`Output mapping refers to an invalid method response: ${selected.def.statusCode}`);
    }
    const endpointType = mediaType(endpoint.headers['content-type']?.[0]);
    const isBinary = isBinaryMediaType(endpointType, compiled.api.binaryMediaTypes);
    const endpointText = isBinary ? endpoint.body.toString('base64') : endpoint.body.toString('utf8');

    const headers: Record<string, string> = {};
    const mapInput: MappingInput = { ...ex.mapping, integrationHeaders: endpoint.headers, integrationBody: endpointText };
    const cache = {};
    for (const m of selected.mappings) {
      const v = evaluateSource(m.source, mapInput, cache);
      if (v !== undefined) headers[m.target.name.toLowerCase()] = Array.isArray(v) ? v.join(',') : v;
    }

    let status = Number(selected.def.statusCode);
    let body: Buffer;
    const accept = firstAccept(ex.req.headers['accept']);
    const chosen = selectResponseTemplate(selected.templates, accept);
    let contentType = 'application/json';
    if (chosen) {
      const rendered = await this.render(chosen.template, endpointText, ex, 'response');
      contentType = chosen.contentType;
      const ro = rendered.overrides.responseOverride;
      if (ro.status !== undefined && Number.isInteger(ro.status) && ro.status >= 100 && ro.status <= 599) status = ro.status;
      for (const [k, v] of Object.entries(ro.header)) headers[k.toLowerCase()] = v;
      body = convertResponseBody(Buffer.from(rendered.output), false, selected.def.contentHandling);
    } else {
      body = convertResponseBody(endpoint.body, isBinary, selected.def.contentHandling);
    }
    headers['content-type'] ??= contentType;
    if (traced) headers['x-amzn-trace-id'] ??= traceId();
    ex.log.add(`Method response body after transformations: ${truncate(body.toString('utf8'))}`);
    ex.log.add(`Method response headers: ${javaMap(canonicalKeys(headers))}`);
    ex.log.add('Successfully completed execution');
    return { status, headers, body };
  }

  private async httpProxy(
    ex: Exchange,
    integration: CompiledIntegration,
    mapped: Record<'path' | 'querystring' | 'header', Record<string, string[]>>,
  ): Promise<{ status: number; headers: Record<string, string>; body: Buffer }> {
    const def = integration.def as Extract<CompiledIntegration['def'], { type: 'HTTP' | 'HTTP_PROXY' }>;
    const req = ex.req;
    // A proxy forwards the whole method request; mappings add to or replace parts of it.
    const headers: Record<string, string[]> = {};
    for (const [k, v] of Object.entries(req.headers)) if (!NOT_PROXIED_REQUEST_HEADERS.has(k)) headers[k] = [v];
    for (const [k, v] of Object.entries(mapped.header)) headers[k.toLowerCase()] = v;
    headers['x-forwarded-for'] = [req.sourceIp ?? '127.0.0.1'];
    const querystring: Record<string, string[]> = { ...ex.mapping.querystring, ...mapped.querystring };
    const endpointReq = buildHttpRequest(
      ex,
      def.uri,
      def.httpMethod === 'ANY' ? req.httpMethod : def.httpMethod,
      { path: mapped.path, querystring, header: headers },
      req.body,
      undefined,
    );
    const endpoint = await this.callEndpoint(ex, endpointReq, () => callHttp(endpointReq, def.timeoutInMillis));
    const out: Record<string, string> = {};
    for (const [k, vs] of Object.entries(endpoint.headers)) {
      if (DROPPED_RESPONSE_HEADERS.has(k)) continue;
      out[REMAPPED_RESPONSE_HEADERS.has(k) ? `x-amzn-remapped-${k}` : k] = vs.join(', ');
    }
    out['x-amzn-trace-id'] ??= traceId();
    ex.log.add(`Method response body after transformations: ${truncate(endpoint.body.toString('utf8'))}`);
    ex.log.add(`Method response headers: ${javaMap(canonicalKeys(out))}`);
    ex.log.add('Successfully completed execution');
    return { status: endpoint.status, headers: out, body: endpoint.body };
  }

  /**
   * Renders a mapping template within its budgets (steps, time, output, memory), off the event loop
   * when it is heavy: see vtl/scheduler.ts.
   */
  private async render(
    template: import('./templates.js').CompiledTemplate,
    body: string,
    ex: Exchange,
    phase: 'request' | 'response',
  ): Promise<{ output: string; overrides: Overrides }> {
    try {
      return await renderInBudget(template, { body, params: vtlParams(ex), context: ex.context, stageVariables: ex.stageVariables });
    } catch (err) {
      if (err instanceof VtlOverloadError) {
        // The renderers' queue is full: more concurrent work than the server takes. AWS answers requests
        // beyond its burst limit (concurrent submissions) with 429 Too Many Requests (api-gateway-request-throttling).
        throw new GatewayFailure({ type: 'THROTTLED', message: 'Too Many Requests' }, `Execution failed: ${err.message}`);
      }
      // Render failures, an exhausted budget among them, are API configuration errors (500), logged with the engine's reason.
      const reason = err instanceof Error ? err.message : String(err);
      throw new Error(`Unable to transform ${phase}: ${reason}`);
    }
  }
}

/** The named resource, with whatever parameter values `path` gives its template. */
function matchResource(compiled: CompiledStage, resourceId: string, path: string): RouteMatch | undefined {
  const resource = compiled.api.resources[resourceId];
  if (!resource) return undefined;
  return new Router([resource]).match(path) ?? { resource, pathParams: {} };
}

/** A backend that could not be reached or broke the connection. */
class BackendFailure extends GatewayFailure {
  constructor(detail: string) {
    super({ type: 'INTEGRATION_FAILURE', message: 'Internal server error', defaultStatus: 502 }, `Execution failed due to a network error: ${detail}`);
  }
}

function vtlParams(ex: Exchange): VtlParams {
  const m = ex.mapping;
  const querystring: Record<string, string> = {};
  for (const [k, v] of Object.entries(m.querystring)) querystring[k] = v[v.length - 1] ?? '';
  const header: Record<string, string> = {};
  const multivalueheader: Record<string, string[]> = {};
  const declared = ex.method?.declaredHeaderNames;
  for (const [lower, values] of Object.entries(m.header)) {
    // HTTP gives lower-cased names; templates see the declared spelling or the conventional one.
    const name = declared?.get(lower) ?? canonicalHeaderName(lower);
    header[name] = values[values.length - 1] ?? '';
    multivalueheader[name] = values;
  }
  return { path: m.path, querystring, header, multivaluequerystring: m.querystring, multivalueheader };
}

function applyRequestOverrides(mapped: Record<'path' | 'querystring' | 'header', Record<string, string[]>>, overrides: Overrides): void {
  const ro = overrides.requestOverride;
  for (const [k, v] of Object.entries(ro.header)) mapped.header[k] = [v];
  for (const [k, v] of Object.entries(ro.querystring)) mapped.querystring[k] = [v];
  for (const [k, v] of Object.entries(ro.path)) mapped.path[k] = [v];
}

function buildHttpRequest(
  ex: Exchange,
  uriTemplate: string,
  method: string,
  mapped: Record<'path' | 'querystring' | 'header', Record<string, string[]>>,
  body: Buffer,
  contentType: string | undefined,
): EndpointRequest {
  let uri = uriTemplate.replace(/\$\{stageVariables\.([A-Za-z0-9_.-]+)\}/g, (_, name: string) => ex.stageVariables[name] ?? '');
  uri = uri.replace(/\{([A-Za-z0-9._-]+)(\+?)\}/g, (whole, name: string, greedy: string) => {
    const v = mapped.path[name]?.[0] ?? ex.mapping.path[name];
    if (v === undefined) return whole;
    return greedy || name === 'proxy' ? v.split('/').map(encodeURIComponent).join('/') : encodeURIComponent(v);
  });
  const url = endpointUrl(uri);
  for (const [k, vs] of Object.entries(mapped.querystring)) {
    url.searchParams.delete(k);
    for (const v of vs) url.searchParams.append(k, v);
  }
  const headers: Record<string, string> = {};
  for (const [k, vs] of Object.entries(mapped.header)) headers[k] = vs.join(',');
  const lower = new Set(Object.keys(headers).map((k) => k.toLowerCase()));
  if (contentType && !lower.has('content-type') && body.length > 0) headers['Content-Type'] = contentType;
  if (!lower.has('accept')) headers['Accept'] = 'application/json';
  headers['x-amzn-apigateway-api-id'] = ex.req.apiId;
  if (!lower.has('user-agent')) headers['User-Agent'] = `AmazonAPIGateway_${ex.req.apiId}`;
  return { method, uri: url.toString(), headers, body };
}

/** The integration's URI once variables are substituted; AWS's words when it names no host (e.g. an unset stage variable). */
function endpointUrl(uri: string): URL {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw new Error('Invalid endpoint address');
  }
  if (url.hostname === '' || (url.protocol !== 'http:' && url.protocol !== 'https:')) throw new Error('Invalid endpoint address');
  return url;
}

function convertRequestBody(body: Buffer, isBinary: boolean, handling: string | undefined): Buffer {
  if (handling === 'CONVERT_TO_TEXT' && isBinary) return Buffer.from(body.toString('base64'));
  if (handling === 'CONVERT_TO_BINARY' && !isBinary) return decodeBase64Strict(body.toString('utf8'));
  return body;
}

const convertResponseBody = convertRequestBody;

function decodeBase64Strict(text: string): Buffer {
  const t = text.trim();
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(t) || t.length % 4 === 1) {
    throw new Error('Unable to convert the payload to binary: it is not valid base64');
  }
  return Buffer.from(t, 'base64');
}

function parseQuery(raw: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  if (!raw) return out;
  for (const [k, v] of new URLSearchParams(raw)) (out[k] ??= []).push(v);
  return out;
}

/** Repeated headers arrive joined with ", "; multi-value mappings see them split. */
function splitHeaders(h: Record<string, string>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const k in h) out[k] = [h[k]!];
  return out;
}

/** Logs show header names as clients usually spell them (HTTP hands them to us lower-cased). */
function canonicalKeys<V>(h: Record<string, V>): Record<string, V> {
  const out: Record<string, V> = {};
  for (const k in h) out[canonicalHeaderName(k)] = h[k]!;
  return out;
}

export function canonicalHeaderName(lower: string): string {
  return lower.replace(/(^|-)([a-z])/g, (_, dash: string, c: string) => dash + c.toUpperCase());
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** $context.requestTime: CLF "dd/MMM/yyyy:HH:mm:ss +0000". */
function clfTime(ms: number): string {
  const d = new Date(ms);
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

function traceId(): string {
  const time = Math.floor(Date.now() / 1000).toString(16).padStart(8, '0');
  let rand = '';
  for (let i = 0; i < 24; i++) rand += Math.floor(Math.random() * 16).toString(16);
  return `Root=1-${time}-${rand}`;
}
