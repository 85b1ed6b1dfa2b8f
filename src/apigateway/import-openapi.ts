/**
 * Import of OpenAPI 3.0.x and Swagger 2.0 definitions (JSON or YAML) with the
 * API Gateway extensions into the RestApi model. Mirrors AWS's ImportRestApi
 * / PutRestApi: unparseable input is "Invalid OpenAPI input."; problems in an
 * otherwise valid document are listed after "Errors found during import:".
 * Every mapping template is compiled here so template errors surface at import.
 */
import { parse as parseYaml } from 'yaml';
import { badRequest } from './errors.js';
import { newId } from './ids.js';
import { compileMappings, MappingError, referencedMethodParameter } from './mapping.js';
import { parseAwsUri } from './aws-uri.js';
import { TemplateCache, TemplateCompileError } from './templates.js';
import { isValidSelectionPattern } from './response-selection.js';
import { compileModelSchema } from './validate.js';
import {
  DEFAULT_TIMEOUT_MS,
  GATEWAY_RESPONSE_TYPES,
  type AuthorizationType,
  type ContentHandling,
  type ExecutionRole,
  type GatewayResponse,
  type GatewayResponseType,
  type HttpMethod,
  type Integration,
  type IntegrationResponse,
  type Method,
  type MethodResponse,
  type Model,
  type PassthroughBehavior,
  type RequestValidator,
  type Resource,
  type RestApi,
} from './model.js';
import { importAuthorizers, importDocumentation } from './openapi-extensions.js';
import type { DocumentationPart } from './model.js';

const documentationOf = (parts: Record<string, DocumentationPart>): { documentationParts?: Record<string, DocumentationPart> } =>
  Object.keys(parts).length ? { documentationParts: parts } : {};

export interface ImportOptions {
  /** Keep this id (re-import over an existing API); a new one otherwise. */
  readonly id?: string;
  readonly region: string;
  readonly accountId: string;
  /** Shared with deployment so templates compile once. */
  readonly templates?: TemplateCache;
  /** Epoch seconds; defaults to now. */
  readonly now?: number;
}

export interface ImportResult {
  readonly api: RestApi;
  readonly warnings: readonly string[];
}

type Json = Record<string, unknown>;

const OPERATION_KEYS: ReadonlyArray<[string, HttpMethod]> = [
  ['get', 'GET'], ['post', 'POST'], ['put', 'PUT'], ['delete', 'DELETE'], ['patch', 'PATCH'],
  ['head', 'HEAD'], ['options', 'OPTIONS'], ['x-amazon-apigateway-any-method', 'ANY'],
];

/** Where models live in each format, and how AWS refers to a model inside a schema. */
export function modelUrl(apiId: string, name: string): string {
  return `https://apigateway.amazonaws.com/restapis/${apiId}/models/${name}`;
}

/**
 * Substitutes `${AWS::AccountId}` and `${AWS::Region}` so a bundled definition
 * can name the running account's role and region.
 */
export function substitutePseudoParameters(text: string, region: string, accountId: string): string {
  return text.replaceAll('${AWS::AccountId}', accountId).replaceAll('${AWS::Region}', region);
}

export function parseDefinitionText(text: string): Json {
  let doc: unknown;
  try {
    const t = text.trimStart();
    doc = t.startsWith('{') ? JSON.parse(t) : parseYaml(t, { maxAliasCount: 100 });
  } catch {
    throw badRequest('Invalid OpenAPI input.');
  }
  if (!isObject(doc)) throw badRequest('Invalid OpenAPI input.');
  return doc;
}

export function importOpenApi(input: string | Json, options: ImportOptions): ImportResult {
  const doc = typeof input === 'string'
    ? parseDefinitionText(substitutePseudoParameters(input, options.region, options.accountId))
    : input;
  const format = detectFormat(doc);
  if (!format) throw badRequest('Invalid OpenAPI input.');
  return new Importer(doc, format, options).run();
}

function detectFormat(doc: Json): 'swagger2' | 'oas3' | undefined {
  if (String(doc['swagger'] ?? '') === '2.0' && isObject(doc['paths'])) return 'swagger2';
  if (/^3\.0\.\d+$/.test(String(doc['openapi'] ?? '')) && isObject(doc['paths'])) return 'oas3';
  return undefined;
}

