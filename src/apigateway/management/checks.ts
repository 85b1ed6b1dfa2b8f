/**
 * What AWS checks when a piece of an API is put or patched: templates compile,
 * mapping expressions parse and name declared method parameters, integration
 * targets are well-formed, status codes and patterns are valid, model schemas
 * compile. Put* and Update* handlers run the same checks on the finished
 * object, so a patch can't produce anything a put would refuse.
 */
import { parsePolicy } from '../../iam/policy.js';
import { isAwsError } from '../../protocol/errors.js';
import { parseAwsUri } from '../aws-uri.js';
import { badRequest } from '../errors.js';
import { compileMappings, referencedMethodParameter } from '../mapping.js';
import {
  DEFAULT_TIMEOUT_MS,
  HTTP_METHODS,
  type Integration,
  type IntegrationResponse,
  type Method,
  type MethodResponse,
  type Model,
  type RestApi,
} from '../model.js';
import { isValidSelectionPattern } from '../response-selection.js';
import { TemplateCompileError, type TemplateCache } from '../templates.js';
import { compileModelSchema } from '../validate.js';

const STATUS_CODE = /^[1-5]\d\d$/;

export function checkStatusCode(code: string): void {
  if (!STATUS_CODE.test(code)) throw badRequest(`Invalid status code specified: ${code}. Status codes must be between 100 and 599.`);
}

export function checkHttpMethod(verb: string): void {
  if (!(HTTP_METHODS as readonly string[]).includes(verb)) {
    // AWS's order (recorded: test_put_method_validation "wrong-method").
    throw badRequest('Invalid HttpMethod specified. Valid options are GET,PUT,POST,DELETE,PATCH,OPTIONS,HEAD,ANY');
  }
}

/** Every template compiles; the message carries the content type and the parser's line and column. */
export function checkTemplates(templates: Record<string, string>, cache: TemplateCache, what: string): void {
  for (const contentType of Object.keys(templates)) {
    // Recorded: test_integration_response_invalid_responsetemplates "...-2".
    if (!/^[^/\s]+\/[^/\s]+$/.test(contentType)) throw badRequest(`Validation Result: warnings : [], errors : [Invalid content type specified: ${contentType}]`);
  }
  for (const [contentType, source] of Object.entries(templates)) {
    try {
      cache.compile(source);
    } catch (err) {
      const reason = err instanceof TemplateCompileError ? err.message : (err as Error).message;
      throw badRequest(`Unable to compile ${what} template for content type ${contentType}: ${reason}`);
    }
  }
}

/** AWS wraps every mapping problem in the report of its expression validator. */
function invalidMapping(problem: string): Error {
  return badRequest(`Invalid mapping expression specified: Validation Result: warnings : [], errors : [${problem}]`);
}

function compileOrRefuse(map: Record<string, string>, side: 'integrationRequest' | 'methodResponse'): ReturnType<typeof compileMappings> {
  try {
    return compileMappings(map, side);
  } catch (err) {
    throw invalidMapping((err as Error).message);
  }
}

function invalidMappingParameter(expression: string): Error {
  return invalidMapping(`Invalid mapping expression parameter specified: ${expression}`);
}

/** Integration request parameters parse, and every method parameter they read is declared on the method. */
export function checkRequestMappings(requestParameters: Record<string, string>, method: Method): void {
  for (const m of compileOrRefuse(requestParameters, 'integrationRequest')) {
    const ref = referencedMethodParameter(m.source);
    if (ref && !(ref in method.requestParameters)) throw invalidMappingParameter(m.expression);
  }
}

/** Response parameter mappings parse, and each header they set is declared by the method response. */
export function checkResponseMappings(responseParameters: Record<string, string>, methodResponse: MethodResponse | undefined): void {
  for (const m of compileOrRefuse(responseParameters, 'methodResponse')) {
    if (!methodResponse || !(m.key in methodResponse.responseParameters)) throw invalidMappingParameter(m.key);
  }
}

