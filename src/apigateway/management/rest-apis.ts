/**
 * RestApis: create, read, list, patch, delete, and the definition-based
 * ImportRestApi (`POST /restapis?mode=import`) and PutRestApi
 * (`PUT /restapis/{id}?mode=overwrite|merge`).
 */
import type { Draft } from '../api-store.js';
import { badRequest } from '../errors.js';
import { newId } from '../ids.js';
import type { Model, RestApi } from '../model.js';
import type { ManagementTarget } from './authorization.js';
import { checkApiPolicy } from './checks.js';
import { nowSeconds, type ManagementContext } from './context.js';
import { importDefinition, type ImportInput } from './definitions.js';
import { mergeInto, overwriteWith } from './import-modes.js';
import { applyPatch, type PatchOperation, type PatchSpec } from './patch.js';
import { page, restApiView } from './views.js';

const DRAFT_04 = 'http://json-schema.org/draft-04/schema#';

/** The two models API Gateway gives every new API. */
function defaultModels(): Record<string, Model> {
  const model = (name: string, schema: object): Model => ({
    id: newId(6),
    name,
    description: `This is a default ${name.toLowerCase()} schema model`,
    contentType: 'application/json',
    schema: JSON.stringify(schema, null, 2),
  });
  return {
    Empty: model('Empty', { $schema: DRAFT_04, title: 'Empty Schema', type: 'object' }),
    Error: model('Error', { $schema: DRAFT_04, title: 'Error Schema', type: 'object', properties: { message: { type: 'string' } } }),
  };
}

interface CreateRestApiInput {
  name: string;
  description?: string;
  version?: string;
  binaryMediaTypes?: string[];
  minimumCompressionSize?: number;
  apiKeySource?: 'HEADER' | 'AUTHORIZER';
  endpointConfiguration?: { types?: string[]; ipAddressType?: string; vpcEndpointIds?: string[] };
  policy?: string;
  tags?: Record<string, string>;
  disableExecuteApiEndpoint?: boolean;
  cloneFrom?: string;
}

const MAX_COMPRESSION = 10_485_760;
const COMPRESSION_REFUSAL = `Invalid minimum compression size, must be between 0 and ${MAX_COMPRESSION}`;

/** An endpoint type's IP address type unless told: dualstack for PRIVATE (the only one it takes), ipv4 for the others. */
export const defaultIpAddressType = (type: string | undefined): string => (type === 'PRIVATE' ? 'dualstack' : 'ipv4');
const PRIVATE_NEEDS_DUALSTACK = 'Only dualstack ipAddressType is supported for Private APIs.';

/**
 * CreateRestApi's checks, in AWS's order (recorded in localstack/localstack test_apigateway_api.snapshot.json,
 * TestApiGatewayApiRestApi::test_create_rest_api_with_optional_params, _with_endpoint_configuration, _private_type).
 */
function checkCreate(input: CreateRestApiInput): void {
  if (input.name.trim() === '') throw badRequest('Invalid REST API name specified');
  if (input.description === '') throw badRequest('Description cannot be an empty string');
  const size = input.minimumCompressionSize;
  if (size !== undefined && (size < 0 || size > MAX_COMPRESSION)) throw badRequest(COMPRESSION_REFUSAL);
  const config = input.endpointConfiguration;
  if (config?.types !== undefined) {
    if (config.types.length === 0) throw badRequest('REGIONAL Configuration and EDGE Configuration cannot be both DISABLED.');
    if (config.types.length > 1) throw badRequest('Cannot create an api with multiple Endpoint Types.');
  }
  if (config?.types?.[0] === 'PRIVATE' && config.ipAddressType !== undefined && config.ipAddressType !== 'dualstack') {
    throw badRequest(PRIVATE_NEEDS_DUALSTACK);
  }
}