class Importer {
  private readonly errors: string[] = [];
  private readonly warnings: string[] = [];
  private readonly apiId: string;
  private readonly templates: TemplateCache;
  private readonly models: Record<string, Model> = {};
  private readonly validatorsByName = new Map<string, RequestValidator>();
  private readonly resources: Record<string, Resource> = {};
  private readonly resourceByPath = new Map<string, Resource>();
  /** Each resource's `{variable}` child, if it has one (a resource may have only one). */
  private readonly variableChild = new Map<string, Resource>();
  private readonly rootResourceId: string;

  constructor(
    private readonly doc: Json,
    private readonly format: 'swagger2' | 'oas3',
    private readonly options: ImportOptions,
  ) {
    this.apiId = options.id ?? newId();
    this.templates = options.templates ?? new TemplateCache();
    this.rootResourceId = newId();
    const root: Resource = { id: this.rootResourceId, pathPart: '', path: '/', resourceMethods: {} };
    this.resources[root.id] = root;
    this.resourceByPath.set('/', root);
  }

  run(): ImportResult {
    const info = isObject(this.doc['info']) ? this.doc['info'] : {};
    const name = typeof info['title'] === 'string' ? info['title'].trim() : '';
    if (!name) this.errors.push('Invalid OpenAPI input: info.title is required (it names the API).');

    this.importModels();
    this.importValidators();
    const defaultValidator = this.doc['x-amazon-apigateway-request-validator'];
    const securitySchemes = this.securitySchemes();
    const apiSecurity = Array.isArray(this.doc['security']) ? this.doc['security'] : undefined;
    const authorizers = importAuthorizers(securitySchemes, this.errors); // x-amazon-apigateway-authorizer: openapi-extensions.ts

    const paths = this.doc['paths'] as Json;
    for (const [path, item] of Object.entries(paths)) {
      if (!isObject(item)) continue;
      const resource = this.ensureResource(path);
      if (!resource) continue;
      const pathParams = this.resolveParameters(item['parameters']);
      for (const [key, httpMethod] of OPERATION_KEYS) {
        const op = item[key];
        if (!isObject(op)) continue;
        const method = this.importMethod(path, httpMethod, op, pathParams, {
          defaultValidator: typeof defaultValidator === 'string' ? defaultValidator : undefined,
          securitySchemes,
          apiSecurity,
          authorizerIds: authorizers.idByScheme,
        });
        if (method) (resource.resourceMethods as Record<string, Method>)[httpMethod] = method;
      }
    }

    const gatewayResponses = this.importGatewayResponses();
    const binaryMediaTypes = stringArray(this.doc['x-amazon-apigateway-binary-media-types']);
    const keySource = String(this.doc['x-amazon-apigateway-api-key-source'] ?? 'HEADER').toUpperCase();
    if (keySource !== 'HEADER' && keySource !== 'AUTHORIZER') {
      this.errors.push(`Invalid x-amazon-apigateway-api-key-source: ${keySource}. Valid values are HEADER and AUTHORIZER.`);
    }

    if (this.errors.length > 0) {
      throw badRequest(`Errors found during import:\n\t${this.errors.join('\n\t')}`, this.errors);
    }
    const api: RestApi = {
      id: this.apiId,
      name,
      ...(typeof info['description'] === 'string' ? { description: info['description'] } : {}),
      ...(info['version'] !== undefined ? { version: String(info['version']) } : {}),
      createdDate: this.options.now ?? Math.floor(Date.now() / 1000),
      apiKeySource: keySource === 'AUTHORIZER' ? 'AUTHORIZER' : 'HEADER',
      binaryMediaTypes,
      ...(typeof this.doc['x-amazon-apigateway-minimum-compression-size'] === 'number'
        ? { minimumCompressionSize: this.doc['x-amazon-apigateway-minimum-compression-size'] as number }
        : {}),
      rootResourceId: this.rootResourceId,
      resources: this.resources,
      models: this.models,
      requestValidators: Object.fromEntries([...this.validatorsByName.values()].map((v) => [v.id, v])),
      gatewayResponses,
      executionRoles: this.executionRoles(),
      ...(Object.keys(authorizers.authorizers).length ? { authorizers: authorizers.authorizers } : {}),
      ...documentationOf(importDocumentation(this.doc['x-amazon-apigateway-documentation'], this.warnings)),
    };
    return { api, warnings: this.warnings };
  }

