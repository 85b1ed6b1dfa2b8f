/** Integrations (the integration request) and integration responses. */
import type { Draft } from '../api-store.js';
import { badRequest } from '../errors.js';
import { DEFAULT_TIMEOUT_MS, type ContentHandling, type HttpMethod, type Integration, type IntegrationResponse, type IntegrationType, type Method, type PassthroughBehavior } from '../model.js';
import { editMethod, editResourceOfMethod, readMethod, type MethodAddress } from './addressing.js';
import { checkIntegration, checkIntegrationResponse } from './checks.js';
import type { ManagementContext } from './context.js';
import { requireIntegration, requireResponse } from './lookups.js';
import { applyPatch, type PatchOperation, type PatchSpec } from './patch.js';
import { integrationResponseView, integrationView } from './views.js';

interface PutIntegrationInput extends MethodAddress {
  type: IntegrationType;
  integrationHttpMethod?: string;
  uri?: string;
  connectionType?: 'INTERNET' | 'VPC_LINK';
  connectionId?: string;
  credentials?: string;
  requestParameters?: Record<string, string>;
  requestTemplates?: Record<string, string | null>;
  passthroughBehavior?: string;
  cacheNamespace?: string;
  cacheKeyParameters?: string[];
  contentHandling?: ContentHandling;
  timeoutInMillis?: number;
}

/** Templates as stored: a null template is an empty one (AWS answers both as null). */
const templatesOf = (map: Record<string, string | null> | undefined): Record<string, string> =>
  Object.fromEntries(Object.entries(map ?? {}).map(([k, v]) => [k, v ?? '']));

/** The integration a PutIntegration asks for; AWS's defaults fill what it leaves out. */
function integrationFrom(input: PutIntegrationInput): Integration {
  const base = {
    requestParameters: input.requestParameters ?? {},
    requestTemplates: templatesOf(input.requestTemplates),
    passthroughBehavior: (input.passthroughBehavior ?? 'WHEN_NO_MATCH') as PassthroughBehavior,
    ...(input.contentHandling ? { contentHandling: input.contentHandling } : {}),
    timeoutInMillis: input.timeoutInMillis ?? DEFAULT_TIMEOUT_MS,
    // AWS names the cache namespace after the resource unless told otherwise.
    cacheNamespace: input.cacheNamespace ?? input.resourceId,
    cacheKeyParameters: input.cacheKeyParameters ?? [],
    integrationResponses: {},
  };
  const uri = input.uri ?? '';
  const httpMethod = input.integrationHttpMethod ?? '';
  switch (input.type) {
    case 'MOCK':
      return { type: 'MOCK', ...base };
    case 'AWS':
    case 'AWS_PROXY':
      return { type: input.type, uri, httpMethod, ...(input.credentials !== undefined ? { credentials: input.credentials } : {}), ...base };
    case 'HTTP':
    case 'HTTP_PROXY':
      return {
        type: input.type,
        uri,
        httpMethod,
        ...(input.connectionType ? { connectionType: input.connectionType } : {}),
        ...(input.connectionId !== undefined ? { connectionId: input.connectionId } : {}),
        ...base,
      };
    default:
      throw badRequest(`Invalid integration type specified: ${String(input.type)}`);
  }
}

export async function putIntegration(ctx: ManagementContext, input: PutIntegrationInput): Promise<Record<string, unknown>> {
  return editMethod(ctx, input, (method) => {
    const integration = integrationFrom(input);
    checkIntegration(integration, method as Method, ctx.templates);
    method.methodIntegration = integration as Draft<Integration>;
    return integrationView(integration);
  });
}

export async function getIntegration(ctx: ManagementContext, input: MethodAddress): Promise<Record<string, unknown>> {
  return integrationView(requireIntegration((await readMethod(ctx, input)).method));
}

const INTEGRATION_PATCH: PatchSpec = {
  type: { kind: 'string', values: ['AWS', 'AWS_PROXY', 'HTTP', 'HTTP_PROXY', 'MOCK'] },
  uri: { kind: 'string' },
  httpMethod: { kind: 'string' },
  credentials: { kind: 'string', ops: ['add', 'replace', 'remove'] },
  connectionType: { kind: 'string', values: ['INTERNET', 'VPC_LINK'] },
  connectionId: { kind: 'string', ops: ['add', 'replace', 'remove'] },
  passthroughBehavior: { kind: 'string', values: ['WHEN_NO_MATCH', 'WHEN_NO_TEMPLATES', 'NEVER'] },
  contentHandling: { kind: 'string', ops: ['add', 'replace', 'remove'], values: ['CONVERT_TO_TEXT', 'CONVERT_TO_BINARY'] },
  timeoutInMillis: { kind: 'integer', min: 50, max: DEFAULT_TIMEOUT_MS },
  cacheNamespace: { kind: 'string' },
  cacheKeyParameters: { kind: 'set', ops: ['add', 'remove'] },
  requestParameters: { kind: 'map', value: 'string' },
  requestTemplates: { kind: 'map', value: 'string' },
};

