/**
 * Usage plans, their keys and their usage: Create/Get/Update/DeleteUsagePlan,
 * GetUsagePlans, Create/Get/DeleteUsagePlanKey, GetUsagePlanKeys, GetUsage
 * and UpdateUsage, as AWS answers them (recorded: localstack
 * tests/aws/services/apigateway/test_apigateway_common.snapshot.json
 * TestUsagePlans, test_apigateway_extended.snapshot.json
 * TestApigatewayApiKeysCrud). Plans live in the DocumentStore (usage/store.ts);
 * invoke-time enforcement is usage/gate.ts.
 */
import { badRequest, conflict, notFound } from '../errors.js';
import { newId } from '../ids.js';
import { HTTP_METHODS } from '../model.js';
import type { ApiKey, ApiStage, QuotaSettings, ThrottleSettings, UsagePlan } from '../usage/model.js';
import { dayOf, daysBetween, parseDay } from '../usage/periods.js';
import { keyNotFound, newestFirst, requireKey } from './api-keys.js';
import type { ManagementContext } from './context.js';
import type { PatchOperation } from './patch.js';
import { page } from './views.js';

type Wire = Record<string, unknown>;

/** The longest GetUsage range Sluice answers (days). */
export const MAX_USAGE_DAYS = 366;

const planNotFound = (): Error => notFound('Invalid Usage Plan ID specified');

async function requirePlan(ctx: ManagementContext, id: string): Promise<UsagePlan> {
  const plan = await ctx.usage.getPlan(id);
  if (!plan) throw planNotFound();
  return plan;
}

/** The plan as AWS answers it; GetUsagePlan and UpdateUsagePlan show `tags: {}`, lists and CreateUsagePlan leave empty tags out (recorded). */
export function usagePlanView(p: UsagePlan, tags: 'always' | 'nonEmpty'): Wire {
  return {
    id: p.id,
    name: p.name,
    description: p.description,
    apiStages: p.apiStages.map((s) => ({ apiId: s.apiId, stage: s.stage, throttle: s.throttle && Object.keys(s.throttle).length ? s.throttle : undefined })),
    throttle: p.throttle,
    quota: p.quota,
    productCode: p.productCode,
    tags: tags === 'always' ? { ...p.tags } : p.tags && Object.keys(p.tags).length ? p.tags : undefined,
  };
}

const invalidStage = (planId: string, apiId: string, stage: string): string => `Invalid API Stage {api: ${apiId}, stage: ${stage}} specified for usageplan ${planId}`;

async function stageExists(ctx: ManagementContext, apiId: string, stage: string): Promise<boolean> {
  return (await ctx.apis.find(apiId)) !== undefined && (await ctx.repo.getStage(apiId, stage)) !== undefined;
}

/** `{resourcePath}/{HTTP method}`: `/pets/GET`, `//GET` or `/GET` for the root. */
function checkMethodKey(key: string): void {
  const verb = key.slice(key.lastIndexOf('/') + 1);
  if (!key.startsWith('/') || key.lastIndexOf('/') < 0 || !(HTTP_METHODS as readonly string[]).includes(verb)) {
    throw badRequest(`Invalid method ${key} specified: throttle keys are a resource path and an HTTP method, like /pets/GET`);
  }
}

function checkThrottle(t: Partial<ThrottleSettings> | undefined, what = 'throttle'): ThrottleSettings | undefined {
  if (!t) return undefined;
  const rateLimit = t.rateLimit ?? 0;
  const burstLimit = t.burstLimit ?? 0;
  if (!(rateLimit >= 0) || !(burstLimit >= 0) || !Number.isInteger(burstLimit)) {
    throw badRequest(`Invalid ${what}: rateLimit must be a number and burstLimit an integer, neither negative`);
  }
  return { burstLimit, rateLimit };
}

