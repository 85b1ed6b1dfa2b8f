/** Gateway responses: an API's customisations of the errors API Gateway itself produces. */
import { badRequest } from '../errors.js';
import { compileMappings } from '../mapping.js';
import { GATEWAY_RESPONSE_TYPES, type GatewayResponse, type GatewayResponseType } from '../model.js';
import type { ApiAddress } from './addressing.js';
import { checkStatusCode } from './checks.js';
import type { ManagementContext } from './context.js';
import { applyPatch, type PatchOperation, type PatchSpec } from './patch.js';
import { gatewayResponseView, page } from './views.js';

type GatewayResponseAddress = ApiAddress & { responseType: string };

function checkType(type: string): GatewayResponseType {
  if (!(GATEWAY_RESPONSE_TYPES as readonly string[]).includes(type)) {
    throw badRequest(`Invalid gateway response type specified: ${type}. Valid values are ${GATEWAY_RESPONSE_TYPES.join(', ')}`);
  }
  return type as GatewayResponseType;
}

function checkGatewayResponse(r: GatewayResponse): void {
  if (r.statusCode !== undefined) checkStatusCode(r.statusCode);
  try {
    compileMappings(r.responseParameters, 'gatewayResponse');
  } catch (err) {
    throw badRequest((err as Error).message);
  }
}

export async function putGatewayResponse(
  ctx: ManagementContext,
  input: GatewayResponseAddress & { statusCode?: string; responseParameters?: Record<string, string>; responseTemplates?: Record<string, string> },
): Promise<Record<string, unknown>> {
  const type = checkType(input.responseType);
  return ctx.apis.edit(input.restApiId, (api) => {
    const response: GatewayResponse = {
      responseType: type,
      ...(input.statusCode !== undefined ? { statusCode: input.statusCode } : {}),
      responseParameters: input.responseParameters ?? {},
      responseTemplates: input.responseTemplates ?? {},
    };
    checkGatewayResponse(response);
    api.gatewayResponses[type] = response;
    return gatewayResponseView(type, response);
  });
}

export async function getGatewayResponse(ctx: ManagementContext, input: GatewayResponseAddress): Promise<Record<string, unknown>> {
  const type = checkType(input.responseType);
  const api = await ctx.apis.require(input.restApiId);
  return gatewayResponseView(type, api.gatewayResponses[type]);
}

export async function getGatewayResponses(ctx: ManagementContext, input: ApiAddress & { position?: string; limit?: number }): Promise<Record<string, unknown>> {
  const api = await ctx.apis.require(input.restApiId);
  const all = GATEWAY_RESPONSE_TYPES.map((t) => gatewayResponseView(t, api.gatewayResponses[t]));
  const { items, position } = page(all, input.position, input.limit ?? 500);
  return { items, position };
}

const GATEWAY_RESPONSE_PATCH: PatchSpec = {
  statusCode: { kind: 'string', ops: ['add', 'replace', 'remove'] },
  responseParameters: { kind: 'map', value: 'string' },
  responseTemplates: { kind: 'map', value: 'string' },
};

export async function updateGatewayResponse(ctx: ManagementContext, input: GatewayResponseAddress & { patchOperations?: PatchOperation[] }): Promise<Record<string, unknown>> {
  const type = checkType(input.responseType);
  return ctx.apis.edit(input.restApiId, (api) => {
    // Patching a default response customises it, starting from the default.
    const response = (api.gatewayResponses[type] ??= { responseType: type, responseParameters: {}, responseTemplates: {} });
    applyPatch(response as unknown as Record<string, unknown>, GATEWAY_RESPONSE_PATCH, input.patchOperations);
    checkGatewayResponse(response as GatewayResponse);
    return gatewayResponseView(type, response as GatewayResponse);
  });
}

export async function deleteGatewayResponse(ctx: ManagementContext, input: GatewayResponseAddress): Promise<void> {
  const type = checkType(input.responseType);
  await ctx.apis.edit(input.restApiId, (api) => {
    delete api.gatewayResponses[type];
  });
}