export async function updateIntegration(ctx: ManagementContext, input: MethodAddress & { patchOperations?: PatchOperation[] }): Promise<Record<string, unknown>> {
  return editMethod(ctx, input, (method) => {
    const integration = requireIntegration(method);
    applyPatch(integration as unknown as Record<string, unknown>, INTEGRATION_PATCH, input.patchOperations);
    checkIntegration(integration as Integration, method as Method, ctx.templates);
    return integrationView(integration as Integration);
  });
}

export async function deleteIntegration(ctx: ManagementContext, input: MethodAddress): Promise<void> {
  await editMethod(ctx, input, (method) => {
    requireIntegration(method);
    delete method.methodIntegration;
  });
}

type IntegrationResponseAddress = MethodAddress & { statusCode: string };

interface PutIntegrationResponseInput extends IntegrationResponseAddress {
  selectionPattern?: string;
  responseParameters?: Record<string, string>;
  responseTemplates?: Record<string, string | null>;
  contentHandling?: ContentHandling;
}

export async function putIntegrationResponse(ctx: ManagementContext, input: PutIntegrationResponseInput): Promise<Record<string, unknown>> {
  return editMethod(ctx, input, (method) => {
    const integration = requireIntegration(method);
    const response: IntegrationResponse = {
      statusCode: input.statusCode,
      // An empty pattern is the default response, as no pattern is; AWS returns it as sent.
      ...(input.selectionPattern !== undefined ? { selectionPattern: input.selectionPattern } : {}),
      responseParameters: input.responseParameters ?? {},
      responseTemplates: templatesOf(input.responseTemplates),
      ...(input.contentHandling ? { contentHandling: input.contentHandling } : {}),
    };
    checkIntegrationResponse(response, method as Method, ctx.templates);
    integration.integrationResponses[input.statusCode] = response;
    return integrationResponseView(response);
  });
}

export async function getIntegrationResponse(ctx: ManagementContext, input: IntegrationResponseAddress): Promise<Record<string, unknown>> {
  const integration = requireIntegration((await readMethod(ctx, input)).method);
  return integrationResponseView(requireResponse(integration.integrationResponses, input.statusCode));
}

const INTEGRATION_RESPONSE_PATCH: PatchSpec = {
  selectionPattern: { kind: 'string', ops: ['replace', 'remove'] },
  contentHandling: { kind: 'string', ops: ['add', 'replace', 'remove'], values: ['CONVERT_TO_TEXT', 'CONVERT_TO_BINARY'] },
  responseParameters: { kind: 'map', value: 'string' },
  responseTemplates: { kind: 'map', value: 'string' },
};

export async function updateIntegrationResponse(
  ctx: ManagementContext,
  input: IntegrationResponseAddress & { patchOperations?: PatchOperation[] },
): Promise<Record<string, unknown>> {
  return editMethod(ctx, input, (method) => {
    const response = requireResponse(requireIntegration(method).integrationResponses, input.statusCode);
    applyPatch(response as unknown as Record<string, unknown>, INTEGRATION_RESPONSE_PATCH, input.patchOperations);
    checkIntegrationResponse(response as IntegrationResponse, method as Method, ctx.templates);
    return integrationResponseView(response as IntegrationResponse);
  });
}

export async function deleteIntegrationResponse(ctx: ManagementContext, input: IntegrationResponseAddress): Promise<void> {
  // A method that isn't there has no integration: AWS says so (recorded: test_delete_integration_response_errors).
  await editResourceOfMethod(ctx, input, (resource) => {
    const method = Object.hasOwn(resource.resourceMethods, input.httpMethod) ? resource.resourceMethods[input.httpMethod as HttpMethod] : undefined;
    const integration = requireIntegration(method ?? {});
    requireResponse(integration.integrationResponses, input.statusCode);
    delete integration.integrationResponses[input.statusCode];
  });
}