/** Period and offset as AWS accepts them: DAY offset 0, WEEK 0–6, MONTH 0–27. */
function checkQuota(q: Partial<QuotaSettings> | undefined): QuotaSettings | undefined {
  if (!q) return undefined;
  const limit = q.limit ?? 0;
  const offset = q.offset ?? 0;
  const period = q.period;
  if (period === undefined) throw badRequest('Invalid quota: a period (DAY, WEEK or MONTH) is required');
  if (!Number.isInteger(limit) || limit < 0) throw badRequest('Invalid quota: limit must be a non-negative integer');
  const max = period === 'DAY' ? 0 : period === 'WEEK' ? 6 : 27;
  if (!Number.isInteger(offset) || offset < 0 || offset > max) {
    throw badRequest(`Invalid quota: offset must be ${max === 0 ? '0 for the DAY period' : `between 0 and ${max} for the ${period} period`}`);
  }
  return { limit, offset, period };
}

/**
 * A key may reach an API stage through one usage plan only: what would let
 * it reach a stage through two is refused.
 */
async function checkOneRoute(ctx: ManagementContext, planId: string, stages: readonly ApiStage[], keyIds: readonly string[]): Promise<void> {
  if (stages.length === 0 || keyIds.length === 0) return;
  const others = (await ctx.usage.listPlans()).filter((p) => p.id !== planId);
  for (const keyId of keyIds) {
    for (const other of others) {
      const shared = other.apiStages.find((o) => stages.some((s) => s.apiId === o.apiId && s.stage === o.stage));
      if (shared && (await ctx.usage.getPlanKey(other.id, keyId))) {
        throw conflict(`API Key ${keyId} cannot reference multiple Usage Plans with the same API Stage: ${shared.apiId}:${shared.stage}`);
      }
    }
  }
}

const alreadyInPlan = (planId: string, keyId: string): Error => conflict(`Usage Plan ${planId} already contains API Key ${keyId}`);

/** Adds `key` to `plan` (CreateUsagePlanKey, ImportApiKeys' UsagePlanIds). */
export async function addKeyToPlan(ctx: ManagementContext, plan: UsagePlan, key: ApiKey): Promise<void> {
  await checkOneRoute(ctx, plan.id, plan.apiStages, [key.id]);
  // A create: of two nodes adding one key to one plan at once, the second is refused as a duplicate.
  if (!(await ctx.usage.createPlanKey({ usagePlanId: plan.id, keyId: key.id, type: 'API_KEY', createdMs: Date.now() }))) throw alreadyInPlan(plan.id, key.id);
}

interface CreateUsagePlanInput {
  name: string;
  description?: string;
  apiStages?: Array<{ apiId?: string; stage?: string; throttle?: Record<string, Partial<ThrottleSettings>> }>;
  throttle?: Partial<ThrottleSettings>;
  quota?: Partial<QuotaSettings>;
  tags?: Record<string, string>;
}

export async function createUsagePlan(ctx: ManagementContext, input: CreateUsagePlanInput): Promise<Wire> {
  const id = newId(6);
  const apiStages: ApiStage[] = [];
  for (const s of input.apiStages ?? []) {
    const apiId = s.apiId ?? '';
    const stage = s.stage ?? '';
    if (!(await stageExists(ctx, apiId, stage))) throw badRequest(invalidStage(id, apiId, stage));
    const throttle: Record<string, ThrottleSettings> = {};
    for (const [k, t] of Object.entries(s.throttle ?? {})) {
      checkMethodKey(k);
      throttle[k] = checkThrottle(t, `throttle for ${k}`)!;
    }
    if (!apiStages.some((x) => x.apiId === apiId && x.stage === stage)) apiStages.push({ apiId, stage, ...(Object.keys(throttle).length ? { throttle } : {}) });
  }
  const throttle = checkThrottle(input.throttle);
  const quota = checkQuota(input.quota);
  const plan: UsagePlan = {
    id,
    name: input.name,
    ...(input.description !== undefined ? { description: input.description } : {}),
    apiStages,
    ...(throttle ? { throttle } : {}),
    ...(quota ? { quota } : {}),
    ...(input.tags ? { tags: input.tags } : {}),
    createdMs: Date.now(),
  };
  await ctx.usage.createPlan(plan);
  return usagePlanView(plan, 'nonEmpty');
}

