/**
 * API keys: CreateApiKey, GetApiKey(s), UpdateApiKey, DeleteApiKey and
 * ImportApiKeys, as AWS answers them (recorded: localstack
 * tests/aws/services/apigateway/test_apigateway_extended.snapshot.json,
 * TestApigatewayApiKeysCrud; the CSV format: AWS's "API Gateway API key file
 * format"). Keys live in the DocumentStore (usage/store.ts).
 */
import { randomBytes } from 'node:crypto';
import { ApiGatewayError, CONCURRENT_MODIFICATION, badRequest, conflict, notFound } from '../errors.js';
import { newId } from '../ids.js';
import type { ApiKey } from '../usage/model.js';
import { parseCsv } from '../usage/csv.js';
import type { ManagementContext } from './context.js';
import { applyPatch, type PatchOperation, type PatchSpec } from './patch.js';
import { addKeyToPlan } from './usage-plans.js';
import { page } from './views.js';

type Wire = Record<string, unknown>;

const NAME_MAX = 1024;
const DESCRIPTION_MAX = 125_000;
const VALUE_MIN = 20;
const VALUE_MAX = 128;
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A generated key value: 40 letters and digits, as AWS generates them. */
export function generateKeyValue(): string {
  const bytes = randomBytes(40);
  let v = '';
  for (const b of bytes) v += ALNUM[b % ALNUM.length];
  return v;
}

/** AWS's answer to a second key with the same value: 409 ConflictException "API Key already exists". */
const keyExists = (): Error => conflict('API Key already exists');

export const keyNotFound = (): Error => notFound('Invalid API Key identifier specified');

export async function requireKey(ctx: ManagementContext, id: string): Promise<ApiKey> {
  const key = await ctx.usage.getKey(id);
  if (!key) throw keyNotFound();
  return key;
}

interface ViewOptions {
  /** Whether the value is shown (CreateApiKey always; Get* with includeValue(s)). */
  readonly value: boolean;
  /** Single-key answers show `tags: {}`; list items and CreateApiKey leave empty tags out (recorded). */
  readonly tags: 'always' | 'nonEmpty';
}

export function apiKeyView(k: ApiKey, o: ViewOptions): Wire {
  return {
    id: k.id,
    value: o.value ? k.value : undefined,
    name: k.name,
    customerId: k.customerId,
    description: k.description,
    enabled: k.enabled,
    createdDate: new Date(k.createdDate * 1000),
    lastUpdatedDate: new Date(k.lastUpdatedDate * 1000),
    stageKeys: [...k.stageKeys],
    tags: o.tags === 'always' ? { ...k.tags } : k.tags && Object.keys(k.tags).length ? k.tags : undefined,
  };
}

function checkName(name: string | undefined): void {
  if (name !== undefined && name.length > NAME_MAX) throw badRequest(`Invalid API Key name, can be at most ${NAME_MAX} characters.`);
}

function checkDescription(description: string | undefined): void {
  if (description !== undefined && description.length > DESCRIPTION_MAX) throw badRequest('Invalid API Key description specified.');
}

function checkValue(value: string): void {
  if (value.length < VALUE_MIN) throw badRequest(`API Key value should be at least ${VALUE_MIN} characters`);
  if (value.length > VALUE_MAX) throw badRequest(`API Key value exceeds maximum size of ${VALUE_MAX} characters`);
}

const nowSeconds = (ms: number): number => Math.floor(ms / 1000);

interface CreateApiKeyInput {
  name?: string;
  description?: string;
  enabled?: boolean;
  generateDistinctId?: boolean;
  value?: string;
  stageKeys?: Array<{ restApiId?: string; stageName?: string }>;
  customerId?: string;
  tags?: Record<string, string>;
}

export async function createApiKey(ctx: ManagementContext, input: CreateApiKeyInput): Promise<Wire> {
  checkName(input.name);
  checkDescription(input.description);
  // An empty value asks for a generated one (recorded: create-api-key-empty-value).
  const value = input.value ? input.value : generateKeyValue();
  checkValue(value);
  if (await ctx.usage.findKeyByValue(value)) throw keyExists();
  const ms = Date.now();
  const key: ApiKey = {
    id: newId(),
    value,
    ...(input.name ? { name: input.name } : {}),
    ...(input.description !== undefined ? { description: input.description } : {}),
    ...(input.customerId !== undefined ? { customerId: input.customerId } : {}),
    enabled: input.enabled ?? false,
    createdDate: nowSeconds(ms),
    lastUpdatedDate: nowSeconds(ms),
    stageKeys: (input.stageKeys ?? []).map((s) => `${s.restApiId ?? ''}/${s.stageName ?? ''}`),
    ...(input.tags ? { tags: input.tags } : {}),
    createdMs: ms,
  };
  // The value's index document is created (compare-and-set on "none stored"): of two CreateApiKey with one
  // value at once on two nodes, one creates it and the other answers the same ConflictException.
  if (!(await ctx.usage.createKey(key))) throw keyExists();
  return apiKeyView(key, { value: true, tags: 'nonEmpty' });
}