  // ---- models ---------------------------------------------------------------

  private importModels(): void {
    const schemas = this.format === 'oas3'
      ? (isObject(this.doc['components']) ? (this.doc['components'] as Json)['schemas'] : undefined)
      : this.doc['definitions'];
    if (!isObject(schemas)) return;
    for (const [name, schema] of Object.entries(schemas)) {
      if (!/^[a-zA-Z0-9]+$/.test(name)) {
        this.errors.push(`Unable to create model '${name}': Model name must be alphanumeric.`);
        continue;
      }
      if (!isObject(schema)) {
        this.errors.push(`Unable to create model '${name}': Invalid model schema specified.`);
        continue;
      }
      this.addModel(name, schema);
    }
    // Schemas are checked once all models exist, since they may refer to each other.
    for (const model of Object.values(this.models)) {
      try {
        compileModelSchema(this.apiId, this.models, model.name);
      } catch (err) {
        this.errors.push(`Unable to create model '${model.name}': Invalid model schema specified: ${(err as Error).message}`);
      }
    }
  }

  private addModel(name: string, schema: Json): Model {
    const converted = this.rewriteRefs(schema) as Json;
    const model: Model = {
      id: newId(),
      name,
      ...(typeof schema['description'] === 'string' ? { description: schema['description'] } : {}),
      contentType: 'application/json',
      schema: JSON.stringify(converted),
    };
    this.models[name] = model;
    return model;
  }

  /** `#/components/schemas/X` and `#/definitions/X` become AWS model URLs. */
  private rewriteRefs(value: unknown): unknown {
    if (Array.isArray(value)) return value.map((v) => this.rewriteRefs(v));
    if (!isObject(value)) return value;
    const out: Json = {};
    for (const [k, v] of Object.entries(value)) {
      if (k === '$ref' && typeof v === 'string') {
        const name = localModelRef(v);
        out[k] = name ? modelUrl(this.apiId, name) : v;
      } else out[k] = this.rewriteRefs(v);
    }
    return out;
  }

  /** A schema used by a method: a $ref names its model; an inline schema becomes a new model. */
  private modelFor(schema: unknown, suggestedName: string): string | undefined {
    if (!isObject(schema)) return undefined;
    if (typeof schema['$ref'] === 'string') {
      const name = localModelRef(schema['$ref']);
      if (!name || !this.models[name]) {
        this.errors.push(`Invalid model reference: ${schema['$ref']}`);
        return undefined;
      }
      return name;
    }
    let name = suggestedName.replace(/[^a-zA-Z0-9]/g, '') || 'Model';
    for (let i = 2; this.models[name]; i++) name = `${suggestedName.replace(/[^a-zA-Z0-9]/g, '')}${i}`;
    this.addModel(name, schema);
    try {
      compileModelSchema(this.apiId, this.models, name);
    } catch (err) {
      this.errors.push(`Unable to create model '${name}': Invalid model schema specified: ${(err as Error).message}`);
    }
    return name;
  }

  // ---- validators, security, gateway responses -------------------------------

  private importValidators(): void {
    const validators = this.doc['x-amazon-apigateway-request-validators'];
    if (validators === undefined) return;
    if (!isObject(validators)) {
      this.errors.push('Invalid x-amazon-apigateway-request-validators: expected an object.');
      return;
    }
    for (const [name, v] of Object.entries(validators)) {
      const def = isObject(v) ? v : {};
      this.validatorsByName.set(name, {
        id: newId(6),
        name,
        validateRequestBody: def['validateRequestBody'] === true,
        validateRequestParameters: def['validateRequestParameters'] === true,
      });
    }
  }

  private securitySchemes(): Json {
    const s = this.format === 'oas3'
      ? (isObject(this.doc['components']) ? (this.doc['components'] as Json)['securitySchemes'] : undefined)
      : this.doc['securityDefinitions'];
    return isObject(s) ? s : {};
  }