export async function getUsagePlan(ctx: ManagementContext, input: { usagePlanId: string }): Promise<Wire> {
  return usagePlanView(await requirePlan(ctx, input.usagePlanId), 'always');
}

export async function getUsagePlans(ctx: ManagementContext, input: { position?: string; keyId?: string; limit?: number }): Promise<Wire> {
  let plans = (await ctx.usage.listPlans()).sort(newestFirst);
  if (input.keyId !== undefined) {
    const member = new Set((await ctx.usage.planKeysOfKey(input.keyId)).map((pk) => pk.usagePlanId));
    plans = plans.filter((p) => member.has(p.id));
  }
  const limit = input.limit !== undefined && input.limit > 0 ? input.limit : undefined;
  const { items, position } = page(plans, input.position, limit);
  return { items: items.map((p) => usagePlanView(p, 'nonEmpty')), position };
}

const PATCH_OPS = ['add', 'remove', 'replace', 'move', 'copy', 'test'];
const unescape = (s: string): string => s.replaceAll('~1', '/').replaceAll('~0', '~');

function invalidValue(value: string | null | undefined, op: string, expected: string): Error {
  return badRequest(`Invalid patch value  '${value ?? 'null'}' specified for op '${op}'. Must be ${expected}`);
}

function numberValue(o: PatchOperation, integer: boolean): number {
  const raw = (o.value ?? '').trim();
  const n = raw === '' ? NaN : Number(raw);
  if (!Number.isFinite(n) || (integer && !Number.isInteger(n))) throw invalidValue(o.value, o.op ?? '', integer ? 'an integer' : 'a number');
  return n;
}

/** `apiId:stage` as UpdateUsagePlan names a stage (recorded: update-wrong-api-stages-*). */
function stageRef(value: string | null | undefined): { apiId: string; stage: string } {
  const m = /^([^:]+):(.+)$/.exec(value ?? '');
  if (!m) throw badRequest('Invalid API Stage specified');
  return { apiId: m[1]!, stage: m[2]! };
}

export async function updateUsagePlan(ctx: ManagementContext, input: { usagePlanId: string; patchOperations?: PatchOperation[] }): Promise<Wire> {
  await requirePlan(ctx, input.usagePlanId);
  // Read, patch, compare-and-set: a change another node made meanwhile is read again and patched over.
  const updated = await ctx.usage.updatePlan(input.usagePlanId, planNotFound, (plan) => patchPlan(ctx, plan, input.patchOperations));
  return usagePlanView(updated, 'always');
}

