/** Stages: named pointers at deployments, with their variables and settings. */
import { conflict } from '../errors.js';
import type { Stage } from '../model.js';
import type { ApiAddress } from './addressing.js';
import type { ManagementContext } from './context.js';
import { deployToStage } from './deployments.js';
import { requireDeployment, requireStage } from './lookups.js';
import { applyPatch, type PatchOperation, type PatchSpec } from './patch.js';
import { stageView } from './views.js';

type StageAddress = ApiAddress & { stageName: string };

interface CreateStageInput extends StageAddress {
  deploymentId: string;
  description?: string;
  variables?: Record<string, string>;
  tags?: Record<string, string>;
  tracingEnabled?: boolean;
  cacheClusterEnabled?: boolean;
  documentationVersion?: string;
}

export async function createStage(ctx: ManagementContext, input: CreateStageInput): Promise<Record<string, unknown>> {
  const deployment = await requireDeployment(ctx, input.restApiId, input.deploymentId);
  if (await ctx.repo.getStage(input.restApiId, input.stageName)) throw conflict('Stage already exists');
  const stage = await deployToStage(ctx, deployment, input.stageName, {
    ...(input.description !== undefined ? { description: input.description } : {}),
    variables: input.variables ?? {},
    ...(input.tracingEnabled !== undefined ? { tracingEnabled: input.tracingEnabled } : {}),
    ...(input.cacheClusterEnabled !== undefined ? { cacheClusterEnabled: input.cacheClusterEnabled } : {}),
  });
  if (!input.tags && input.documentationVersion === undefined) return stageView(stage);
  const tagged: Stage = {
    ...stage,
    ...(input.tags ? { tags: input.tags } : {}),
    ...(input.documentationVersion !== undefined ? { documentationVersion: input.documentationVersion } : {}),
  };
  await ctx.stages.put(tagged, deployment);
  return stageView(tagged);
}

export async function getStage(ctx: ManagementContext, input: StageAddress): Promise<Record<string, unknown>> {
  return stageView(await requireStage(ctx, input.restApiId, input.stageName));
}

export async function getStages(ctx: ManagementContext, input: ApiAddress & { deploymentId?: string }): Promise<Record<string, unknown>> {
  await ctx.apis.require(input.restApiId);
  const stages = (await ctx.repo.listStages())
    .filter((s) => s.restApiId === input.restApiId && (input.deploymentId === undefined || s.deploymentId === input.deploymentId))
    .sort((a, b) => a.stageName.localeCompare(b.stageName));
  return { item: stages.map(stageView) };
}

const STAGE_PATCH: PatchSpec = {
  description: { kind: 'string', ops: ['add', 'replace', 'remove'] },
  deploymentId: { kind: 'string' },
  variables: { kind: 'map', value: 'string' },
  tracingEnabled: { kind: 'boolean' },
  cacheClusterEnabled: { kind: 'boolean' },
  documentationVersion: { kind: 'string', ops: ['add', 'replace', 'remove'] },
};

/** Method settings patch paths (`/{resourcePath}/{method}/logging/loglevel`) and the MethodSetting field each sets. */
const METHOD_SETTINGS: Record<string, { field: string; type: 'boolean' | 'number' | 'string' }> = {
  'metrics/enabled': { field: 'metricsEnabled', type: 'boolean' },
  'logging/loglevel': { field: 'loggingLevel', type: 'string' },
  'logging/dataTrace': { field: 'dataTraceEnabled', type: 'boolean' },
  'throttling/burstLimit': { field: 'throttlingBurstLimit', type: 'number' },
  'throttling/rateLimit': { field: 'throttlingRateLimit', type: 'number' },
  'caching/enabled': { field: 'cachingEnabled', type: 'boolean' },
  'caching/ttlInSeconds': { field: 'cacheTtlInSeconds', type: 'number' },
  'caching/dataEncrypted': { field: 'cacheDataEncrypted', type: 'boolean' },
  'caching/requireAuthorizationForCacheControl': { field: 'requireAuthorizationForCacheControl', type: 'boolean' },
  'caching/unauthorizedCacheControlHeaderStrategy': { field: 'unauthorizedCacheControlHeaderStrategy', type: 'string' },
};

export async function updateStage(ctx: ManagementContext, input: StageAddress & { patchOperations?: PatchOperation[] }): Promise<Record<string, unknown>> {
  const stage = structuredClone(await requireStage(ctx, input.restApiId, input.stageName)) as Stage & Record<string, unknown>;
  const methodSettings: Record<string, Record<string, unknown>> = { ...stage.methodSettings };
  applyPatch(stage, STAGE_PATCH, input.patchOperations, (op, segments) => {
    // Settings are recorded as AWS returns them; Sluice doesn't log, meter, throttle or cache per method.
    const setting = METHOD_SETTINGS[segments.slice(2).join('/')];
    if (!setting || segments.length !== 4 || op.op !== 'replace') return false;
    const key = `${segments[0]!.replace(/^\//, '') || '*'}/${segments[1]}`;
    const raw = op.value ?? '';
    const value = setting.type === 'boolean' ? raw === 'true' : setting.type === 'number' ? Number(raw) : raw;
    methodSettings[key] = { ...methodSettings[key], [setting.field]: value };
    return true;
  });
  const deployment = await requireDeployment(ctx, input.restApiId, stage.deploymentId);
  const updated: Stage = { ...stage, methodSettings, lastUpdatedDate: Math.floor(Date.now() / 1000) };
  await ctx.stages.put(updated, deployment);
  return stageView(updated);
}

export async function deleteStage(ctx: ManagementContext, input: StageAddress): Promise<void> {
  await requireStage(ctx, input.restApiId, input.stageName);
  await ctx.stages.delete(input.restApiId, input.stageName);
}
