/** Stages: named pointers at deployments, with their variables and settings. */
import { accessLogDestinationProblem, accessLogFormatProblem } from '../access-log-settings.js';
import { badRequest, conflict } from '../errors.js';
import type { Stage } from '../model.js';
import { cloudWatchRoleArn } from './account.js';
import type { ApiAddress } from './addressing.js';
import type { ManagementContext } from './context.js';
import { deployToStage } from './deployments.js';
import { requireDeployment, requireStage, stageNotFound } from './lookups.js';
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
  // A create (compare-and-set on "no such stage"): of two CreateStage of one name on two nodes, the
  // one that loses finds the other's stage and answers the same ConflictException.
  const stage = await deployToStage(ctx, deployment, input.stageName, {
    ...(input.description !== undefined ? { description: input.description } : {}),
    variables: input.variables ?? {},
    ...(input.tracingEnabled !== undefined ? { tracingEnabled: input.tracingEnabled } : {}),
    ...(input.cacheClusterEnabled !== undefined ? { cacheClusterEnabled: input.cacheClusterEnabled } : {}),
    ...(input.tags ? { tags: input.tags } : {}),
    ...(input.documentationVersion !== undefined ? { documentationVersion: input.documentationVersion } : {}),
  }, true);
  return stageView(stage);
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
  cacheClusterSize: { kind: 'string' },
  clientCertificateId: { kind: 'string', ops: ['add', 'replace', 'remove'] },
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

/** AWS's list of the paths a stage takes, verbatim (recorded: localstack test_apigateway_common.snapshot.json, TestStages::test_create_update_stages). */
const STAGE_PATHS =
  '[/deploymentId, /description, /cacheClusterEnabled, /cacheClusterSize, /clientCertificateId, /accessLogSettings, /accessLogSettings/destinationArn, /accessLogSettings/format, ' +
  '/{resourcePath}/{httpMethod}/metrics/enabled, /{resourcePath}/{httpMethod}/logging/dataTrace, /{resourcePath}/{httpMethod}/logging/loglevel, ' +
  '/{resourcePath}/{httpMethod}/throttling/burstLimit/{resourcePath}/{httpMethod}/throttling/rateLimit/{resourcePath}/{httpMethod}/caching/ttlInSeconds, ' +
  '/{resourcePath}/{httpMethod}/caching/enabled, /{resourcePath}/{httpMethod}/caching/dataEncrypted, /{resourcePath}/{httpMethod}/caching/requireAuthorizationForCacheControl, ' +
  '/{resourcePath}/{httpMethod}/caching/unauthorizedCacheControlHeaderStrategy, /*/*/metrics/enabled, /*/*/logging/dataTrace, /*/*/logging/loglevel, ' +
  '/*/*/throttling/burstLimit /*/*/throttling/rateLimit /*/*/caching/ttlInSeconds, /*/*/caching/enabled, /*/*/caching/dataEncrypted, ' +
  '/*/*/caching/requireAuthorizationForCacheControl, /*/*/caching/unauthorizedCacheControlHeaderStrategy, /variables/{variable_name}, /tracingEnabled]';

const ACCESS_LOG_FIELDS = ['destinationArn', 'format'];
const nothingToRemove = (what: string): Error => badRequest(`Cannot remove method setting ${what} because there is no method setting for this method `);

/**
 * AWS's refusal to turn on logging (access logs, or a logging level other than OFF) while the
 * account has no CloudWatch role (UpdateAccount `/cloudwatchRoleArn`), quoted from AWS in
 * aws-solutions/virtual-waiting-room-on-aws#74 and anomalyco/sst#1556. Terraform's acceptance
 * tests for aws_api_gateway_method_settings set the account's role for `logging_level` only,
 * not for `data_trace_enabled` or `metrics_enabled`: those need none.
 */
const NO_CLOUDWATCH_ROLE = 'CloudWatch Logs role ARN must be set in account settings to enable logging';

/** Method setting paths end in one of these (`/{resourcePath}/{httpMethod}/logging/loglevel`). */
const METHOD_SETTING_PATH = new RegExp(`^/(.*)/([^/]+)/(${Object.keys(METHOD_SETTINGS).join('|')})$`);

/**
 * The stage paths outside STAGE_PATCH: access log settings, method settings, and AWS's refusals
 * of the rest (recorded: test_apigateway_api TestApiGatewayStage::test_stage_access_log_settings(_validation),
 * test_apigateway_common TestStages::test_create_update_stages, test_update_stage_remove_wildcard).
 * `loggingAllowed`: whether the account has a CloudWatch role, which turning logging on needs.
 */
