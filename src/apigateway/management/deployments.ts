/**
 * Deployments: frozen snapshots of an API's current state. Creating one with
 * a stage name points that stage at it, which is what makes a change visible
 * on the stage's invoke URL; until then only TestInvokeMethod sees it.
 */
import { ApiGatewayError, badRequest } from '../errors.js';
import { newId } from '../ids.js';
import type { Deployment, RestApi, Stage } from '../model.js';
import type { ApiAddress } from './addressing.js';
import { nowSeconds, type ManagementContext } from './context.js';
import { requireDeployment } from './lookups.js';
import { applyPatch, type PatchOperation, type PatchSpec } from './patch.js';
import { deploymentView, page } from './views.js';

type DeploymentAddress = ApiAddress & { deploymentId: string };

/** AWS refuses to deploy an API with nothing to call, or with a method that has nowhere to go. */
function checkDeployable(api: RestApi): void {
  let methods = 0;
  for (const resource of Object.values(api.resources)) {
    for (const method of Object.values(resource.resourceMethods)) {
      if (!method) continue;
      methods++;
      if (!method.methodIntegration) throw badRequest('No integration defined for method');
    }
  }
  if (methods === 0) throw badRequest("The REST API doesn't contain any methods");
}

export function checkStageName(name: string): void {
  if (!/^[a-zA-Z0-9_-]{1,128}$/.test(name)) throw badRequest('Stage name only allows a-zA-Z0-9_-');
}

/** Points `stageName` at `deployment`, creating the stage or keeping what it had (variables are merged over). */
export async function deployToStage(
  ctx: ManagementContext,
  deployment: Deployment,
  stageName: string,
  changes: Partial<Pick<Stage, 'description' | 'variables' | 'tracingEnabled' | 'cacheClusterEnabled'>> = {},
): Promise<Stage> {
  checkStageName(stageName);
  const previous = await ctx.repo.getStage(deployment.restApiId, stageName);
  const now = nowSeconds();
  const stage: Stage = {
    ...previous,
    restApiId: deployment.restApiId,
    stageName,
    deploymentId: deployment.id,
    ...(changes.description !== undefined ? { description: changes.description } : {}),
    variables: { ...previous?.variables, ...changes.variables },
    ...(changes.tracingEnabled !== undefined ? { tracingEnabled: changes.tracingEnabled } : {}),
    ...(changes.cacheClusterEnabled !== undefined ? { cacheClusterEnabled: changes.cacheClusterEnabled } : {}),
    createdDate: previous?.createdDate ?? now,
    lastUpdatedDate: now,
  };
  try {
    await ctx.stages.put(stage, deployment);
  } catch (err) {
    if (err instanceof ApiGatewayError) throw err;
    throw badRequest(`Unable to deploy: ${(err as Error).message}`);
  }
  return stage;
}

interface CreateDeploymentInput extends ApiAddress {
  stageName?: string;
  stageDescription?: string;
  description?: string;
  variables?: Record<string, string>;
  tracingEnabled?: boolean;
  cacheClusterEnabled?: boolean;
}

export async function createDeployment(ctx: ManagementContext, input: CreateDeploymentInput): Promise<Record<string, unknown>> {
  if (input.stageName === '') delete input.stageName; // Terraform sends "" for "no stage"; AWS then creates none.
  const api = await ctx.apis.require(input.restApiId);
  checkDeployable(api);
  // An empty stage name is no stage, as on AWS: Terraform's aws_api_gateway_deployment sends "" when
  // the stage is a resource of its own.
  const stageName = input.stageName === '' ? undefined : input.stageName;
  if (stageName !== undefined) checkStageName(stageName);
  const deployment: Deployment = {
    id: newId(),
    restApiId: api.id,
    ...(input.description !== undefined ? { description: input.description } : {}),
    createdDate: nowSeconds(),
    api,
  };
  await ctx.repo.putDeployment(deployment);
  if (stageName !== undefined) {
    await deployToStage(ctx, deployment, stageName, {
      ...(input.stageDescription !== undefined ? { description: input.stageDescription } : {}),
      ...(input.variables ? { variables: input.variables } : {}),
      ...(input.tracingEnabled !== undefined ? { tracingEnabled: input.tracingEnabled } : {}),
      ...(input.cacheClusterEnabled !== undefined ? { cacheClusterEnabled: input.cacheClusterEnabled } : {}),
    });
  }
  return deploymentView(deployment, false);
}

export async function getDeployment(ctx: ManagementContext, input: DeploymentAddress & { embed?: string[] }): Promise<Record<string, unknown>> {
  const deployment = await requireDeployment(ctx, input.restApiId, input.deploymentId);
  return deploymentView(deployment, input.embed?.includes('apisummary') ?? false);
}

export async function getDeployments(ctx: ManagementContext, input: ApiAddress & { position?: string; limit?: number }): Promise<Record<string, unknown>> {
  await ctx.apis.require(input.restApiId);
  const all = (await ctx.repo.listDeployments(input.restApiId)).sort((a, b) => a.createdDate - b.createdDate);
  const { items, position } = page(all, input.position, input.limit);
  return { items: items.map((d) => deploymentView(d, false)), position };
}

const DEPLOYMENT_PATCH: PatchSpec = { description: { kind: 'string', ops: ['add', 'replace', 'remove'] } };

export async function updateDeployment(ctx: ManagementContext, input: DeploymentAddress & { patchOperations?: PatchOperation[] }): Promise<Record<string, unknown>> {
  const deployment = structuredClone(await requireDeployment(ctx, input.restApiId, input.deploymentId));
  applyPatch(deployment as unknown as Record<string, unknown>, DEPLOYMENT_PATCH, input.patchOperations);
  await ctx.repo.putDeployment(deployment);
  return deploymentView(deployment, false);
}

export async function deleteDeployment(ctx: ManagementContext, input: DeploymentAddress): Promise<void> {
  await requireDeployment(ctx, input.restApiId, input.deploymentId);
  const stages = await ctx.repo.listStages();
  if (stages.some((s) => s.restApiId === input.restApiId && s.deploymentId === input.deploymentId)) {
    throw badRequest('Active stages pointing to this deployment must be moved or deleted');
  }
  await ctx.repo.deleteDeployment(input.restApiId, input.deploymentId);
}