async function patchPlan(ctx: ManagementContext, plan: UsagePlan, patchOperations: PatchOperation[] | undefined): Promise<UsagePlan> {
  type Editable = { -readonly [K in Exclude<keyof UsagePlan, 'throttle' | 'quota'>]: UsagePlan[K] } & {
    throttle?: { burstLimit: number; rateLimit: number };
    quota?: { limit?: number; offset?: number; period?: QuotaSettings['period'] };
  };
  const draft = structuredClone(plan) as Editable;
  const stages: Array<{ apiId: string; stage: string; throttle?: Record<string, ThrottleSettings> }> = plan.apiStages.map((s) => structuredClone(s) as ApiStage & { throttle?: Record<string, ThrottleSettings> });
  const added: ApiStage[] = [];
  const findStage = (ref: { apiId: string; stage: string }): (typeof stages)[number] => {
    const s = stages.find((x) => x.apiId === ref.apiId && x.stage === ref.stage);
    if (!s) throw notFound(invalidStage(plan.id, ref.apiId, ref.stage));
    return s;
  };
  for (const o of patchOperations ?? []) {
    const op = o.op ?? '';
    const path = o.path ?? '';
    if (!PATCH_OPS.includes(op)) throw badRequest('Invalid patch operation specified. Must be one of: [add, remove, replace, move, copy, test]');
    const segments = path.split('/').slice(1);
    const invalidPath = (): Error => badRequest(`Invalid patch path ${path}`);
    const setOrRemove = (set: boolean): boolean => op === 'remove' ? !set : set && (op === 'add' || op === 'replace');
    switch (segments[0]) {
      case 'name':
        if (op !== 'replace' || segments.length !== 1) throw invalidPath();
        if (!o.value) throw badRequest('Usage plan name must not be empty');
        draft.name = o.value;
        break;
      case 'description':
      case 'productCode': {
        if (segments.length !== 1 || !['add', 'replace', 'remove'].includes(op)) throw invalidPath();
        const field = segments[0];
        if (op === 'remove' || !o.value) delete draft[field];
        else draft[field] = o.value;
        break;
      }
      case 'throttle': {
        if (segments.length === 1 && op === 'remove') {
          delete draft.throttle;
        } else if (segments.length === 2 && (segments[1] === 'rateLimit' || segments[1] === 'burstLimit') && setOrRemove(true)) {
          const t = { burstLimit: 0, rateLimit: 0, ...draft.throttle };
          t[segments[1]] = numberValue(o, segments[1] === 'burstLimit');
          draft.throttle = t;
        } else throw invalidPath();
        break;
      }
      case 'quota': {
        if (segments.length === 1 && op === 'remove') {
          delete draft.quota;
        } else if (segments.length === 2 && ['limit', 'offset', 'period'].includes(segments[1]!) && setOrRemove(true)) {
          const q: NonNullable<Editable['quota']> = { limit: 0, offset: 0, ...draft.quota };
          if (segments[1] === 'period') {
            if (o.value !== 'DAY' && o.value !== 'WEEK' && o.value !== 'MONTH') throw invalidValue(o.value, op, 'one of: [DAY, WEEK, MONTH]');
            q.period = o.value;
          } else q[segments[1] as 'limit' | 'offset'] = numberValue(o, true);
          draft.quota = q;
        } else throw invalidPath();
        break;
      }
      case 'apiStages': {
        if (segments.length === 1) {
          if (op !== 'add' && op !== 'remove') throw invalidPath();
          const ref = stageRef(o.value);
          if (op === 'remove') {
            findStage(ref);
            stages.splice(stages.findIndex((x) => x.apiId === ref.apiId && x.stage === ref.stage), 1);
          } else if (!stages.some((x) => x.apiId === ref.apiId && x.stage === ref.stage)) {
            if (!(await stageExists(ctx, ref.apiId, ref.stage))) throw badRequest(invalidStage(plan.id, ref.apiId, ref.stage));
            stages.push(ref);
            added.push(ref);
          }
          break;
        }
        // /apiStages/{apiId}:{stage}/throttle[/{resourcePath}/{httpMethod}[/rateLimit|/burstLimit]]
        if (segments[2] !== 'throttle') throw invalidPath();
        const s = findStage(stageRef(unescape(segments[1]!)));
        const rest = segments.slice(3);
        const last = rest[rest.length - 1];
        if (rest.length === 0) {
          if (op !== 'remove') throw invalidPath();
          delete s.throttle;
        } else if ((last === 'rateLimit' || last === 'burstLimit') && setOrRemove(true)) {
          const key = unescape(rest.slice(0, -1).join('/'));
          checkMethodKey(key);
          const t = { burstLimit: 0, rateLimit: 0, ...s.throttle?.[key] };
          t[last] = numberValue(o, last === 'burstLimit');
          s.throttle = { ...s.throttle, [key]: t };
        } else if (op === 'remove') {
          const key = unescape(rest.join('/'));
          if (!s.throttle?.[key]) throw invalidPath();
          delete s.throttle[key];
        } else throw invalidPath();
        break;
      }
      default:
        throw invalidPath();
    }
  }
  const throttle = checkThrottle(draft.throttle);
  const quota = checkQuota(draft.quota);
  await checkOneRoute(ctx, plan.id, added, (await ctx.usage.planKeys(plan.id)).map((pk) => pk.keyId));
  const { throttle: _t, quota: _q, ...rest } = draft;
  const updated: UsagePlan = {
    ...rest,
    apiStages: stages.map((s) => ({ apiId: s.apiId, stage: s.stage, ...(s.throttle && Object.keys(s.throttle).length ? { throttle: s.throttle } : {}) })),
    ...(throttle ? { throttle } : {}),
    ...(quota ? { quota } : {}),
  };
  return updated;
}

