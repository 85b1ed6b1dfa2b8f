/** Resources: the path tree of an API. Paths are derived from pathPart and parent, and kept in step on every change. */
import type { Draft } from '../api-store.js';
import { badRequest, conflict } from '../errors.js';
import { newId } from '../ids.js';
import { checkPathPart } from '../import-openapi.js';
import type { Resource, RestApi } from '../model.js';
import { editResource, type ApiAddress, type ResourceAddress } from './addressing.js';
import type { ManagementContext } from './context.js';
import { requireResource } from './lookups.js';
import { applyPatch, type PatchOperation, type PatchSpec } from './patch.js';
import { page, resourceView } from './views.js';

type Resources = Draft<RestApi>['resources'];

const embedsMethods = (embed: string[] | undefined): boolean => embed?.includes('methods') ?? false;

export async function getResources(
  ctx: ManagementContext,
  input: ApiAddress & { position?: string; limit?: number; embed?: string[] },
): Promise<Record<string, unknown>> {
  const api = await ctx.apis.require(input.restApiId);
  const sorted = Object.values(api.resources).sort((a, b) => a.path.localeCompare(b.path));
  const { items, position } = page(sorted, input.position, input.limit);
  return { items: items.map((r) => resourceView(r, embedsMethods(input.embed))), position };
}

export async function getResource(ctx: ManagementContext, input: ResourceAddress & { embed?: string[] }): Promise<Record<string, unknown>> {
  const api = await ctx.apis.require(input.restApiId);
  return resourceView(requireResource(api.resources, input.resourceId), embedsMethods(input.embed));
}

const childPath = (parentPath: string, part: string): string => (parentPath === '/' ? `/${part}` : `${parentPath}/${part}`);

/** The checks AWS makes where a resource sits: a valid part, no twin, one variable child at most, nothing under a greedy part. */
function checkPlacement(resources: Resources, resource: { id?: string; pathPart: string }, parent: Draft<Resource>): void {
  const problem = checkPathPart(resource.pathPart, true);
  if (problem) throw badRequest(problem);
  if (parent.pathPart.endsWith('+}')) {
    // AWS names the greedy part, not the path (recorded: test_create_proxy_resource_validation).
    throw badRequest(`Cannot create a child of a resource with a greedy path variable: ${parent.pathPart}`);
  }
  for (const sibling of Object.values(resources)) {
    if (sibling.parentId !== parent.id || sibling.id === resource.id) continue;
    if (sibling.pathPart === resource.pathPart) {
      throw conflict(`Another resource with the same parent already has this name: ${resource.pathPart}`);
    }
    if (sibling.pathPart.startsWith('{') && resource.pathPart.startsWith('{')) {
      throw badRequest(`A sibling (${sibling.pathPart}) of this resource already has a variable path part -- only one is allowed`);
    }
  }
}

export async function createResource(ctx: ManagementContext, input: ApiAddress & { parentId: string; pathPart: string }): Promise<Record<string, unknown>> {
  return ctx.apis.edit(input.restApiId, (api) => {
    const parent = requireResource(api.resources, input.parentId);
    checkPlacement(api.resources, { pathPart: input.pathPart }, parent);
    const resource = { id: newId(), parentId: parent.id, pathPart: input.pathPart, path: childPath(parent.path, input.pathPart), resourceMethods: {} };
    api.resources[resource.id] = resource;
    return resourceView(resource as Resource, false);
  });
}

/** Recomputes the paths below `root` after it moved or was renamed. */
function repath(resources: Resources, root: Draft<Resource>): void {
  for (const child of Object.values(resources)) {
    if (child.parentId !== root.id) continue;
    child.path = childPath(root.path, child.pathPart);
    repath(resources, child);
  }
}

const RESOURCE_PATCH: PatchSpec = { pathPart: { kind: 'string' }, parentId: { kind: 'string' } };
/** The paths as AWS lists them (recorded: test_update_resource_behaviour). */
const RESOURCE_PATHS = ['/parentId', '/pathPart'];

export async function updateResource(ctx: ManagementContext, input: ResourceAddress & { patchOperations?: PatchOperation[] }): Promise<Record<string, unknown>> {
  return editResource(ctx, input, (resource, api) => {
    if (resource.parentId === undefined) {
      // The root's own refusals name the field (recorded: test_update_resource_on_root).
      for (const op of input.patchOperations ?? []) {
        const field = op.path === '/pathPart' ? 'pathPart' : op.path === '/parentId' ? 'parentId' : undefined;
        if (field && op.op === 'replace') throw badRequest(`Root resource cannot update its ${field}.`);
      }
    }
    applyPatch(resource as unknown as Record<string, unknown>, RESOURCE_PATCH, input.patchOperations, { order: RESOURCE_PATHS });
    if (resource.parentId === undefined) return resourceView(resource as Resource, false);
    const parent = requireResource(api.resources, resource.parentId ?? '');
    for (let p: Draft<Resource> | undefined = parent; p; p = p.parentId ? api.resources[p.parentId] : undefined) {
      if (p.id === resource.id) throw badRequest('Resources cannot be cyclical.');
    }
    checkPlacement(api.resources, resource, parent);
    resource.path = childPath(parent.path, resource.pathPart);
    repath(api.resources, resource);
    return resourceView(resource as Resource, false);
  });
}

export async function deleteResource(ctx: ManagementContext, input: ResourceAddress): Promise<void> {
  await editResource(ctx, input, (resource, api) => {
    if (resource.parentId === undefined) throw badRequest('Cannot delete root resource');
    const doomed = new Set([resource.id]);
    // Children were created after their parents, but ids don't say so: sweep until nothing new joins.
    for (let grew = true; grew; ) {
      grew = false;
      for (const r of Object.values(api.resources)) {
        if (r.parentId !== undefined && doomed.has(r.parentId) && !doomed.has(r.id)) {
          doomed.add(r.id);
          grew = true;
        }
      }
    }
    for (const id of doomed) delete api.resources[id];
  });
}