function patchStageSettings(
  stage: Record<string, unknown>,
  methodSettings: Record<string, Record<string, unknown>>,
  op: PatchOperation,
  segments: readonly string[],
  loggingAllowed: boolean,
): true {
  const path = op.path ?? '';
  if (segments[0] === 'accessLogSettings') {
    const field = segments.length === 2 ? segments[1]! : undefined;
    if (op.op === 'remove') {
      if (segments.length === 1) {
        delete stage['accessLogSettings'];
        return true;
      }
      throw nothingToRemove(segments.join('/'));
    }
    if ((op.op === 'add' || op.op === 'replace') && field !== undefined && ACCESS_LOG_FIELDS.includes(field)) {
      if (!op.value) throw badRequest('Access Log value must not be empty');
      const problem = field === 'format' ? accessLogFormatProblem(op.value) : accessLogDestinationProblem(op.value);
      if (problem) throw badRequest(problem);
      if (!loggingAllowed) throw badRequest(NO_CLOUDWATCH_ROLE);
      stage['accessLogSettings'] = { ...(stage['accessLogSettings'] as object | undefined), [field]: op.value };
      return true;
    }
    throw badRequest('Invalid accessLogSettings path. Must be one of : [/accessLogSettings/destinationArn, /accessLogSettings/format]');
  }
  // Method settings: `/{resourcePath}/{httpMethod}/{setting}`, kept under the path's text as written
  // (`/~1pets/GET/...` as `~1pets/GET`, `/pets/{id}/GET/...` as `pets/{id}/GET`, `/*/*/...` as `*/*`:
  // see method-settings.ts).
  const named = METHOD_SETTING_PATH.exec(path);
  if (op.op === 'replace' && named) {
    const key = `${named[1]}/${named[2]}`;
    const setting = METHOD_SETTINGS[named[3]!]!;
    // Settings are recorded as AWS returns them; throttling (usage/gate.ts), logging, data trace and
    // metrics (method-settings.ts) take effect; caching is recorded only.
    const raw = op.value ?? '';
    const value = setting.type === 'boolean' ? raw === 'true' : setting.type === 'number' ? Number(raw) : raw;
    if (setting.field === 'loggingLevel' && raw.toUpperCase() !== 'OFF' && !loggingAllowed) throw badRequest(NO_CLOUDWATCH_ROLE);
    methodSettings[key] = { ...methodSettings[key], [setting.field]: value };
    return true;
  }
  if (op.op === 'remove') {
    // `remove /~1pets/GET` (`remove /*/*`, as Terraform deletes aws_api_gateway_method_settings) drops that entry.
    const key = path.replace(/^\//, '');
    if (Object.hasOwn(methodSettings, key)) {
      delete methodSettings[key];
      return true;
    }
    throw nothingToRemove(key);
  }
  if (op.op === 'add') throw badRequest(`Invalid add operation with path: ${path}`);
  throw badRequest(`Invalid method setting path: ${path}. Must be one of: ${STAGE_PATHS}`);
}

export async function updateStage(ctx: ManagementContext, input: StageAddress & { patchOperations?: PatchOperation[] }): Promise<Record<string, unknown>> {
  await ctx.apis.require(input.restApiId);
  const loggingAllowed = Boolean(await cloudWatchRoleArn(ctx));
  // Read, patch, compare-and-set: when another node changed the stage meanwhile, the patch is applied
  // again over that change (both kept), or refused as it would be on the stage as it now is.
  const updated = await ctx.stages.write(input.restApiId, input.stageName, async (current) => {
    if (!current) throw stageNotFound();
    const stage = structuredClone(current) as Stage & Record<string, unknown>;
    const methodSettings: Record<string, Record<string, unknown>> = { ...stage.methodSettings };
    // The whole list applies or none of it: the stage is saved only once every operation passed.
    applyPatch(stage, STAGE_PATCH, input.patchOperations, (op, segments) => patchStageSettings(stage, methodSettings, op, segments, loggingAllowed));
    const deployment = await requireDeployment(ctx, input.restApiId, stage.deploymentId);
    return { stage: { ...stage, methodSettings, lastUpdatedDate: Math.floor(Date.now() / 1000) }, deployment };
  });
  return stageView(updated);
}

export async function deleteStage(ctx: ManagementContext, input: StageAddress): Promise<void> {
  await ctx.apis.require(input.restApiId);
  await ctx.stages.delete(input.restApiId, input.stageName, (current) => {
    if (!current) throw stageNotFound();
  });
}