export async function createRestApi(ctx: ManagementContext, input: CreateRestApiInput): Promise<Record<string, unknown>> {
  checkCreate(input);
  if (input.policy !== undefined) checkApiPolicy(input.policy);
  const id = newId();
  let api: RestApi;
  if (input.cloneFrom !== undefined) {
    // A clone is the source's definition under a new identity; it was not deployed from a file.
    const { deployedFrom: _file, tags: _tags, ...source } = structuredClone(await ctx.apis.require(input.cloneFrom));
    api = { ...source, id, name: input.name, createdDate: nowSeconds() };
  } else {
    const rootResourceId = newId();
    api = {
      id,
      name: input.name,
      createdDate: nowSeconds(),
      apiKeySource: input.apiKeySource ?? 'HEADER',
      binaryMediaTypes: input.binaryMediaTypes ?? [],
      rootResourceId,
      resources: { [rootResourceId]: { id: rootResourceId, pathPart: '', path: '/', resourceMethods: {} } },
      models: defaultModels(),
      requestValidators: {},
      gatewayResponses: {},
      executionRoles: [],
    };
  }
  api = {
    ...api,
    ...(input.description !== undefined ? { description: input.description } : {}),
    ...(input.version !== undefined ? { version: input.version } : {}),
    ...(input.minimumCompressionSize !== undefined ? { minimumCompressionSize: input.minimumCompressionSize } : {}),
    ...(input.endpointConfiguration ? { endpointConfiguration: endpointConfigurationOf(input.endpointConfiguration) } : {}),
    ...(input.policy !== undefined ? { policy: input.policy } : {}),
    ...(input.tags ? { tags: input.tags } : {}),
    ...(input.disableExecuteApiEndpoint !== undefined ? { disableExecuteApiEndpoint: input.disableExecuteApiEndpoint } : {}),
  };
  await ctx.apis.create(api);
  return restApiView(api);
}

function endpointConfigurationOf(config: NonNullable<CreateRestApiInput['endpointConfiguration']>): NonNullable<RestApi['endpointConfiguration']> {
  const types = config.types ?? ['EDGE'];
  return {
    types,
    ipAddressType: config.ipAddressType ?? defaultIpAddressType(types[0]),
    ...(config.vpcEndpointIds ? { vpcEndpointIds: config.vpcEndpointIds } : {}),
  };
}

export async function getRestApi(ctx: ManagementContext, input: { restApiId: string }): Promise<Record<string, unknown>> {
  return restApiView(await ctx.apis.require(input.restApiId));
}

export async function getRestApis(ctx: ManagementContext, input: { position?: string; limit?: number }): Promise<Record<string, unknown>> {
  const { items, position } = page(await ctx.apis.list(), input.position, input.limit);
  return { items: items.map(restApiView), position };
}

const REST_API_PATCH: PatchSpec = {
  name: { kind: 'string' },
  description: { kind: 'string', ops: ['add', 'replace', 'remove'] },
  version: { kind: 'string', ops: ['add', 'replace', 'remove'] },
  policy: { kind: 'string', ops: ['add', 'replace', 'remove'] },
  apiKeySource: { kind: 'string', values: ['HEADER', 'AUTHORIZER'] },
  minimumCompressionSize: { kind: 'integer', min: 0, max: MAX_COMPRESSION, invalid: COMPRESSION_REFUSAL },
  binaryMediaTypes: { kind: 'set' },
  disableExecuteApiEndpoint: { kind: 'boolean' },
};

const ENDPOINT_TYPES = ['REGIONAL', 'EDGE', 'PRIVATE'];

/**
 * `/endpointConfiguration/types/0` and `/endpointConfiguration/ipAddressType`, as AWS takes them
 * (recorded: TestApiGatewayApiRestApi::test_update_rest_api_ip_address_type): replace only; an API
 * that becomes PRIVATE becomes dualstack, which is all PRIVATE takes.
 */