  private importGatewayResponses(): Partial<Record<GatewayResponseType, GatewayResponse>> {
    const out: Partial<Record<GatewayResponseType, GatewayResponse>> = {};
    const defs = this.doc['x-amazon-apigateway-gateway-responses'];
    if (defs === undefined) return out;
    if (!isObject(defs)) {
      this.errors.push('Invalid x-amazon-apigateway-gateway-responses: expected an object.');
      return out;
    }
    for (const [type, v] of Object.entries(defs)) {
      if (!(GATEWAY_RESPONSE_TYPES as readonly string[]).includes(type)) {
        this.errors.push(`Invalid gateway response type specified: ${type}`);
        continue;
      }
      const def = isObject(v) ? v : {};
      const responseParameters = stringMap(def['responseParameters']);
      const responseTemplates = stringMap(def['responseTemplates']);
      try {
        compileMappings(responseParameters, 'gatewayResponse');
      } catch (err) {
        this.errors.push(`Unable to put gateway response '${type}': ${(err as Error).message}`);
      }
      const statusCode = def['statusCode'] !== undefined ? String(def['statusCode']) : undefined;
      if (statusCode !== undefined && !/^[1-5]\d\d$/.test(statusCode)) {
        this.errors.push(`Unable to put gateway response '${type}': Invalid status code specified: ${statusCode}`);
      }
      out[type as GatewayResponseType] = {
        responseType: type as GatewayResponseType,
        ...(statusCode !== undefined ? { statusCode } : {}),
        responseParameters,
        responseTemplates,
      };
    }
    return out;
  }