export async function getApiKey(ctx: ManagementContext, input: { apiKey: string; includeValue?: boolean }): Promise<Wire> {
  return apiKeyView(await requireKey(ctx, input.apiKey), { value: input.includeValue === true, tags: 'always' });
}

/** Newest first (recorded: get-api-keys-after-create-2). */
export const newestFirst = <T extends { createdMs: number; id?: string; keyId?: string }>(a: T, b: T): number =>
  b.createdMs - a.createdMs || String(a.id ?? a.keyId).localeCompare(String(b.id ?? b.keyId));

export async function getApiKeys(
  ctx: ManagementContext,
  input: { position?: string; limit?: number; nameQuery?: string; customerId?: string; includeValues?: boolean },
): Promise<Wire> {
  const keys = (await ctx.usage.listKeys())
    // `name` is a case-sensitive prefix (recorded: get-api-keys-prefix-name-query(-cased), -postfix-, -infix-).
    .filter((k) => input.nameQuery === undefined || (k.name ?? '').startsWith(input.nameQuery))
    .filter((k) => input.customerId === undefined || k.customerId === input.customerId)
    .sort(newestFirst);
  const limit = input.limit !== undefined && input.limit > 0 ? input.limit : undefined;
  const { items, position } = page(keys, input.position, limit);
  return { items: items.map((k) => apiKeyView(k, { value: input.includeValues === true, tags: 'nonEmpty' })), position };
}

const KEY_PATCH: PatchSpec = {
  description: { kind: 'string' },
  enabled: { kind: 'boolean' },
  name: { kind: 'string' },
  customerId: { kind: 'string' },
};

/** AWS's order (recorded: update-api-key-immutable-field). */
const KEY_PATHS = ['/description', '/enabled', '/name', '/customerId'];

export async function updateApiKey(ctx: ManagementContext, input: { apiKey: string; patchOperations?: PatchOperation[] }): Promise<Wire> {
  await requireKey(ctx, input.apiKey);
  // Read, patch, compare-and-set: a change another node made meanwhile is read again and patched over.
  const updated = await ctx.usage.updateKey(input.apiKey, keyNotFound, (key) => {
    const draft = structuredClone(key) as ApiKey & Record<string, unknown>;
    const stageKeys = [...key.stageKeys];
    applyPatch(draft, KEY_PATCH, input.patchOperations, {
      order: KEY_PATHS,
      // The legacy stage associations: `add`/`remove` `/stageKeys` with the value `{restApiId}/{stageName}`.
      fallback: (op, segments) => {
        if (segments.length !== 1 || segments[0] !== 'stageKeys' || (op.op !== 'add' && op.op !== 'remove') || !op.value) return false;
        const at = stageKeys.indexOf(op.value);
        if (op.op === 'add' && at < 0) stageKeys.push(op.value);
        if (op.op === 'remove' && at >= 0) stageKeys.splice(at, 1);
        return true;
      },
    });
    checkName(draft.name);
    checkDescription(draft.description);
    return { ...draft, stageKeys, lastUpdatedDate: nowSeconds(Date.now()) };
  });
  return apiKeyView(updated, { value: false, tags: 'always' });
}

export async function deleteApiKey(ctx: ManagementContext, input: { apiKey: string }): Promise<void> {
  if (!(await ctx.usage.deleteKey(await requireKey(ctx, input.apiKey)))) throw keyNotFound();
}

/**
 * ImportApiKeys (format=csv): a header naming at least the Name and Key
 * columns (any case, any order; Description, Enabled and UsagePlanIds too;
 * other columns ignored), one key per row. Enabled defaults to true; a key
 * whose value exists already is overwritten; UsagePlanIds (comma-separated,
 * quoted) adds the key to those plans. Rows that can't be imported are
 * warnings, or refuse the whole file with failonwarnings=true.
 */
