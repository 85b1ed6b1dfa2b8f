/**
 * "Enable CORS" on a resource, as the API Gateway console does it, planned as a list of public
 * management calls from what the resource has now:
 *  - an OPTIONS method (authorization NONE) with a MOCK integration whose request template is
 *    `{"statusCode": 200}`, a 200 method response declaring the three Access-Control-Allow-*
 *    headers, and a 200 integration response giving them their values as quoted literals;
 *  - on each other chosen method, Access-Control-Allow-Origin added to its 200 method response and
 *    mapped in its 200 integration response (not for proxy integrations: there the backend must
 *    answer the headers itself, as AWS's guide says);
 *  - on the chosen gateway responses (DEFAULT_4XX, DEFAULT_5XX), the same headers.
 * Only what differs from the wanted state is planned, so running it again updates the values, or
 * changes nothing, instead of failing on what exists.
 */
import { patchKey, type GatewayResponse, type Integration, type IntegrationResponse, type Method, type MethodResponse, type PatchOperation } from '../clients/apigateway-types.js';

export const DEFAULT_ALLOW_HEADERS = 'Content-Type,X-Amz-Date,Authorization,X-Api-Key,X-Amz-Security-Token';
export const DEFAULT_ALLOW_ORIGIN = '*';
export const CORS_GATEWAY_RESPONSES = ['DEFAULT_4XX', 'DEFAULT_5XX'] as const;
/** What Access-Control-Allow-Methods lists when ANY is chosen: every verb API Gateway routes. */
const ALL_VERBS = ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT'];

export const ALLOW_ORIGIN = 'Access-Control-Allow-Origin';
export const ALLOW_HEADERS = 'Access-Control-Allow-Headers';
export const ALLOW_METHODS = 'Access-Control-Allow-Methods';

export interface CorsOptions {
  /** The resource's methods to enable CORS on, besides OPTIONS (always). */
  readonly methods: readonly string[];
  readonly allowHeaders: string;
  readonly allowOrigin: string;
  readonly gatewayResponses: readonly string[];
}

/** What the resource and the API have now. */
export interface CorsCurrent {
  /** GetMethod answers, by verb, for the resource's methods. */
  readonly methods: Readonly<Record<string, Method>>;
  /** GetGatewayResponse answers for the chosen gateway response types. */
  readonly gatewayResponses: Readonly<Record<string, GatewayResponse>>;
  /** The API's model names: the OPTIONS response gets the Empty model, as AWS's console gives it, when the API has one (an imported API may not). */
  readonly models: readonly string[];
}

export type CorsCall =
  | { readonly kind: 'putMethod'; readonly verb: string; readonly input: { authorizationType: string } }
  | { readonly kind: 'putMethodResponse'; readonly verb: string; readonly status: string; readonly input: Omit<MethodResponse, 'statusCode'> }
  | { readonly kind: 'updateMethodResponse'; readonly verb: string; readonly status: string; readonly ops: PatchOperation[] }
  | { readonly kind: 'putIntegration'; readonly verb: string; readonly input: Integration }
  | { readonly kind: 'putIntegrationResponse'; readonly verb: string; readonly status: string; readonly input: Omit<IntegrationResponse, 'statusCode'> }
  | { readonly kind: 'updateIntegrationResponse'; readonly verb: string; readonly status: string; readonly ops: PatchOperation[] }
  | { readonly kind: 'putGatewayResponse'; readonly type: string; readonly input: Omit<GatewayResponse, 'responseType' | 'defaultResponse'> };

export interface CorsStep {
  /** What the step does, in words, for the list shown to the user. */
  readonly description: string;
  readonly call: CorsCall;
}

export interface CorsPlan {
  readonly steps: CorsStep[];
  /** Methods left alone, and why. */
  readonly notes: string[];
}