  private executionRoles(): ExecutionRole[] {
    const declared = this.doc['x-sluice-execution-roles'];
    if (Array.isArray(declared)) {
      return declared.filter(isObject).map((r) => ({
        arn: String(r['arn']),
        managedPolicyArns: stringArray(r['managedPolicyArns']),
        trustedService: String(r['trustedService'] ?? 'apigateway.amazonaws.com'),
      }));
    }
    // Derived: every role ARN an integration names, with full access to the services it calls.
    const roles = new Map<string, Set<string>>();
    for (const r of Object.values(this.resources)) {
      for (const m of Object.values(r.resourceMethods)) {
        const i = m?.methodIntegration;
        if (!i || (i.type !== 'AWS' && i.type !== 'AWS_PROXY') || !i.credentials) continue;
        if (!/^arn:aws[a-z-]*:iam::\d{12}:role\//.test(i.credentials)) continue;
        const service = parseAwsUri(i.uri)?.service;
        const set = roles.get(i.credentials) ?? new Set<string>();
        if (service === 'kinesis') set.add('arn:aws:iam::aws:policy/AmazonKinesisFullAccess');
        roles.set(i.credentials, set);
      }
    }
    return [...roles].map(([arn, policies]) => ({ arn, managedPolicyArns: [...policies], trustedService: 'apigateway.amazonaws.com' }));
  }

  // ---- resources and methods -------------------------------------------------

  private ensureResource(path: string): Resource | undefined {
    if (!path.startsWith('/')) {
      this.errors.push(`Invalid resource path: ${path}. Paths must start with '/'.`);
      return undefined;
    }
    const parts = path.split('/').filter((p) => p !== '');
    let parent = this.resourceByPath.get('/')!;
    let current = '';
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i]!;
      current += '/' + part;
      const existing = this.resourceByPath.get(current);
      if (existing) {
        parent = existing;
        continue;
      }
      const problem = checkPathPart(part, i === parts.length - 1);
      if (problem) {
        this.errors.push(`Resource ${current} should not be created: ${problem}`);
        return undefined;
      }
      const existingVariable = this.variableChild.get(parent.id);
      const siblingVariable = part.startsWith('{') && existingVariable && existingVariable.pathPart !== part ? existingVariable : undefined;
      if (siblingVariable) {
        this.errors.push(`Resource ${current} conflicts with ${siblingVariable.path}: a resource can have only one variable child.`);
        return undefined;
      }
      const res: Resource = { id: newId(), parentId: parent.id, pathPart: part, path: current, resourceMethods: {} };
      this.resources[res.id] = res;
      this.resourceByPath.set(current, res);
      if (part.startsWith('{')) this.variableChild.set(parent.id, res);
      parent = res;
    }
    return parent;
  }

  private resolveRef(value: unknown): unknown {
    let v = value;
    for (let depth = 0; isObject(v) && typeof v['$ref'] === 'string' && depth < 10; depth++) {
      const ref = v['$ref'];
      if (!ref.startsWith('#/')) {
        this.errors.push(`Unsupported $ref: ${ref} (only local references are supported).`);
        return undefined;
      }
      let target: unknown = this.doc;
      for (const seg of ref.slice(2).split('/')) {
        const key = seg.replaceAll('~1', '/').replaceAll('~0', '~');
        target = isObject(target) ? target[key] : undefined;
      }
      if (target === undefined) {
        this.errors.push(`Unresolvable $ref: ${ref}`);
        return undefined;
      }
      v = target;
    }
    return v;
  }

  private resolveParameters(list: unknown): Json[] {
    if (!Array.isArray(list)) return [];
    return list.map((p) => this.resolveRef(p)).filter(isObject);
  }

  private importMethod(
    path: string,
    httpMethod: HttpMethod,
    op: Json,
    pathParams: Json[],
    ctx: { defaultValidator: string | undefined; securitySchemes: Json; apiSecurity: unknown[] | undefined; authorizerIds: ReadonlyMap<string, string> },
  ): Method | undefined {
    const where = `'${httpMethod}' for resource at path '${path}'`;
    // Operation parameters override path-level ones with the same name and location.
    const params = new Map<string, Json>();
    for (const p of [...pathParams, ...this.resolveParameters(op['parameters'])]) {
      params.set(`${p['in']}:${p['name']}`, p);
    }
    const requestParameters: Record<string, boolean> = {};
    const requestModels: Record<string, string> = {};
    const opName = typeof op['operationId'] === 'string' ? op['operationId'] : undefined;
    const modelHint = `${httpMethod.charAt(0)}${httpMethod.slice(1).toLowerCase()}${path.replace(/[^a-zA-Z0-9]+(.)?/g, (_, c: string | undefined) => (c ?? '').toUpperCase())}`;
    for (const p of params.values()) {
      const loc = p['in'];
      const pname = String(p['name'] ?? '');
      if (loc === 'path' || loc === 'query' || loc === 'header') {
        const key = `method.request.${loc === 'query' ? 'querystring' : loc}.${pname}`;
        requestParameters[key] = p['required'] === true;
      } else if (loc === 'body' && this.format === 'swagger2') {
        const consumes = stringArray(op['consumes'] ?? this.doc['consumes']);
        const model = this.modelFor(p['schema'], `${modelHint}Body`);
        if (model) for (const ct of consumes.length ? consumes : ['application/json']) requestModels[ct] = model;
      }
    }
    // Variables of the resource path are method parameters even when the definition doesn't list them.
    for (const m of path.matchAll(/\{([^}+]+)\+?\}/g)) {
      const key = `method.request.path.${m[1]}`;
      if (!(key in requestParameters)) requestParameters[key] = true;
    }
    if (this.format === 'oas3' && op['requestBody'] !== undefined) {
      const body = this.resolveRef(op['requestBody']);
      const content = isObject(body) && isObject(body['content']) ? body['content'] : {};
      for (const [ct, media] of Object.entries(content)) {
        const model = isObject(media) ? this.modelFor(media['schema'], `${modelHint}Body`) : undefined;
        if (model) requestModels[ct] = model;
      }
    }

    const methodResponses = this.importMethodResponses(op, modelHint);

    let requestValidatorId: string | undefined;
    const validatorName = typeof op['x-amazon-apigateway-request-validator'] === 'string'
      ? op['x-amazon-apigateway-request-validator']
      : ctx.defaultValidator;
    if (validatorName !== undefined) {
      const v = this.validatorsByName.get(validatorName);
      if (!v) this.errors.push(`Unable to put method ${where}: Invalid Request Validator identifier specified: ${validatorName}`);
      else requestValidatorId = v.id;
    }

    const fromSecurity = this.authorization(
      Array.isArray(op['security']) ? op['security'] : ctx.apiSecurity,
      ctx.securitySchemes,
    );
    const apiKeyRequired = fromSecurity.apiKeyRequired;
    // x-amazon-apigateway-auth on the operation names the type directly (AWS_IAM or NONE).
    const auth = op['x-amazon-apigateway-auth'];
    const declared = isObject(auth) ? String(auth['type'] ?? '').toUpperCase() : '';
    const authorizationType: AuthorizationType = declared === 'AWS_IAM' || declared === 'NONE' ? declared : fromSecurity.authorizationType;
    const authorizerId = fromSecurity.authorizerScheme !== undefined && authorizationType === fromSecurity.authorizationType
      ? ctx.authorizerIds.get(fromSecurity.authorizerScheme) : undefined;

    let methodIntegration: Integration | undefined;
    const integ = op['x-amazon-apigateway-integration'];
    if (integ !== undefined) {
      methodIntegration = this.importIntegration(where, integ, requestParameters, methodResponses);
    } else {
      this.warnings.push(`Method ${where} has no x-amazon-apigateway-integration; calls to it return 500.`);
    }

    return {
      httpMethod,
      authorizationType,
      ...(authorizerId !== undefined ? { authorizerId } : {}),
      apiKeyRequired,
      ...(opName ? { operationName: opName } : {}),
      requestParameters,
      requestModels,
      ...(requestValidatorId ? { requestValidatorId } : {}),
      methodResponses,
      ...(methodIntegration ? { methodIntegration } : {}),
    };
  }

  private importMethodResponses(op: Json, modelHint: string): Record<string, MethodResponse> {
    const out: Record<string, MethodResponse> = {};
    const responses = isObject(op['responses']) ? op['responses'] : {};
    for (const [code, raw] of Object.entries(responses)) {
      if (!/^[1-5]\d\d$/.test(code)) continue; // "default" has no API Gateway counterpart
      const r = this.resolveRef(raw);
      if (!isObject(r)) continue;
      const responseParameters: Record<string, boolean> = {};
      if (isObject(r['headers'])) {
        for (const h of Object.keys(r['headers'])) responseParameters[`method.response.header.${h}`] = false;
      }
      const responseModels: Record<string, string> = {};
      if (this.format === 'oas3') {
        if (isObject(r['content'])) {
          for (const [ct, media] of Object.entries(r['content'])) {
            const m = isObject(media) ? this.modelFor(media['schema'], `${modelHint}Response${code}`) : undefined;
            if (m) responseModels[ct] = m;
          }
        }
      } else if (r['schema'] !== undefined) {
        const m = this.modelFor(r['schema'], `${modelHint}Response${code}`);
        const produces = stringArray(op['produces'] ?? this.doc['produces']);
        if (m) for (const ct of produces.length ? produces : ['application/json']) responseModels[ct] = m;
      }
      out[code] = { statusCode: code, responseParameters, responseModels };
    }
    return out;
  }

  private authorization(security: unknown[] | undefined, schemes: Json): { authorizationType: AuthorizationType; apiKeyRequired: boolean; authorizerScheme?: string } {
    let authorizationType: AuthorizationType = 'NONE';
    let apiKeyRequired = false;
    let authorizerScheme: string | undefined;
    for (const requirement of security ?? []) {
      if (!isObject(requirement)) continue;
      for (const name of Object.keys(requirement)) {
        const s = schemes[name];
        if (!isObject(s)) continue;
        const authType = String(s['x-amazon-apigateway-authtype'] ?? '').toLowerCase();
        const authorizer = s['x-amazon-apigateway-authorizer'];
        if (authType === 'awssigv4') authorizationType = 'AWS_IAM';
        else if (isObject(authorizer)) {
          authorizationType = String(authorizer['type'] ?? '').toLowerCase() === 'cognito_user_pools' ? 'COGNITO_USER_POOLS' : 'CUSTOM';
          authorizerScheme = name;
        } else if (s['type'] === 'apiKey' && String(s['name'] ?? '').toLowerCase() === 'x-api-key') apiKeyRequired = true;
      }
    }
    return { authorizationType, apiKeyRequired, ...(authorizerScheme !== undefined ? { authorizerScheme } : {}) };
  }

  private importIntegration(
    where: string,
    raw: unknown,
    methodParams: Record<string, boolean>,
    methodResponses: Record<string, MethodResponse>,
  ): Integration | undefined {
    const fail = (msg: string): undefined => {
      this.errors.push(`Unable to put integration on ${where}: ${msg}`);
      return undefined;
    };
    if (!isObject(raw)) return fail('Invalid integration specified.');
    const type = String(raw['type'] ?? '').toUpperCase();
    if (!['AWS', 'AWS_PROXY', 'HTTP', 'HTTP_PROXY', 'MOCK'].includes(type)) {
      return fail(`Invalid integration type specified: ${raw['type'] ?? '(none)'}`);
    }
    const passthrough = String(raw['passthroughBehavior'] ?? 'when_no_match').toUpperCase();
    if (!['WHEN_NO_MATCH', 'WHEN_NO_TEMPLATES', 'NEVER'].includes(passthrough)) {
      return fail(`Invalid passthrough behavior specified: ${raw['passthroughBehavior']}`);
    }
    const contentHandling = parseContentHandling(raw['contentHandling']);
    if (contentHandling === null) return fail(`Invalid content handling specified: ${raw['contentHandling']}`);
    const timeout = raw['timeoutInMillis'] === undefined ? DEFAULT_TIMEOUT_MS : Number(raw['timeoutInMillis']);
    if (!Number.isInteger(timeout) || timeout < 50 || timeout > DEFAULT_TIMEOUT_MS) {
      return fail(`Timeout should be between 50 ms and ${DEFAULT_TIMEOUT_MS} ms`);
    }

    const requestParameters = stringMap(raw['requestParameters']);
    const requestTemplates = stringMap(raw['requestTemplates']);
    try {
      for (const m of compileMappings(requestParameters, 'integrationRequest')) {
        const ref = referencedMethodParameter(m.source);
        if (ref && !(ref in methodParams)) {
          // AWS requires a mapped method request parameter to be declared on the method.
          throw new MappingError(`Invalid mapping expression specified: Validation Result: warnings : [], errors : [Invalid mapping expression parameter specified: ${m.expression}]`);
        }
      }
    } catch (err) {
      return fail((err as Error).message);
    }
    if (type === 'AWS_PROXY' && Object.keys(requestTemplates).length > 0) {
      this.warnings.push(`Integration on ${where}: request templates are ignored by AWS_PROXY integrations.`);
    }
    for (const [ct, t] of Object.entries(requestTemplates)) this.compileTemplate(`${where} (request template ${ct})`, t);

    const integrationResponses: Record<string, IntegrationResponse> = {};
    const responses = raw['responses'];
    if (responses !== undefined && !isObject(responses)) return fail('Invalid integration responses specified.');
    for (const [pattern, r] of Object.entries(responses ?? {})) {
      if (!isObject(r)) continue;
      const statusCode = String(r['statusCode'] ?? '');
      if (!/^[1-5]\d\d$/.test(statusCode)) return fail(`Invalid status code specified for integration response '${pattern}': ${statusCode}`);
      if (integrationResponses[statusCode]) {
        return fail(`Duplicate integration response status code ${statusCode} (selection patterns '${integrationResponses[statusCode]!.selectionPattern ?? 'default'}' and '${pattern}')`);
      }
      if (pattern !== 'default' && !isValidSelectionPattern(pattern)) return fail(`Invalid selection pattern specified: ${pattern}`);
      const responseParameters = stringMap(r['responseParameters']);
      try {
        for (const m of compileMappings(responseParameters, 'methodResponse')) {
          const declared = methodResponses[statusCode]?.responseParameters ?? {};
          if (!(m.key in declared)) {
            throw new MappingError(`Invalid mapping expression specified: Validation Result: warnings : [], errors : [Invalid mapping expression parameter specified: ${m.key}]`);
          }
        }
      } catch (err) {
        return fail(`Unable to put integration response for status ${statusCode}: ${(err as Error).message}`);
      }
      const responseTemplates = stringMap(r['responseTemplates']);
      for (const [ct, t] of Object.entries(responseTemplates)) this.compileTemplate(`${where} (response ${statusCode} template ${ct})`, t);
      const rch = parseContentHandling(r['contentHandling']);
      if (rch === null) return fail(`Invalid content handling specified: ${r['contentHandling']}`);
      integrationResponses[statusCode] = {
        statusCode,
        ...(pattern !== 'default' && pattern !== '' ? { selectionPattern: pattern } : {}),
        responseParameters,
        responseTemplates,
        ...(rch ? { contentHandling: rch } : {}),
      };
    }

    const base = {
      requestParameters,
      requestTemplates,
      passthroughBehavior: passthrough as PassthroughBehavior,
      ...(contentHandling ? { contentHandling } : {}),
      timeoutInMillis: timeout,
      ...(typeof raw['cacheNamespace'] === 'string' ? { cacheNamespace: raw['cacheNamespace'] } : {}),
      cacheKeyParameters: stringArray(raw['cacheKeyParameters']),
      integrationResponses,
    };
    if (type === 'MOCK') return { type: 'MOCK', ...base };
    const uri = typeof raw['uri'] === 'string' ? raw['uri'] : '';
    const httpMethod = String(raw['httpMethod'] ?? '').toUpperCase();
    if (!uri) return fail('Invalid integration URI specified');
    if (!['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS', 'ANY'].includes(httpMethod)) {
      return fail(`Enumeration value for HttpMethod must be non-empty`);
    }
    if (type === 'AWS' || type === 'AWS_PROXY') {
      if (!parseAwsUri(uri)) return fail(`AWS ARN for integration must contain path or action`);
      const credentials = typeof raw['credentials'] === 'string' ? raw['credentials'] : undefined;
      return { type, uri, httpMethod, ...(credentials ? { credentials } : {}), ...base };
    }
    if (!/^https?:\/\/[^/\s]+/.test(uri)) return fail('Invalid HTTP endpoint specified for URI');
    const connectionType = raw['connectionType'] === 'VPC_LINK' ? 'VPC_LINK' : undefined;
    return {
      type: type as 'HTTP' | 'HTTP_PROXY',
      uri,
      httpMethod,
      ...(connectionType ? { connectionType } : {}),
      ...(typeof raw['connectionId'] === 'string' ? { connectionId: raw['connectionId'] } : {}),
      ...base,
    };
  }

  private compileTemplate(where: string, source: string): void {
    try {
      this.templates.compile(source);
    } catch (err) {
      const msg = err instanceof TemplateCompileError ? err.message : `Invalid mapping template: ${(err as Error).message}`;
      this.errors.push(`Unable to compile ${where}: ${msg}`);
    }
  }
}