export async function deleteUsagePlan(ctx: ManagementContext, input: { usagePlanId: string }): Promise<void> {
  await requirePlan(ctx, input.usagePlanId);
  await ctx.usage.deletePlan(input.usagePlanId);
}

// ------------------------------------------------------------------ usage plan keys

function planKeyView(key: ApiKey): Wire {
  return { id: key.id, type: 'API_KEY', value: key.value, name: key.name };
}

export async function createUsagePlanKey(ctx: ManagementContext, input: { usagePlanId: string; keyId: string; keyType: string }): Promise<Wire> {
  const plan = await requirePlan(ctx, input.usagePlanId);
  if (input.keyType !== 'API_KEY') throw badRequest(`Invalid key type specified: ${input.keyType}. Must be API_KEY`);
  const key = await requireKey(ctx, input.keyId);
  if (await ctx.usage.getPlanKey(plan.id, key.id)) throw alreadyInPlan(plan.id, key.id);
  await addKeyToPlan(ctx, plan, key);
  return planKeyView(key);
}

async function requirePlanKey(ctx: ManagementContext, planId: string, keyId: string): Promise<ApiKey> {
  await requirePlan(ctx, planId);
  const key = (await ctx.usage.getPlanKey(planId, keyId)) ? await ctx.usage.getKey(keyId) : undefined;
  if (!key) throw keyNotFound();
  return key;
}

export async function getUsagePlanKey(ctx: ManagementContext, input: { usagePlanId: string; keyId: string }): Promise<Wire> {
  return planKeyView(await requirePlanKey(ctx, input.usagePlanId, input.keyId));
}

export async function getUsagePlanKeys(
  ctx: ManagementContext,
  input: { usagePlanId: string; position?: string; limit?: number; nameQuery?: string },
): Promise<Wire> {
  // An unknown plan has no keys: AWS answers an empty list, not 404 (recorded: get-up-keys-bad-usage-plan).
  const memberships = (await ctx.usage.planKeys(input.usagePlanId)).sort(newestFirst);
  const keys: ApiKey[] = [];
  for (const pk of memberships) {
    const key = await ctx.usage.getKey(pk.keyId);
    // `name` is a case-sensitive prefix of the key's name (recorded: get-up-keys-name-query(-cased)).
    if (key && (input.nameQuery === undefined || (key.name ?? '').startsWith(input.nameQuery))) keys.push(key);
  }
  const limit = input.limit !== undefined && input.limit > 0 ? input.limit : undefined;
  const { items, position } = page(keys, input.position, limit);
  return { items: items.map(planKeyView), position };
}

export async function deleteUsagePlanKey(ctx: ManagementContext, input: { usagePlanId: string; keyId: string }): Promise<void> {
  await requirePlanKey(ctx, input.usagePlanId, input.keyId);
  await ctx.usage.deletePlanKey(input.usagePlanId, input.keyId);
}

// ------------------------------------------------------------------ usage

function checkDay(day: string, name: string): void {
  if (parseDay(day) === undefined) throw badRequest(`Invalid ${name} specified: ${day}. Dates are YYYY-MM-DD`);
}

/**
 * GetUsage: for each key of the plan (or the one asked for), one
 * `[used, remaining]` per day from startDate to endDate, both included,
 * under the key's id (`values` on the wire).
 */