/** The parts of an integration that don't depend on the rest of the API. */
export function checkIntegration(integration: Integration, method: Method, templates: TemplateCache): void {
  if (integration.type !== 'MOCK') {
    if (!integration.httpMethod) throw badRequest('Enumeration value for HttpMethod must be non-empty');
    checkHttpMethod(integration.httpMethod);
    if (!integration.uri) throw badRequest('Invalid integration URI specified');
    if (integration.type === 'AWS' || integration.type === 'AWS_PROXY') {
      if (!parseAwsUri(integration.uri)) throw badRequest('AWS ARN for integration must contain path or action');
    } else if (!/^https?:\/\/[^/\s]+/.test(integration.uri)) {
      throw badRequest('Invalid HTTP endpoint specified for URI');
    }
  }
  if (!['WHEN_NO_MATCH', 'WHEN_NO_TEMPLATES', 'NEVER'].includes(integration.passthroughBehavior)) {
    throw badRequest(`Invalid passthrough behavior specified: ${integration.passthroughBehavior}. Valid values are WHEN_NO_MATCH, WHEN_NO_TEMPLATES and NEVER.`);
  }
  const t = integration.timeoutInMillis;
  if (!Number.isInteger(t) || t < 50 || t > DEFAULT_TIMEOUT_MS) throw badRequest(`Timeout should be between 50 ms and ${DEFAULT_TIMEOUT_MS} ms`);
  checkRequestMappings(integration.requestParameters, method);
  checkTemplates(integration.requestTemplates, templates, 'request');
}

export function checkIntegrationResponse(response: IntegrationResponse, method: Method, templates: TemplateCache): void {
  checkStatusCode(response.statusCode);
  if (response.selectionPattern !== undefined) {
    if (!isValidSelectionPattern(response.selectionPattern)) throw badRequest(`Invalid selection pattern specified: ${response.selectionPattern}`);
  }
  checkResponseMappings(response.responseParameters, method.methodResponses[response.statusCode]);
  checkTemplates(response.responseTemplates, templates, 'response');
}

/** Every model a method or method response names exists. */
export function checkModelNames(api: RestApi, models: Record<string, string>): void {
  for (const name of Object.values(models)) {
    if (!api.models[name]) throw badRequest(`Invalid model identifier specified: ${name}`);
  }
}

/** Model names are alphanumeric and schemas are JSON Schema draft 4 that compiles (with the API's other models). */
export function checkModel(api: RestApi, model: Model): void {
  if (!/^[a-zA-Z0-9]+$/.test(model.name)) throw badRequest('Model name must be alphanumeric');
  let parsed: unknown;
  try {
    parsed = JSON.parse(model.schema);
  } catch (err) {
    throw badRequest(`Invalid model specified: Validation Result: warnings : [], errors : [Invalid model schema specified. Unsupported keyword(s): ["${(err as Error).message}"]]`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw badRequest('Invalid model specified: Validation Result: warnings : [], errors : [Invalid model schema specified]');
  }
  try {
    compileModelSchema(api.id, { ...api.models, [model.name]: model }, model.name);
  } catch (err) {
    throw badRequest(`Invalid model specified: Validation Result: warnings : [], errors : [Invalid model schema specified: ${(err as Error).message}]`);
  }
}

/**
 * An API's resource policy, checked with IAM's policy grammar before it is
 * stored. API Gateway also takes resources in its short form
 * (`execute-api:/stage/GET/path`), which it expands to the API's ARNs.
 */
export function checkApiPolicy(text: string): void {
  try {
    parsePolicy(text, 'resource', { otherResource: (r) => r.startsWith('execute-api:/') });
  } catch (e) {
    if (isAwsError(e)) throw badRequest('Invalid policy document. Please check the policy syntax and ensure that Principals are valid.');
    throw e;
  }
}
