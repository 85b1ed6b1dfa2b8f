/** Models: JSON Schema (draft 4) documents methods validate bodies against, named per API. */
import { badRequest, conflict } from '../errors.js';
import { newId } from '../ids.js';
import type { Model, RestApi } from '../model.js';
import type { ApiAddress } from './addressing.js';
import { checkModel } from './checks.js';
import type { ManagementContext } from './context.js';
import { requireModel } from './lookups.js';
import { applyPatch, type PatchOperation, type PatchSpec } from './patch.js';
import { modelView, page } from './views.js';

type ModelAddress = ApiAddress & { modelName: string };

/** Recorded: test_model_validation, test_update_model. */
const EMPTY_SCHEMA = 'Model schema must have at least 1 property or array items defined';

export async function createModel(
  ctx: ManagementContext,
  input: ApiAddress & { name: string; description?: string; schema?: string; contentType: string },
): Promise<Record<string, unknown>> {
  return ctx.apis.edit(input.restApiId, (api) => {
    if (api.models[input.name]) throw conflict('Model name already exists for this REST API');
    if (input.name === '') throw badRequest('Model name must be non-empty');
    if (!input.schema) throw badRequest(EMPTY_SCHEMA);
    const model: Model = {
      id: newId(6),
      name: input.name,
      ...(input.description !== undefined ? { description: input.description } : {}),
      contentType: input.contentType,
      schema: input.schema,
    };
    checkModel(api as RestApi, model);
    api.models[model.name] = model;
    return modelView(model);
  });
}

/** A model call naming an unknown API is answered as one naming an unknown model (recorded: test_model_validation). */
async function requireApiOfModel(ctx: ManagementContext, input: ModelAddress): Promise<void> {
  if (!(await ctx.apis.find(input.restApiId))) requireModel({}, input.modelName);
}

export async function getModel(ctx: ManagementContext, input: ModelAddress): Promise<Record<string, unknown>> {
  await requireApiOfModel(ctx, input);
  const api = await ctx.apis.require(input.restApiId);
  return modelView(requireModel(api.models, input.modelName));
}

export async function getModels(ctx: ManagementContext, input: ApiAddress & { position?: string; limit?: number }): Promise<Record<string, unknown>> {
  const api = await ctx.apis.require(input.restApiId);
  const sorted = Object.values(api.models).sort((a, b) => a.name.localeCompare(b.name));
  const { items, position } = page(sorted, input.position, input.limit);
  return { items: items.map(modelView), position };
}

const MODEL_PATCH: PatchSpec = { schema: { kind: 'string' }, description: { kind: 'string' } };

export async function updateModel(ctx: ManagementContext, input: ModelAddress & { patchOperations?: PatchOperation[] }): Promise<Record<string, unknown>> {
  await requireApiOfModel(ctx, input);
  return ctx.apis.edit(input.restApiId, (api) => {
    const model = requireModel(api.models, input.modelName);
    applyPatch(model as unknown as Record<string, unknown>, MODEL_PATCH, input.patchOperations, { order: ['/description', '/schema'] });
    if (!model.schema) throw badRequest(EMPTY_SCHEMA);
    checkModel(api as RestApi, model as Model);
    return modelView(model as Model);
  });
}

export async function deleteModel(ctx: ManagementContext, input: ModelAddress): Promise<void> {
  await requireApiOfModel(ctx, input);
  await ctx.apis.edit(input.restApiId, (api) => {
    requireModel(api.models, input.modelName);
    // A model a method request names can't go; AWS names the last such method (recorded: test_put_method_model).
    let user: string | undefined;
    for (const resource of Object.values(api.resources)) {
      for (const method of Object.values(resource.resourceMethods)) {
        if (method && Object.values(method.requestModels).includes(input.modelName)) user = `${resource.path}/${method.httpMethod}`;
      }
    }
    if (user) throw conflict(`Cannot delete model '${input.modelName}', is referenced in method request: ${user}`);
    delete api.models[input.modelName];
  });
}