export async function getUsage(
  ctx: ManagementContext,
  input: { usagePlanId: string; keyId?: string; startDate: string; endDate: string; position?: string; limit?: number },
): Promise<Wire> {
  const plan = await requirePlan(ctx, input.usagePlanId);
  checkDay(input.startDate, 'startDate');
  checkDay(input.endDate, 'endDate');
  const days = daysBetween(input.startDate, input.endDate);
  if (days.length === 0) throw badRequest('The end date must not be before the start date');
  if (days.length > MAX_USAGE_DAYS) throw badRequest(`The usage of at most ${MAX_USAGE_DAYS} days can be asked for at once`);
  let keyIds = (await ctx.usage.planKeys(plan.id)).sort(newestFirst).map((pk) => pk.keyId);
  if (input.keyId !== undefined) keyIds = keyIds.filter((k) => k === input.keyId);
  const limit = input.limit !== undefined && input.limit > 0 ? input.limit : undefined;
  const { items, position } = page(keyIds, input.position, limit);
  const values: Record<string, Array<[number, number]>> = {};
  for (const keyId of items) values[keyId] = await ctx.usage.usage(plan.id, keyId, plan.quota, days);
  return { usagePlanId: plan.id, startDate: input.startDate, endDate: input.endDate, items: values, position };
}

/** UpdateUsage: `replace /remaining` sets what is left of the current quota period for the key. */
export async function updateUsage(ctx: ManagementContext, input: { usagePlanId: string; keyId: string; patchOperations?: PatchOperation[] }): Promise<Wire> {
  const plan = await requirePlan(ctx, input.usagePlanId);
  if (!(await ctx.usage.getPlanKey(plan.id, input.keyId))) throw keyNotFound();
  const today = dayOf(Date.now());
  let latest: [number, number] | undefined;
  for (const o of input.patchOperations ?? []) {
    if (o.op !== 'replace' || o.path !== '/remaining') throw badRequest(`Invalid patch path ${o.path ?? 'null'}`);
    if (!plan.quota) throw badRequest(`Usage Plan ${plan.id} has no quota to update`);
    const remaining = numberValue(o, true);
    if (remaining < 0) throw invalidValue(o.value, o.op, 'a non-negative integer');
    const daily = await ctx.usage.setRemaining(plan.id, input.keyId, plan.quota, remaining, Date.now());
    latest = [daily.used, daily.remaining];
  }
  latest ??= (await ctx.usage.usage(plan.id, input.keyId, plan.quota, [today]))[0]!;
  return { usagePlanId: plan.id, startDate: today, endDate: today, items: { [input.keyId]: [latest] } };
}

// ------------------------------------------------------------------ tags

const USAGE_TAGGABLE = /^arn:aws[a-z-]*:apigateway:[^:]*::\/(apikeys|usageplans)\/([^/]+)$/;

/**
 * The tags of the API key or usage plan `arn` names (TagResource,
 * UntagResource, GetTags), changed by `change` when given; undefined when the
 * ARN names neither.
 */
export async function withUsageTags(ctx: ManagementContext, arn: string, change?: (tags: Record<string, string>) => void): Promise<Record<string, string> | undefined> {
  const m = USAGE_TAGGABLE.exec(arn);
  if (!m) return undefined;
  let id = m[2]!;
  try {
    id = decodeURIComponent(id);
  } catch {
    // Not percent-encoding: the id as written (which names nothing).
  }
  // Changes by compare-and-set on the stored key or plan: a change another node made meanwhile is kept.
  const changed = (current: { tags?: Record<string, string> }): Record<string, string> => {
    const tags = { ...current.tags };
    change?.(tags);
    return tags;
  };
  if (m[1] === 'apikeys') {
    const key = await requireKey(ctx, id);
    if (!change) return { ...key.tags };
    return { ...(await ctx.usage.updateKey(id, keyNotFound, (current) => ({ ...current, tags: changed(current) }))).tags };
  }
  const plan = await requirePlan(ctx, id);
  if (!change) return { ...plan.tags };
  return { ...(await ctx.usage.updatePlan(id, planNotFound, (current) => ({ ...current, tags: changed(current) }))).tags };
}
