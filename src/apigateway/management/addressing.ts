/**
 * Reading and editing a method (and what hangs off it) named by the URI
 * labels every method-level operation shares: restapi_id, resource_id,
 * http_method. One place resolves the chain, so each handler only states
 * what it does to the method.
 */
import type { Draft } from '../api-store.js';
import { notFound } from '../errors.js';
import type { Method, Resource, RestApi } from '../model.js';
import type { ManagementContext } from './context.js';
import { requireMethod, requireResource } from './lookups.js';

export interface ApiAddress {
  readonly restApiId: string;
}

export interface ResourceAddress extends ApiAddress {
  readonly resourceId: string;
}

export interface MethodAddress extends ResourceAddress {
  readonly httpMethod: string;
}

export interface MethodInApi {
  readonly api: RestApi;
  readonly resource: Resource;
  readonly method: Method;
}

/**
 * The API a method-level call names. AWS answers an unknown API there as an unknown
 * resource (recorded: test_put_method_validation "wrong-api", test_get_integration_non_existent
 * "get-integration-no-api", test_integration_response_wrong_api).
 */
export async function requireApiOfResource(ctx: ManagementContext, apiId: string): Promise<RestApi> {
  const api = await ctx.apis.find(apiId);
  if (!api) throw notFound('Invalid Resource identifier specified');
  return api;
}

export async function readMethod(ctx: ManagementContext, a: MethodAddress): Promise<MethodInApi> {
  const api = await requireApiOfResource(ctx, a.restApiId);
  const resource = requireResource(api.resources, a.resourceId);
  return { api, resource, method: requireMethod(resource, a.httpMethod) };
}

/** Edits the resource's draft within its API; `change` may also read or edit the rest of the API. */
export function editResource<T>(
  ctx: ManagementContext,
  a: ResourceAddress,
  change: (resource: Draft<Resource>, api: Draft<RestApi>) => T | Promise<T>,
): Promise<T> {
  return ctx.apis.edit(a.restApiId, (api) => change(requireResource(api.resources, a.resourceId), api));
}

/** Edits a resource for a method-level call (an unknown API is an unknown resource there). */
export async function editResourceOfMethod<T>(
  ctx: ManagementContext,
  a: ResourceAddress,
  change: (resource: Draft<Resource>, api: Draft<RestApi>) => T | Promise<T>,
): Promise<T> {
  await requireApiOfResource(ctx, a.restApiId);
  return editResource(ctx, a, change);
}

export function editMethod<T>(
  ctx: ManagementContext,
  a: MethodAddress,
  change: (method: Draft<Method>, api: Draft<RestApi>, resource: Draft<Resource>) => T | Promise<T>,
): Promise<T> {
  return editResourceOfMethod(ctx, a, (resource, api) => change(requireMethod(resource, a.httpMethod), api, resource));
}
