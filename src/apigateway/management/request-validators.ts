/** Request validators: named switches for body and parameter validation that methods point at by id. */
import { badRequest } from '../errors.js';
import { newId } from '../ids.js';
import type { RequestValidator } from '../model.js';
import type { ApiAddress } from './addressing.js';
import type { ManagementContext } from './context.js';
import { requireValidator } from './lookups.js';
import { applyPatch, type PatchOperation, type PatchSpec } from './patch.js';
import { page, validatorView } from './views.js';

type ValidatorAddress = ApiAddress & { requestValidatorId: string };

export async function createRequestValidator(
  ctx: ManagementContext,
  input: ApiAddress & { name?: string; validateRequestBody?: boolean; validateRequestParameters?: boolean },
): Promise<Record<string, unknown>> {
  if (!input.name) throw badRequest('Invalid Request Validator name specified');
  return ctx.apis.edit(input.restApiId, (api) => {
    const validator: RequestValidator = {
      id: newId(6),
      name: input.name!,
      validateRequestBody: input.validateRequestBody ?? false,
      validateRequestParameters: input.validateRequestParameters ?? false,
    };
    api.requestValidators[validator.id] = validator;
    return validatorView(validator);
  });
}

export async function getRequestValidator(ctx: ManagementContext, input: ValidatorAddress): Promise<Record<string, unknown>> {
  const api = await ctx.apis.require(input.restApiId);
  return validatorView(requireValidator(api.requestValidators, input.requestValidatorId));
}

export async function getRequestValidators(ctx: ManagementContext, input: ApiAddress & { position?: string; limit?: number }): Promise<Record<string, unknown>> {
  const api = await ctx.apis.require(input.restApiId);
  const { items, position } = page(Object.values(api.requestValidators), input.position, input.limit);
  return { items: items.map(validatorView), position };
}

const VALIDATOR_PATCH: PatchSpec = {
  name: { kind: 'string' },
  validateRequestBody: { kind: 'boolean' },
  validateRequestParameters: { kind: 'boolean' },
};

export async function updateRequestValidator(ctx: ManagementContext, input: ValidatorAddress & { patchOperations?: PatchOperation[] }): Promise<Record<string, unknown>> {
  return ctx.apis.edit(input.restApiId, (api) => {
    const validator = requireValidator(api.requestValidators, input.requestValidatorId);
    applyPatch(validator as unknown as Record<string, unknown>, VALIDATOR_PATCH, input.patchOperations);
    if (!validator.name) throw badRequest('Invalid Request Validator name specified');
    return validatorView(validator as RequestValidator);
  });
}

export async function deleteRequestValidator(ctx: ManagementContext, input: ValidatorAddress): Promise<void> {
  await ctx.apis.edit(input.restApiId, (api) => {
    requireValidator(api.requestValidators, input.requestValidatorId);
    for (const resource of Object.values(api.resources)) {
      for (const method of Object.values(resource.resourceMethods)) {
        if (method?.requestValidatorId === input.requestValidatorId) {
          throw badRequest(`Cannot delete request validator ${input.requestValidatorId}: it is used by method ${method.httpMethod} ${resource.path}`);
        }
      }
    }
    delete api.requestValidators[input.requestValidatorId];
  });
}
