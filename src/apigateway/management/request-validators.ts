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
  // An unknown API is a 400 here (recorded: test_create_request_validator_invalid_api_id).
  if (!(await ctx.apis.find(input.restApiId))) throw badRequest('Invalid REST API identifier specified');
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

/** A validator call naming an unknown API is answered as one naming an unknown validator (recorded: test_invalid_get_request_validator). */
async function requireApiOfValidator(ctx: ManagementContext, input: ValidatorAddress): Promise<void> {
  if (!(await ctx.apis.find(input.restApiId))) requireValidator({}, input.requestValidatorId);
}

export async function getRequestValidator(ctx: ManagementContext, input: ValidatorAddress): Promise<Record<string, unknown>> {
  await requireApiOfValidator(ctx, input);
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

/** Recorded: test_invalid_update_request_validator_operations. */
const VALIDATOR_PATHS = ['/name', '/validateRequestParameters', '/validateRequestBody'];

export async function updateRequestValidator(ctx: ManagementContext, input: ValidatorAddress & { patchOperations?: PatchOperation[] }): Promise<Record<string, unknown>> {
  await requireApiOfValidator(ctx, input);
  return ctx.apis.edit(input.restApiId, (api) => {
    const validator = requireValidator(api.requestValidators, input.requestValidatorId);
    applyPatch(validator as unknown as Record<string, unknown>, VALIDATOR_PATCH, input.patchOperations, { order: VALIDATOR_PATHS });
    if (!validator.name) throw badRequest('Request Validator name cannot be blank');
    return validatorView(validator as RequestValidator);
  });
}

export async function deleteRequestValidator(ctx: ManagementContext, input: ValidatorAddress): Promise<void> {
  await requireApiOfValidator(ctx, input);
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
