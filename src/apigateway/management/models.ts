/** Models: JSON Schema (draft 4) documents methods validate bodies against, named per API. */
import { conflict } from '../errors.js';
import { newId } from '../ids.js';
import type { Model, RestApi } from '../model.js';
import type { ApiAddress } from './addressing.js';
import { checkModel } from './checks.js';
import type { ManagementContext } from './context.js';
import { requireModel } from './lookups.js';
import { applyPatch, type PatchOperation, type PatchSpec } from './patch.js';
import { modelView, page } from './views.js';

type ModelAddress = ApiAddress & { modelName: string };

export async function createModel(
  ctx: ManagementContext,
  input: ApiAddress & { name: string; description?: string; schema?: string; contentType: string },
): Promise<Record<string, unknown>> {
  return ctx.apis.edit(input.restApiId, (api) => {
    if (api.models[input.name]) throw conflict('Model name already exists for this REST API');
    const model: Model = {
      id: newId(6),
      name: input.name,
      ...(input.description !== undefined ? { description: input.description } : {}),
      contentType: input.contentType,
      schema: input.schema ?? '{}',
    };
    checkModel(api as RestApi, model);
    api.models[model.name] = model;
    return modelView(model);
  });
}

export async function getModel(ctx: ManagementContext, input: ModelAddress): Promise<Record<string, unknown>> {
  const api = await ctx.apis.require(input.restApiId);
  return modelView(requireModel(api.models, input.modelName));
}

export async function getModels(ctx: ManagementContext, input: ApiAddress & { position?: string; limit?: number }): Promise<Record<string, unknown>> {
  const api = await ctx.apis.require(input.restApiId);
  const sorted = Object.values(api.models).sort((a, b) => a.name.localeCompare(b.name));
  const { items, position } = page(sorted, input.position, input.limit);
  return { items: items.map(modelView), position };
}

const MODEL_PATCH: PatchSpec = { schema: { kind: 'string' }, description: { kind: 'string', ops: ['add', 'replace', 'remove'] } };

export async function updateModel(ctx: ManagementContext, input: ModelAddress & { patchOperations?: PatchOperation[] }): Promise<Record<string, unknown>> {
  return ctx.apis.edit(input.restApiId, (api) => {
    const model = requireModel(api.models, input.modelName);
    applyPatch(model as unknown as Record<string, unknown>, MODEL_PATCH, input.patchOperations);
    checkModel(api as RestApi, model as Model);
    return modelView(model as Model);
  });
}

export async function deleteModel(ctx: ManagementContext, input: ModelAddress): Promise<void> {
  await ctx.apis.edit(input.restApiId, (api) => {
    requireModel(api.models, input.modelName);
    delete api.models[input.modelName];
  });
}