/** A header value as the user types it (`*`, or `'*'` as AWS's old console showed it); undefined when unusable. */
export function headerValue(input: string): string | undefined {
  let v = input.trim();
  if (v.length >= 2 && v.startsWith("'") && v.endsWith("'")) v = v.slice(1, -1).trim();
  // A static value is a single-quoted literal: it cannot contain a quote itself.
  return v === '' || v.includes("'") ? undefined : v;
}

/** A static mapping value: API Gateway's quoted string literal. */
const literal = (v: string): string => `'${v}'`;

export function allowedMethods(methods: readonly string[]): string {
  if (methods.includes('ANY')) return ALL_VERBS.join(',');
  return ALL_VERBS.filter((v) => v === 'OPTIONS' || methods.includes(v)).join(',');
}

const methodHeader = (name: string): string => `method.response.header.${name}`;
const gatewayHeader = (name: string): string => `gatewayresponse.header.${name}`;

/** The patch that makes `wanted` entries of a string map true or equal, leaving other entries be. */
function mapAdditions<T>(base: string, current: Readonly<Record<string, T>> | undefined, wanted: Readonly<Record<string, T>>): PatchOperation[] {
  const ops: PatchOperation[] = [];
  for (const [key, value] of Object.entries(wanted)) {
    const has = current !== undefined && Object.hasOwn(current, key);
    if (has && current![key] === value) continue;
    ops.push({ op: has ? 'replace' : 'add', path: `${base}/${patchKey(key)}`, value: String(value) });
  }
  return ops;
}

const isDefaultResponse = (r: IntegrationResponse): boolean => r.selectionPattern === undefined || r.selectionPattern === '';

/**
 * Steps that give `verb`'s 200 method and integration responses the wanted headers, apart: the
 * method response must declare a header before an integration response may map it.
 */
function responseSteps(
  verb: string,
  method: Method | undefined,
  headers: Record<string, string>,
  integrationReplaced: boolean,
  models: readonly string[],
  notes: string[],
): { methodSteps: CorsStep[]; integrationSteps: CorsStep[] } {
  const methodSteps: CorsStep[] = [];
  const integrationSteps: CorsStep[] = [];
  const names = Object.keys(headers).join(', ');
  const declared = Object.fromEntries(Object.keys(headers).map((h) => [methodHeader(h), false]));
  const mapped = Object.fromEntries(Object.entries(headers).map(([h, v]) => [methodHeader(h), literal(v)]));

  const methodResponse = method?.methodResponses?.['200'];
  if (!methodResponse) {
    methodSteps.push({
      description: `Add a 200 method response to ${verb} with the ${names} header${Object.keys(headers).length > 1 ? 's' : ''}`,
      call: {
        kind: 'putMethodResponse',
        verb,
        status: '200',
        input: { responseParameters: declared, ...(models.includes('Empty') ? { responseModels: { 'application/json': 'Empty' } } : {}) },
      },
    });
  } else {
    // Declaring a header required or not is the API's business: only headers it lacks are added.
    const missing = Object.fromEntries(Object.entries(declared).filter(([k]) => !Object.hasOwn(methodResponse.responseParameters ?? {}, k)));
    const ops = mapAdditions('/responseParameters', methodResponse.responseParameters, missing);
    if (ops.length) methodSteps.push({ description: `Declare ${names} on ${verb}'s 200 method response`, call: { kind: 'updateMethodResponse', verb, status: '200', ops } });
  }

  const integration = method?.methodIntegration;
  if (!integration && !integrationReplaced) {
    notes.push(`${verb} has no integration yet: its 200 integration response could not map ${names}.`);
    return { methodSteps, integrationSteps };
  }
  const responses = integrationReplaced ? {} : (integration?.integrationResponses ?? {});
  const existing = responses['200'];
  if (existing) {
    const ops = mapAdditions('/responseParameters', existing.responseParameters, mapped);
    if (ops.length) integrationSteps.push({ description: `Map ${names} in ${verb}'s 200 integration response`, call: { kind: 'updateIntegrationResponse', verb, status: '200', ops } });
    return { methodSteps, integrationSteps };
  }
  const otherDefault = Object.values(responses).find(isDefaultResponse);
  if (otherDefault) {
    notes.push(`${verb}'s default integration response is ${otherDefault.statusCode}, not 200: ${names} was not mapped there.`);
    return { methodSteps, integrationSteps };
  }
  integrationSteps.push({
    description: `Add a 200 integration response to ${verb} mapping ${names}`,
    call: { kind: 'putIntegrationResponse', verb, status: '200', input: { responseParameters: mapped, responseTemplates: { 'application/json': '' } } },
  });
  return { methodSteps, integrationSteps };
}