export async function importApiKeys(ctx: ManagementContext, input: { body: Buffer; format: string; failOnWarnings?: boolean }): Promise<Wire> {
  const rows = parseCsv(input.body.toString('utf8'));
  const header = (rows.shift() ?? []).map((h) => h.trim().toLowerCase());
  const col = (name: string): number => header.indexOf(name);
  if (col('name') < 0 || col('key') < 0) {
    throw badRequest('Invalid API key file: the first line must name the columns, Name and Key among them');
  }
  const cell = (row: string[], name: string): string | undefined => (col(name) >= 0 ? row[col(name)] : undefined);
  const warnings: string[] = [];
  const accepted: Array<{ line: number; name: string; value: string; description?: string; enabled: boolean; planIds: string[] }> = [];
  rows.forEach((row, i) => {
    const line = i + 2;
    if (row.every((c) => c.trim() === '')) return;
    const name = cell(row, 'name') ?? '';
    const value = cell(row, 'key') ?? '';
    const enabledCell = (cell(row, 'enabled') ?? '').trim().toLowerCase();
    const planIds = (cell(row, 'usageplanids') ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
    if (value.length < VALUE_MIN || value.length > VALUE_MAX) {
      warnings.push(`Line ${line}: API Key value must be between ${VALUE_MIN} and ${VALUE_MAX} characters`);
      return;
    }
    if (name.length > NAME_MAX) {
      warnings.push(`Line ${line}: API Key name can be at most ${NAME_MAX} characters`);
      return;
    }
    if (enabledCell !== '' && enabledCell !== 'true' && enabledCell !== 'false') {
      warnings.push(`Line ${line}: Enabled must be true or false`);
      return;
    }
    const description = cell(row, 'description');
    accepted.push({ line, name, value, ...(description ? { description } : {}), enabled: enabledCell !== 'false', planIds });
  });
  const plans = new Set((await ctx.usage.listPlans()).map((p) => p.id));
  for (const a of accepted) {
    for (const id of a.planIds) if (!plans.has(id)) warnings.push(`Line ${a.line}: Invalid Usage Plan ID specified: ${id}`);
  }
  if (input.failOnWarnings && warnings.length > 0) throw badRequest(`Warnings found during import:\n\t${warnings.join('\n\t')}`);

  const ids: string[] = [];
  for (const a of accepted) {
    // The same value imported again overwrites the key that has it (AWS: "Two API keys are identical if they
    // have the same key value"): by compare-and-set on that key, or by creating a new one (when another
    // node created a key with the value first, that key is the one overwritten).
    const imported = (existing: ApiKey | undefined): ApiKey => {
      const ms = Date.now();
      return {
        id: existing?.id ?? newId(),
        value: a.value,
        ...(a.name ? { name: a.name } : {}),
        ...(a.description ? { description: a.description } : {}),
        ...(existing?.customerId !== undefined ? { customerId: existing.customerId } : {}),
        enabled: a.enabled,
        createdDate: existing?.createdDate ?? nowSeconds(ms),
        lastUpdatedDate: nowSeconds(ms),
        stageKeys: existing?.stageKeys ?? [],
        ...(existing?.tags ? { tags: existing.tags } : {}),
        createdMs: existing?.createdMs ?? ms,
      };
    };
    let key: ApiKey | undefined;
    for (let attempt = 0; !key; attempt++) {
      if (attempt >= 8) throw conflict(CONCURRENT_MODIFICATION);
      const existing = await ctx.usage.findKeyByValue(a.value);
      if (existing) {
        key = await ctx.usage.updateKey(existing.id, keyNotFound, imported).catch((e: unknown) => {
          if (e instanceof ApiGatewayError && e.type === 'NotFoundException') return undefined; // deleted meanwhile: create it
          throw e;
        });
      } else {
        const fresh = imported(undefined);
        if (await ctx.usage.createKey(fresh)) key = fresh;
      }
    }
    for (const planId of a.planIds) {
      const plan = await ctx.usage.getPlan(planId);
      if (!plan || (await ctx.usage.getPlanKey(planId, key.id))) continue;
      try {
        await addKeyToPlan(ctx, plan, key);
      } catch (e) {
        warnings.push(`Line ${a.line}: ${(e as Error).message}`);
      }
    }
    ids.push(key.id);
  }
  return { ids, warnings };
}
