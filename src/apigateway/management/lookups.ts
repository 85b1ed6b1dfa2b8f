/**
 * Finding the parts of an API a request names, with AWS's NotFoundException
 * wording for each kind of identifier. Generic over the value type so the
 * same lookups serve stored APIs and drafts being edited.
 */
import { notFound } from '../errors.js';
import type { Deployment, Stage } from '../model.js';
import type { ManagementContext } from './context.js';

export function requireResource<R>(resources: Record<string, R>, id: string): R {
  const r = Object.hasOwn(resources, id) ? resources[id] : undefined;
  if (!r) throw notFound('Invalid Resource identifier specified');
  return r;
}

export function requireMethod<M>(resource: { resourceMethods: Partial<Record<string, M>> }, httpMethod: string): M {
  const m = Object.hasOwn(resource.resourceMethods, httpMethod) ? resource.resourceMethods[httpMethod] : undefined;
  if (!m) throw notFound('Invalid Method identifier specified');
  return m;
}

export function requireIntegration<I>(method: { methodIntegration?: I }): I {
  if (!method.methodIntegration) throw notFound('Invalid Integration identifier specified');
  return method.methodIntegration;
}

/** Method responses and integration responses are both named by status code. */
export function requireResponse<R>(responses: Record<string, R>, statusCode: string): R {
  const r = Object.hasOwn(responses, statusCode) ? responses[statusCode] : undefined;
  if (!r) throw notFound('Invalid Response status code specified');
  return r;
}

export function requireModel<M>(models: Record<string, M>, name: string): M {
  const m = Object.hasOwn(models, name) ? models[name] : undefined;
  if (!m) throw notFound(`Invalid model name specified: ${name}`);
  return m;
}

export function requireValidator<V>(validators: Record<string, V>, id: string): V {
  const v = Object.hasOwn(validators, id) ? validators[id] : undefined;
  if (!v) throw notFound('Invalid Request Validator identifier specified');
  return v;
}

export const stageNotFound = (): Error => notFound('Invalid Stage identifier specified');
export const deploymentNotFound = (): Error => notFound('Invalid Deployment identifier specified');

export async function requireStage(ctx: ManagementContext, apiId: string, stageName: string): Promise<Stage> {
  await ctx.apis.require(apiId);
  const stage = await ctx.repo.getStage(apiId, stageName);
  if (!stage) throw stageNotFound();
  return stage;
}

export async function requireDeployment(ctx: ManagementContext, apiId: string, id: string): Promise<Deployment> {
  await ctx.apis.require(apiId);
  const deployment = await ctx.repo.getDeployment(apiId, id);
  if (!deployment) throw deploymentNotFound();
  return deployment;
}
