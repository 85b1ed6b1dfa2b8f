/** Methods and their method responses. */
import type { Draft } from '../api-store.js';
import { badRequest, conflict, notFound } from '../errors.js';
import type { AuthorizationType, HttpMethod, Method, MethodResponse, RestApi } from '../model.js';
import { editMethod, editResourceOfMethod, readMethod, type MethodAddress } from './addressing.js';
import { checkHttpMethod, checkModelNames, checkStatusCode } from './checks.js';
import type { ManagementContext } from './context.js';
import { requireResponse, requireValidator } from './lookups.js';
import { applyPatch, type PatchOperation, type PatchSpec } from './patch.js';
import { methodResponseView, methodView } from './views.js';

const AUTHORIZATION_TYPES = ['NONE', 'AWS_IAM', 'CUSTOM', 'COGNITO_USER_POOLS'];
const REQUEST_PARAMETER = /^method\.request\.(path|querystring|header|multivaluequerystring|multivalueheader)\.[a-zA-Z0-9._$-]+$/;
const RESPONSE_PARAMETER = /^method\.response\.header\.[a-zA-Z0-9._$-]+$/;

const NEEDS_AUTHORIZER = ['CUSTOM', 'COGNITO_USER_POOLS'];

/** Whether the method's authorizer is one of the API's (APIs stored before authorizers were kept have none). */
function authorizerExists(api: Draft<RestApi>, id: string | undefined): boolean {
  return id !== undefined && api.authorizers !== undefined && Object.hasOwn(api.authorizers, id);
}

/**
 * What a method may say about itself, whether put whole or patched, with AWS's words
 * (recorded: test_put_method_validation, test_update_method_validation, test_method_request_parameters,
 * test_put_integration_request_parameter_bool_type).
 */
function checkMethod(api: Draft<RestApi>, method: Draft<Method>): void {
  if (!AUTHORIZATION_TYPES.includes(method.authorizationType)) {
    throw badRequest(`Invalid authorization type specified: ${method.authorizationType}. Valid values are ${AUTHORIZATION_TYPES.join(', ')}`);
  }
  if (NEEDS_AUTHORIZER.includes(method.authorizationType) && !authorizerExists(api, method.authorizerId)) {
    throw badRequest('Invalid authorizer ID specified. Setting the authorization type to CUSTOM or COGNITO_USER_POOLS requires a valid authorizer.');
  }
  const names = new Set<string>();
  for (const key of Object.keys(method.requestParameters)) {
    if (!REQUEST_PARAMETER.test(key)) {
      throw badRequest(`Invalid mapping expression specified: Validation Result: warnings : [], errors : [Invalid mapping expression specified: ${key}]`);
    }
    // multivalue sources name the same parameters as their single-value twins.
    const name = key.replace(/^method\.request\.[a-z]+\./, '');
    const location = /^method\.request\.([a-z]+)\./.exec(key)![1]!.replace(/^multivalue/, '');
    const id = `${location}:${name}`;
    for (const other of names) {
      if (other !== id && other.endsWith(`:${name}`)) throw badRequest('Parameter names must be unique across querystring, header and path');
    }
    names.add(id);
  }
  checkModelNames(api as RestApi, method.requestModels);
  if (method.requestValidatorId !== undefined) requireValidatorOrBadRequest(api, method.requestValidatorId);
}

function requireValidatorOrBadRequest(api: Draft<RestApi>, id: string): void {
  try {
    requireValidator(api.requestValidators, id);
  } catch {
    throw badRequest(`Invalid Request Validator identifier specified`);
  }
}

function checkMethodResponse(api: Draft<RestApi>, response: Draft<MethodResponse>): void {
  checkStatusCode(response.statusCode);
  for (const key of Object.keys(response.responseParameters)) {
    if (!RESPONSE_PARAMETER.test(key)) throw badRequest(`Invalid response parameter specified: ${key}`);
  }
  checkModelNames(api as RestApi, response.responseModels);
}

interface PutMethodInput extends MethodAddress {
  authorizationType: string;
  authorizerId?: string;
  apiKeyRequired?: boolean;
  operationName?: string;
  requestParameters?: Record<string, boolean>;
  requestModels?: Record<string, string>;
  requestValidatorId?: string;
}

