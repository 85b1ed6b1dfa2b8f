/** Gateway responses: an API's customisations of the errors API Gateway itself produces. */
import { badRequest, notFound } from '../errors.js';
import { compileMappings } from '../mapping.js';
import { GATEWAY_RESPONSE_TYPES, type GatewayResponse, type GatewayResponseType } from '../model.js';
import type { ApiAddress } from './addressing.js';
import { checkStatusCode } from './checks.js';
import type { ManagementContext } from './context.js';
import { applyPatch, type PatchOperation, type PatchSpec } from './patch.js';
import { DEFAULT_GATEWAY_STATUS, DEFAULT_GATEWAY_TEMPLATES, effectiveGatewayResponse, gatewayResponseView, page } from './views.js';

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
    // What a PUT leaves out is the type's own default, never DEFAULT_4XX/5XX's
    // (recorded: test_gateway_response_put "put-gateway-response-default-ignored").
    const templates = input.responseTemplates && Object.keys(input.responseTemplates).length > 0 ? input.responseTemplates : { ...DEFAULT_GATEWAY_TEMPLATES };
    const statusCode = input.statusCode ?? DEFAULT_GATEWAY_STATUS[type];
    const response: GatewayResponse = {
      responseType: type,
      ...(statusCode !== undefined ? { statusCode } : {}),
      responseParameters: input.responseParameters ?? {},
      responseTemplates: templates,
    };
    checkGatewayResponse(response);
    api.gatewayResponses[type] = response;
    return gatewayResponseView(type, api.gatewayResponses);
  });
}

export async function getGatewayResponse(ctx: ManagementContext, input: GatewayResponseAddress): Promise<Record<string, unknown>> {
  const type = checkType(input.responseType);
  const api = await ctx.apis.require(input.restApiId);
  return gatewayResponseView(type, api.gatewayResponses);
}

export async function getGatewayResponses(ctx: ManagementContext, input: ApiAddress & { position?: string; limit?: number }): Promise<Record<string, unknown>> {
  const api = await ctx.apis.require(input.restApiId);
  const all = GATEWAY_RESPONSE_TYPES.map((t) => gatewayResponseView(t, api.gatewayResponses));
  const { items, position } = page(all, input.position, input.limit ?? 500);
  return { items, position };
}

/** Recorded: test_update_gateway_response. */
const GATEWAY_RESPONSE_PATCH: PatchSpec = {
  statusCode: { kind: 'string', opError: 'invalid-path' },
  responseParameters: {
    kind: 'map',
    value: 'string',
    missingKey: { ops: ['replace'], error: () => notFound('Invalid parameter name specified') },
    emptyValue: () => badRequest('Invalid null or empty value in responseParameters'),
  },
  responseTemplates: { kind: 'map', value: 'string', emptyValue: () => badRequest('Invalid null or empty value in responseTemplates') },
};

export async function updateGatewayResponse(ctx: ManagementContext, input: GatewayResponseAddress & { patchOperations?: PatchOperation[] }): Promise<Record<string, unknown>> {
  const type = checkType(input.responseType);
  return ctx.apis.edit(input.restApiId, (api) => {
    // Patching a response the API doesn't customise starts from what it answers now.
    const current = effectiveGatewayResponse(type, api.gatewayResponses);
    const response = structuredClone({
      responseType: type,
      ...(current.statusCode !== undefined ? { statusCode: current.statusCode } : {}),
      responseParameters: current.responseParameters,
      responseTemplates: current.responseTemplates,
    }) as GatewayResponse & Record<string, unknown>;
    applyPatch(response, GATEWAY_RESPONSE_PATCH, input.patchOperations, { style: 'plain' });
    checkGatewayResponse(response);
    api.gatewayResponses[type] = response;
    return gatewayResponseView(type, api.gatewayResponses);
  });
}

export async function deleteGatewayResponse(ctx: ManagementContext, input: GatewayResponseAddress): Promise<void> {
  const type = checkType(input.responseType);
  await ctx.apis.edit(input.restApiId, (api) => {
    // Recorded: test_gateway_response_validation "delete-gateway-response-not-set".
    if (!api.gatewayResponses[type]) throw notFound('Gateway response type not defined on api');
    delete api.gatewayResponses[type];
  });
}
