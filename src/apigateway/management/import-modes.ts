/**
 * PutRestApi's two modes of applying an imported definition to an existing
 * API. `overwrite` replaces the API's definition with the imported one;
 * `merge` adds the imported resources, methods, models, validators and
 * gateway responses to it, the imported ones winning where both define the
 * same thing. Either way the API keeps its id, root resource, creation date
 * and tags, so its stages and their deployments stay as they are until the
 * next deployment.
 */
import type { Draft } from '../api-store.js';
import type { Method, Resource, RestApi } from '../model.js';

/** `imported` becomes the API's definition; identity and settings not in a definition stay. */
export function overwriteWith(current: RestApi, imported: RestApi): RestApi {
  const resources: Record<string, Resource> = {};
  for (const r of Object.values(imported.resources)) {
    // The root keeps its id: callers hold on to it.
    const id = r.id === imported.rootResourceId ? current.rootResourceId : r.id;
    const parentId = r.parentId === imported.rootResourceId ? current.rootResourceId : r.parentId;
    resources[id] = { ...r, id, ...(parentId !== undefined ? { parentId } : {}) };
  }
  return {
    ...imported,
    id: current.id,
    createdDate: current.createdDate,
    rootResourceId: current.rootResourceId,
    resources,
    ...(current.tags ? { tags: current.tags } : {}),
    ...(current.endpointConfiguration ? { endpointConfiguration: current.endpointConfiguration } : {}),
    ...(current.policy !== undefined ? { policy: current.policy } : {}),
  };
}

/** Adds `imported` to `draft`: resources matched by path, methods by verb, models by name, validators by name. */
export function mergeInto(draft: Draft<RestApi>, imported: RestApi): void {
  // Imported methods name validators by their ids in `imported`; map them to the draft's validators of the same name.
  const validatorIds = new Map<string, string>();
  for (const v of Object.values(imported.requestValidators)) {
    const existing = Object.values(draft.requestValidators).find((d) => d.name === v.name);
    if (existing) {
      Object.assign(existing, { validateRequestBody: v.validateRequestBody, validateRequestParameters: v.validateRequestParameters });
      validatorIds.set(v.id, existing.id);
    } else {
      draft.requestValidators[v.id] = { ...v };
      validatorIds.set(v.id, v.id);
    }
  }
  for (const m of Object.values(imported.models)) {
    const existing = draft.models[m.name];
    draft.models[m.name] = structuredClone({ ...m, id: existing?.id ?? m.id });
  }
  Object.assign(draft.gatewayResponses, structuredClone(imported.gatewayResponses));
  for (const t of imported.binaryMediaTypes) if (!draft.binaryMediaTypes.includes(t)) draft.binaryMediaTypes.push(t);

  const byPath = new Map(Object.values(draft.resources).map((r) => [r.path, r]));
  const importedById = new Map(Object.values(imported.resources).map((r) => [r.id, r]));
  // Parents before children, so each imported resource finds its parent already placed.
  for (const r of Object.values(imported.resources).sort((a, b) => a.path.length - b.path.length)) {
    let target = byPath.get(r.path);
    if (!target) {
      const parentPath = importedById.get(r.parentId ?? '')?.path ?? '/';
      const parent = byPath.get(parentPath)!;
      target = { id: r.id, parentId: parent.id, pathPart: r.pathPart, path: r.path, resourceMethods: {} };
      draft.resources[target.id] = target;
      byPath.set(r.path, target);
    }
    for (const [verb, method] of Object.entries(r.resourceMethods) as Array<[string, Method | undefined]>) {
      if (!method) continue;
      const copy = structuredClone(method) as Draft<Method>;
      if (copy.requestValidatorId !== undefined) copy.requestValidatorId = validatorIds.get(copy.requestValidatorId) ?? copy.requestValidatorId;
      (target.resourceMethods as Record<string, Draft<Method>>)[verb] = copy;
    }
  }
}