export function planCors(current: CorsCurrent, options: CorsOptions): CorsPlan {
  const origin = headerValue(options.allowOrigin);
  const allowHeaders = headerValue(options.allowHeaders);
  if (origin === undefined) throw new Error(`${ALLOW_ORIGIN} must be a value without quotes inside, such as * or https://example.com.`);
  if (allowHeaders === undefined) throw new Error(`${ALLOW_HEADERS} must be a comma-separated list of header names.`);
  const chosen = options.methods.filter((v) => v !== 'OPTIONS');
  const preflight = { [ALLOW_HEADERS]: allowHeaders, [ALLOW_METHODS]: allowedMethods(chosen), [ALLOW_ORIGIN]: origin };
  const steps: CorsStep[] = [];
  const notes: string[] = [];

  // The OPTIONS method answers preflight requests itself, without a backend.
  const options_ = current.methods['OPTIONS'];
  if (!options_) steps.push({ description: 'Create the OPTIONS method (authorization NONE)', call: { kind: 'putMethod', verb: 'OPTIONS', input: { authorizationType: 'NONE' } } });
  const mock = options_?.methodIntegration?.type === 'MOCK';
  const { methodSteps, integrationSteps } = responseSteps('OPTIONS', options_, preflight, !mock, current.models, notes);
  steps.push(...methodSteps);
  if (!mock) {
    steps.push({
      description: options_?.methodIntegration ? `Replace OPTIONS's ${options_.methodIntegration.type} integration by a MOCK integration` : 'Add a MOCK integration to OPTIONS',
      call: { kind: 'putIntegration', verb: 'OPTIONS', input: { type: 'MOCK', requestTemplates: { 'application/json': '{"statusCode": 200}' }, passthroughBehavior: 'NEVER' } },
    });
  }
  steps.push(...integrationSteps);

  for (const verb of chosen) {
    const method = current.methods[verb];
    if (!method) continue;
    const type = method.methodIntegration?.type;
    if (type === 'AWS_PROXY' || type === 'HTTP_PROXY') {
      notes.push(`${verb} uses a ${type} integration: its backend must return ${ALLOW_ORIGIN} itself.`);
      continue;
    }
    const { methodSteps, integrationSteps } = responseSteps(verb, method, { [ALLOW_ORIGIN]: origin }, false, current.models, notes);
    steps.push(...methodSteps, ...integrationSteps);
  }

  for (const type of options.gatewayResponses) {
    const now = current.gatewayResponses[type];
    const wanted = Object.fromEntries(Object.entries(preflight).map(([h, v]) => [gatewayHeader(h), literal(v)]));
    const params = { ...(now?.responseParameters ?? {}), ...wanted };
    if (now && Object.entries(wanted).every(([k, v]) => now.responseParameters?.[k] === v)) continue;
    steps.push({
      description: `Add the ${Object.keys(preflight).join(', ')} headers to the ${type} gateway response`,
      call: {
        kind: 'putGatewayResponse',
        type,
        // PutGatewayResponse replaces the whole response: what the API customised is sent back with it.
        input: {
          ...(now && !now.defaultResponse && now.statusCode ? { statusCode: now.statusCode } : {}),
          responseParameters: params,
          ...(now?.responseTemplates && Object.keys(now.responseTemplates).length ? { responseTemplates: now.responseTemplates } : {}),
        },
      },
    });
  }
  return { steps, notes };
}
