/** Methods and their method responses. */
import type { Draft } from '../api-store.js';
import { badRequest, conflict } from '../errors.js';
import type { AuthorizationType, HttpMethod, Method, MethodResponse, RestApi } from '../model.js';
import { editMethod, editResource, readMethod, type MethodAddress } from './addressing.js';
import { checkHttpMethod, checkModelNames, checkStatusCode } from './checks.js';
import type { ManagementContext } from './context.js';
import { requireResponse, requireValidator } from './lookups.js';
import { applyPatch, type PatchOperation, type PatchSpec } from './patch.js';
import { methodResponseView, methodView } from './views.js';

const AUTHORIZATION_TYPES = ['NONE', 'AWS_IAM', 'CUSTOM', 'COGNITO_USER_POOLS'];
const REQUEST_PARAMETER = /^method\.request\.(path|querystring|header|multivaluequerystring|multivalueheader)\.[a-zA-Z0-9._$-]+$/;
const RESPONSE_PARAMETER = /^method\.response\.header\.[a-zA-Z0-9._$-]+$/;

/** What a method may say about itself, whether put whole or patched. */
function checkMethod(api: Draft<RestApi>, method: Draft<Method>): void {
  if (!AUTHORIZATION_TYPES.includes(method.authorizationType)) {
    throw badRequest(`Invalid authorization type specified: ${method.authorizationType}. Valid values are ${AUTHORIZATION_TYPES.join(', ')}`);
  }
  for (const key of Object.keys(method.requestParameters)) {
    if (!REQUEST_PARAMETER.test(key)) throw badRequest(`Invalid method request parameter specified: ${key}`);
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
  checkHttpMethod(input.httpMethod);
  return editResource(ctx, input, (resource, api) => {
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

const METHOD_PATCH: PatchSpec = {
  authorizationType: { kind: 'string' },
  authorizerId: { kind: 'string', ops: ['replace', 'remove'] },
  apiKeyRequired: { kind: 'boolean' },
  operationName: { kind: 'string', ops: ['add', 'replace', 'remove'] },
  requestValidatorId: { kind: 'string', ops: ['replace', 'remove'] },
  requestParameters: { kind: 'map', value: 'boolean' },
  requestModels: { kind: 'map', value: 'string' },
};

export async function updateMethod(ctx: ManagementContext, input: MethodAddress & { patchOperations?: PatchOperation[] }): Promise<Record<string, unknown>> {
  return editMethod(ctx, input, (method, api) => {
    applyPatch(method as unknown as Record<string, unknown>, METHOD_PATCH, input.patchOperations);
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

const METHOD_RESPONSE_PATCH: PatchSpec = {
  responseParameters: { kind: 'map', value: 'boolean' },
  responseModels: { kind: 'map', value: 'string' },
};

export async function updateMethodResponse(
  ctx: ManagementContext,
  input: MethodResponseAddress & { patchOperations?: PatchOperation[] },
): Promise<Record<string, unknown>> {
  return editMethod(ctx, input, (method, api) => {
    const response = requireResponse(method.methodResponses, input.statusCode);
    applyPatch(response as unknown as Record<string, unknown>, METHOD_RESPONSE_PATCH, input.patchOperations);
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