function patchEndpoint(api: Draft<RestApi>, op: PatchOperation, segments: readonly string[]): boolean {
  if (segments[0] !== 'endpointConfiguration') return false;
  const config = { types: ['EDGE'], ...api.endpointConfiguration } as { types: string[]; ipAddressType?: string; vpcEndpointIds?: string[] };
  const value = op.value ?? '';
  const where = segments.slice(1).join('/');
  if (where === 'types/0') {
    if (op.op !== 'replace') throw badRequest("Invalid patch operation specified. Must be 'add'|'remove'|'replace'");
    if (!ENDPOINT_TYPES.includes(value)) throw badRequest(`Invalid EndpointTypes specified. Valid options are ${ENDPOINT_TYPES.join(',')}`);
    api.endpointConfiguration = { ...config, types: [value], ipAddressType: value === 'PRIVATE' ? 'dualstack' : (config.ipAddressType ?? 'ipv4') };
    return true;
  }
  if (where === 'ipAddressType') {
    if (op.op !== 'replace') throw badRequest('Invalid patch operation specified. Must be one of: [replace]');
    if (value !== 'ipv4' && value !== 'dualstack') throw badRequest('ipAddressType must be either ipv4 or dualstack.');
    if (config.types[0] === 'PRIVATE' && value !== 'dualstack') throw badRequest(PRIVATE_NEEDS_DUALSTACK);
    api.endpointConfiguration = { ...config, ipAddressType: value };
    return true;
  }
  return false;
}

export async function updateRestApi(ctx: ManagementContext, input: { restApiId: string; patchOperations?: PatchOperation[] }): Promise<Record<string, unknown>> {
  return ctx.apis.edit(input.restApiId, (api) => {
    const policyBefore = api.policy;
    applyPatch(api as unknown as Record<string, unknown>, REST_API_PATCH, input.patchOperations, {
      style: 'plain',
      fallback: (op, segments) => patchEndpoint(api, op, segments),
    });
    if (typeof api.name !== 'string' || api.name.trim() === '') throw badRequest('Invalid REST API name specified');
    if (api.policy !== undefined && api.policy !== policyBefore) checkApiPolicy(api.policy);
    // UpdateRestApi's answer always carries the tags, `{}` when there are none (recorded: test_update_rest_api_*).
    return { ...restApiView(api as RestApi), tags: { ...api.tags } };
  });
}

export async function deleteRestApi(ctx: ManagementContext, input: { restApiId: string }): Promise<void> {
  await ctx.apis.require(input.restApiId);
  // Each document by compare-and-set on the revision read (one changed meanwhile is read again and deleted).
  for (const stage of await ctx.repo.listStages()) {
    if (stage.restApiId === input.restApiId) await ctx.stages.delete(stage.restApiId, stage.stageName);
  }
  for (const d of await ctx.repo.listDeployments(input.restApiId)) await ctx.repo.deleteDeployment(input.restApiId, d.id);
  await ctx.apis.delete(input.restApiId);
}

function withWarnings(view: Record<string, unknown>, warnings: readonly string[]): Record<string, unknown> {
  return warnings.length > 0 ? { ...view, warnings } : view;
}

/** `target.imported` is the definition as parsed (and authorized) for this call. */
export async function importRestApi(ctx: ManagementContext, input: ImportInput, target: ManagementTarget): Promise<Record<string, unknown>> {
  const { api, warnings } = target.imported ?? (await importDefinition(ctx, input));
  await ctx.apis.create(api);
  return withWarnings(restApiView(api), warnings);
}

export async function putRestApi(
  ctx: ManagementContext,
  input: ImportInput & { restApiId: string; mode?: string },
  target: ManagementTarget,
): Promise<Record<string, unknown>> {
  const mode = input.mode ?? 'merge';
  if (mode !== 'merge' && mode !== 'overwrite') throw badRequest('Enumeration value of OpenAPI import mode must be "overwrite" or "merge"');
  await ctx.apis.require(input.restApiId);
  const { api: imported, warnings } = target.imported ?? (await importDefinition(ctx, input, input.restApiId));
  const view = await ctx.apis.edit(input.restApiId, (draft, current) => {
    if (mode === 'overwrite') {
      const replaced = overwriteWith(current, imported);
      for (const key of Object.keys(draft)) delete (draft as Record<string, unknown>)[key];
      Object.assign(draft, structuredClone(replaced));
    } else {
      mergeInto(draft, imported);
    }
    return restApiView(draft as RestApi);
  });
  return withWarnings(view, warnings);
}