/** Why `part` is not a valid resource path part, or undefined when it is. */
export function checkPathPart(part: string, isLast: boolean): string | undefined {
  if (/^\{[a-zA-Z0-9._-]+\+\}$/.test(part)) return isLast ? undefined : 'a greedy path variable must be the last path part.';
  if (/^\{[a-zA-Z0-9._-]+\}$/.test(part)) return undefined;
  if (/^[a-zA-Z0-9._:@'!$&()*,;=~-]+$/.test(part) && !part.includes('{')) return undefined;
  return `Resource's path part only allow a-zA-Z0-9._- and curly braces at the beginning and the end and an optional plus sign before the closing brace.`;
}

function localModelRef(ref: string): string | undefined {
  const m = /^#\/(?:components\/schemas|definitions)\/([^/]+)$/.exec(ref)
    ?? /^https:\/\/apigateway\.amazonaws\.com\/restapis\/[^/]+\/models\/([^/]+)$/.exec(ref);
  return m?.[1];
}

function parseContentHandling(v: unknown): ContentHandling | undefined | null {
  if (v === undefined || v === null || v === '') return undefined;
  const s = String(v).toUpperCase();
  return s === 'CONVERT_TO_TEXT' || s === 'CONVERT_TO_BINARY' ? s : null;
}

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function stringMap(v: unknown): Record<string, string> {
  if (!isObject(v)) return {};
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(v)) if (val !== undefined && val !== null) out[k] = String(val);
  return out;
}

function stringArray(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x) => typeof x === 'string') : [];
}