export async function putMethod(ctx: ManagementContext, input: PutMethodInput): Promise<Record<string, unknown>> {
  // The API and the resource are checked before the verb (recorded: test_put_method_validation).
  return editResourceOfMethod(ctx, input, (resource, api) => {
    checkHttpMethod(input.httpMethod);
    const methods = resource.resourceMethods as Record<string, Draft<Method>>;
    if (methods[input.httpMethod]) throw conflict('Method already exists for this resource');
    const method: Draft<Method> = {
      httpMethod: input.httpMethod as HttpMethod,
      authorizationType: input.authorizationType as AuthorizationType,
      ...(input.authorizerId !== undefined ? { authorizerId: input.authorizerId } : {}),
      apiKeyRequired: input.apiKeyRequired ?? false,
      ...(input.operationName !== undefined ? { operationName: input.operationName } : {}),
      requestParameters: input.requestParameters ?? {},
      requestModels: input.requestModels ?? {},
      ...(input.requestValidatorId !== undefined ? { requestValidatorId: input.requestValidatorId } : {}),
      methodResponses: {},
    };
    checkMethod(api, method);
    methods[input.httpMethod] = method;
    return methodView(method as Method);
  });
}

export async function getMethod(ctx: ManagementContext, input: MethodAddress): Promise<Record<string, unknown>> {
  return methodView((await readMethod(ctx, input)).method);
}

/** Every scalar takes `replace` alone (recorded: test_update_method_validation "unsupported-operation"). */
const METHOD_PATCH: PatchSpec = {
  authorizationType: { kind: 'string' },
  authorizerId: { kind: 'string' },
  apiKeyRequired: { kind: 'boolean' },
  operationName: { kind: 'string' },
  requestValidatorId: { kind: 'string' },
  requestParameters: { kind: 'map', value: 'boolean' },
  requestModels: { kind: 'map', value: 'string' },
};

export async function updateMethod(ctx: ManagementContext, input: MethodAddress & { patchOperations?: PatchOperation[] }): Promise<Record<string, unknown>> {
  return editMethod(ctx, input, (method, api) => {
    applyPatch(method as unknown as Record<string, unknown>, METHOD_PATCH, input.patchOperations, { style: 'plain' });
    checkMethod(api, method);
    return methodView(method as Method);
  });
}

export async function deleteMethod(ctx: ManagementContext, input: MethodAddress): Promise<void> {
  await editMethod(ctx, input, (_method, _api, resource) => {
    delete (resource.resourceMethods as Record<string, unknown>)[input.httpMethod];
  });
}

type MethodResponseAddress = MethodAddress & { statusCode: string };

export async function putMethodResponse(
  ctx: ManagementContext,
  input: MethodResponseAddress & { responseParameters?: Record<string, boolean>; responseModels?: Record<string, string> },
): Promise<Record<string, unknown>> {
  return editMethod(ctx, input, (method, api) => {
    const response: Draft<MethodResponse> = {
      statusCode: input.statusCode,
      responseParameters: input.responseParameters ?? {},
      responseModels: input.responseModels ?? {},
      ...shownEmpty(input),
    };
    checkMethodResponse(api, response);
    method.methodResponses[input.statusCode] = response;
    return methodResponseView(response as MethodResponse);
  });
}

export async function getMethodResponse(ctx: ManagementContext, input: MethodResponseAddress): Promise<Record<string, unknown>> {
  const { method } = await readMethod(ctx, input);
  return methodResponseView(requireResponse(method.methodResponses, input.statusCode));
}

/** Maps a PutMethodResponse sent empty, which AWS then returns as `{}` (recorded: test_lifecycle_method_response). */
function shownEmpty(input: { responseParameters?: object; responseModels?: object }): { shownEmpty?: ('responseParameters' | 'responseModels')[] } {
  const shown = (['responseParameters', 'responseModels'] as const).filter((k) => input[k] !== undefined && Object.keys(input[k]!).length === 0);
  return shown.length > 0 ? { shownEmpty: [...shown] } : {};
}

/** Recorded: test_update_method_wrong_param_names, test_update_method_lack_response_parameters_and_models. */
const METHOD_RESPONSE_PATCH: PatchSpec = {
  responseParameters: { kind: 'map', value: 'boolean', missingKey: { ops: ['replace', 'remove'], error: () => notFound('Invalid parameter name specified') } },
  responseModels: { kind: 'map', value: 'string', missingKey: { ops: ['replace', 'remove'], error: () => notFound('Content-Type specified was not found') } },
};

export async function updateMethodResponse(
  ctx: ManagementContext,
  input: MethodResponseAddress & { patchOperations?: PatchOperation[] },
): Promise<Record<string, unknown>> {
  return editMethod(ctx, input, (method, api) => {
    const response = requireResponse(method.methodResponses, input.statusCode);
    applyPatch(response as unknown as Record<string, unknown>, METHOD_RESPONSE_PATCH, input.patchOperations, { style: 'plain' });
    delete (response as { shownEmpty?: unknown }).shownEmpty;
    checkMethodResponse(api, response);
    return methodResponseView(response as MethodResponse);
  });
}

export async function deleteMethodResponse(ctx: ManagementContext, input: MethodResponseAddress): Promise<void> {
  await editMethod(ctx, input, (method) => {
    requireResponse(method.methodResponses, input.statusCode);
    delete method.methodResponses[input.statusCode];
  });
}
