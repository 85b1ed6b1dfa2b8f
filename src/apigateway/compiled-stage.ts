/**
 * A deployed stage, compiled once: routing tree, mapping expressions, VTL
 * templates, selection regexes and model validators. The request pipeline
 * only reads these; nothing is parsed per request.
 */
import { parseAwsUri, type AwsTarget } from './aws-uri.js';
import { GatewayResponses } from './gateway-responses.js';
import { compileMappings, type CompiledMapping } from './mapping.js';
import type { Deployment, Integration, IntegrationResponse, Method, MethodResponse, Resource, RestApi, Stage } from './model.js';
import { compileSelectionPattern, type Selectable } from './response-selection.js';
import { Router } from './router.js';
import type { CompiledTemplate, TemplateCache } from './templates.js';
import { ModelValidators } from './validate.js';

export interface CompiledIntegrationResponse {
  readonly def: IntegrationResponse;
  readonly mappings: readonly CompiledMapping[];
  readonly templates: ReadonlyMap<string, CompiledTemplate>;
  /** Absent when the integration response names a status the method doesn't declare. */
  readonly methodResponse: MethodResponse | undefined;
}

export interface CompiledIntegration {
  readonly def: Integration;
  readonly requestMappings: readonly CompiledMapping[];
  readonly requestTemplates: ReadonlyMap<string, CompiledTemplate>;
  readonly patterned: readonly Selectable<CompiledIntegrationResponse>[];
  readonly defaultResponse: CompiledIntegrationResponse | undefined;
  /** Parsed URI of AWS integrations. */
  readonly awsTarget: AwsTarget | undefined;
}

export interface CompiledMethod {
  readonly resource: Resource;
  readonly method: Method;
  readonly validateBody: boolean;
  readonly validateParameters: boolean;
  /** lower-case header name → the spelling declared on the method (templates see that spelling). */
  readonly declaredHeaderNames: ReadonlyMap<string, string>;
  readonly integration: CompiledIntegration | undefined;
}

export interface CompiledStage {
  readonly api: RestApi;
  readonly deployment: Deployment;
  readonly stage: Stage;
  readonly router: Router;
  /** By resource id, then HTTP method (including ANY). */
  readonly methods: ReadonlyMap<string, ReadonlyMap<string, CompiledMethod>>;
  readonly models: ModelValidators;
  readonly gatewayResponses: GatewayResponses;
}

export function compileStage(deployment: Deployment, stage: Stage, templates: TemplateCache): CompiledStage {
  const api = deployment.api;
  const methods = new Map<string, Map<string, CompiledMethod>>();
  for (const resource of Object.values(api.resources)) {
    const byVerb = new Map<string, CompiledMethod>();
    for (const [verb, method] of Object.entries(resource.resourceMethods)) {
      if (method) byVerb.set(verb, compileMethod(api, resource, method, templates));
    }
    methods.set(resource.id, byVerb);
  }
  return {
    api,
    deployment,
    stage,
    router: new Router(Object.values(api.resources)),
    methods,
    models: new ModelValidators(api.id, api.models),
    gatewayResponses: new GatewayResponses(api.gatewayResponses),
  };
}

function compileMethod(api: RestApi, resource: Resource, method: Method, templates: TemplateCache): CompiledMethod {
  const validator = method.requestValidatorId ? api.requestValidators[method.requestValidatorId] : undefined;
  const declaredHeaderNames = new Map<string, string>();
  for (const key of Object.keys(method.requestParameters)) {
    if (key.startsWith('method.request.header.')) {
      const name = key.slice('method.request.header.'.length);
      declaredHeaderNames.set(name.toLowerCase(), name);
    }
  }
  return {
    resource,
    method,
    validateBody: validator?.validateRequestBody === true,
    validateParameters: validator?.validateRequestParameters === true,
    declaredHeaderNames,
    integration: method.methodIntegration ? compileIntegration(method, method.methodIntegration, templates) : undefined,
  };
}

function compileTemplates(map: Record<string, string>, templates: TemplateCache): Map<string, CompiledTemplate> {
  const out = new Map<string, CompiledTemplate>();
  for (const [ct, source] of Object.entries(map)) out.set(ct.toLowerCase(), templates.compile(source));
  return out;
}

function compileIntegration(method: Method, integration: Integration, templates: TemplateCache): CompiledIntegration {
  const patterned: Selectable<CompiledIntegrationResponse>[] = [];
  let defaultResponse: CompiledIntegrationResponse | undefined;
  for (const r of Object.values(integration.integrationResponses)) {
    const compiled: CompiledIntegrationResponse = {
      def: r,
      mappings: compileMappings(r.responseParameters, 'methodResponse'),
      templates: compileTemplates(r.responseTemplates, templates),
      methodResponse: method.methodResponses[r.statusCode],
    };
    const pattern = compileSelectionPattern(r.selectionPattern);
    if (pattern) patterned.push({ pattern, value: compiled });
    else defaultResponse = compiled;
  }
  return {
    def: integration,
    requestMappings: compileMappings(integration.requestParameters, 'integrationRequest'),
    requestTemplates: compileTemplates(integration.requestTemplates, templates),
    patterned,
    defaultResponse,
    awsTarget: integration.type === 'AWS' || integration.type === 'AWS_PROXY' ? parseAwsUri(integration.uri) : undefined,
  };
}
