/**
 * Deployments: frozen snapshots of an API's current state. Creating one with
 * a stage name points that stage at it, which is what makes a change visible
 * on the stage's invoke URL; until then only TestInvokeMethod sees it.
 */
import { isRevisionConflict, isStoreUnavailable } from '../../store/documents.js';
import { ApiGatewayError, badRequest, conflict } from '../errors.js';
import { newId } from '../ids.js';
import type { Deployment, RestApi, Stage } from '../model.js';
import type { ApiAddress } from './addressing.js';
import { nowSeconds, type ManagementContext } from './context.js';
import { deploymentNotFound, requireDeployment } from './lookups.js';
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

type StageChanges = Partial<Pick<Stage, 'description' | 'variables' | 'tracingEnabled' | 'cacheClusterEnabled' | 'tags' | 'documentationVersion'>>;

/**
 * Points `stageName` at `deployment`, creating the stage or keeping what it had (variables are
 * merged over), by compare-and-set on the stored stage (stages.ts `write`): a change another node
 * made meanwhile is kept, this one is applied over it. `mustBeNew` (CreateStage): a stage that
 * exists, or that another node created first, is AWS's ConflictException.
 */
export async function deployToStage(
  ctx: ManagementContext,
  deployment: Deployment,
  stageName: string,
  changes: StageChanges = {},
  mustBeNew = false,
): Promise<Stage> {
  checkStageName(stageName);
  try {
    return await ctx.stages.write(deployment.restApiId, stageName, async (previous) => {
      if (mustBeNew && previous) throw conflict('Stage already exists');
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
        ...(changes.tags !== undefined ? { tags: changes.tags } : {}),
        ...(changes.documentationVersion !== undefined ? { documentationVersion: changes.documentationVersion } : {}),
        createdDate: previous?.createdDate ?? now,
        lastUpdatedDate: now,
      };
      return { stage, deployment };
    });
  } catch (err) {
    if (err instanceof ApiGatewayError || isRevisionConflict(err) || isStoreUnavailable(err)) throw err;
    throw badRequest(`Unable to deploy: ${(err as Error).message}`);
  }
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
  await ctx.repo.createDeployment(deployment);
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
  await ctx.apis.require(input.restApiId);
  const deployment = await ctx.repo.updateDeployment(input.restApiId, input.deploymentId, (current) => {
    if (!current) throw deploymentNotFound();
    const draft = structuredClone(current);
    applyPatch(draft as unknown as Record<string, unknown>, DEPLOYMENT_PATCH, input.patchOperations);
    return draft;
  });
  return deploymentView(deployment, false);
}

export async function deleteDeployment(ctx: ManagementContext, input: DeploymentAddress): Promise<void> {
  await ctx.apis.require(input.restApiId);
  // On the revision read: a deployment changed meanwhile is checked again. (A stage another node points
  // at it in the same instant is not seen: that would need a compare-and-set over two documents.)
  await ctx.repo.deleteDeployment(input.restApiId, input.deploymentId, async (current) => {
    if (!current) throw deploymentNotFound();
    const stages = await ctx.repo.listStages();
    if (stages.some((s) => s.restApiId === input.restApiId && s.deploymentId === input.deploymentId)) {
      throw badRequest('Active stages pointing to this deployment must be moved or deleted');
    }
  });
}
