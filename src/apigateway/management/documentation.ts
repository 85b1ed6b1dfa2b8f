/**
 * Documentation parts (kept on the API, so exports and deployments carry
 * them) and documentation versions (snapshots of the parts, kept beside the
 * API in the DocumentStore, that a stage may name).
 *
 * AWS's answers (LocalStack's recordings of AWS, tests/aws/services/apigateway/
 * test_apigateway_api.snapshot.json, TestApiGatewayApiDocumentationPart, and
 * test_apigateway_common.snapshot.json, TestDocumentations): CreateDocumentationPart
 * answers 201 {id, location, properties}; an unknown part is NotFoundException
 * "Invalid Documentation part identifier specified", also when the API is
 * unknown for Get/Update; Create/GetParts/Delete on an unknown API name the API;
 * UpdateDocumentationPart patches only `/properties` with `replace` ("Invalid patch
 * path  '/properties' specified for op 'add'. Please choose supported operations",
 * "Invalid patch path  '/invalidPath' specified for op 'replace'. Must be one of:
 * [/properties]"); DeleteDocumentationPart answers 202; ImportDocumentationParts of
 * a body that is not a definition is "Unable to build importer with provided input.";
 * CreateDocumentationVersion answers 201 {version, createdDate[, description]}.
 */
import { parse as parseYaml } from 'yaml';
import { deleteDocument, isRevisionConflict, updateDocument } from '../../store/documents.js';
import { badRequest, conflict, notFound } from '../errors.js';
import { requireDeployment, stageNotFound } from './lookups.js';
import { newId } from '../ids.js';
import type { DocumentationPart, DocumentationPartLocation, RestApi } from '../model.js';
import type { ApiAddress } from './addressing.js';
import { nowSeconds, type ManagementContext } from './context.js';
import type { PatchOperation } from './patch.js';
import { page } from './views.js';

type PartAddress = ApiAddress & { documentationPartId: string };
type VersionAddress = ApiAddress & { documentationVersion: string };

const VERSION_KIND = 'apigateway.documentation-version';

interface DocumentationVersionDoc {
  readonly restApiId: string;
  readonly version: string;
  readonly createdDate: number;
  readonly description?: string;
  /** The parts as they were when the version was made. */
  readonly parts: Record<string, DocumentationPart>;
}

const PART_NOT_FOUND = 'Invalid Documentation part identifier specified';

export function documentationPartView(p: DocumentationPart): Record<string, unknown> {
  const location: Record<string, unknown> = { type: p.location.type };
  for (const k of ['path', 'method', 'statusCode', 'name'] as const) if (p.location[k] !== undefined) location[k] = p.location[k];
  return { id: p.id, location, properties: p.properties };
}

function checkProperties(properties: string | undefined): string {
  if (properties === undefined || properties.trim() === '') throw badRequest('Documentation part properties must be non-empty');
  try {
    const parsed: unknown = JSON.parse(properties);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
  } catch {
    throw badRequest('Invalid Documentation part properties specified');
  }
  return properties;
}

function location(raw: Record<string, unknown>): DocumentationPartLocation {
  const out: Record<string, unknown> = { type: raw['type'] };
  for (const k of ['path', 'method', 'statusCode', 'name']) if (typeof raw[k] === 'string') out[k] = raw[k];
  return out as unknown as DocumentationPartLocation;
}

const sameLocation = (a: DocumentationPartLocation, b: DocumentationPartLocation): boolean =>
  a.type === b.type && a.path === b.path && a.method === b.method && a.statusCode === b.statusCode && a.name === b.name;

export async function createDocumentationPart(
  ctx: ManagementContext,
  input: ApiAddress & { location: Record<string, unknown>; properties: string },
): Promise<Record<string, unknown>> {
  await ctx.apis.require(input.restApiId);
  const part: DocumentationPart = { id: newId(6), location: location(input.location), properties: checkProperties(input.properties) };
  return ctx.apis.edit(input.restApiId, (api) => {
    api.documentationParts ??= {};
    if (Object.values(api.documentationParts).some((p) => sameLocation(p.location as DocumentationPartLocation, part.location))) {
      throw conflict('Documentation part already exists for the given location');
    }
    api.documentationParts[part.id] = structuredClone(part) as (typeof api.documentationParts)[string];
    return documentationPartView(part);
  });
}

export async function getDocumentationPart(ctx: ManagementContext, input: PartAddress): Promise<Record<string, unknown>> {
  const api = await ctx.apis.find(input.restApiId);
  const part = api?.documentationParts?.[input.documentationPartId];
  if (!part || !Object.hasOwn(api.documentationParts!, input.documentationPartId)) throw notFound(PART_NOT_FOUND);
  return documentationPartView(part);
}

export async function getDocumentationParts(
  ctx: ManagementContext,
  input: ApiAddress & { type?: string; nameQuery?: string; path?: string; position?: string; limit?: number },
): Promise<Record<string, unknown>> {
  const api = await ctx.apis.require(input.restApiId);
  const parts = Object.values(api.documentationParts ?? {}).filter((p) =>
    (input.type === undefined || p.location.type === input.type)
    && (input.path === undefined || p.location.path === input.path)
    && (input.nameQuery === undefined || (p.location.name ?? '').includes(input.nameQuery)));
  const { items, position } = page(parts, input.position, input.limit);
  return { items: items.map(documentationPartView), position };
}

export async function updateDocumentationPart(ctx: ManagementContext, input: PartAddress & { patchOperations?: PatchOperation[] }): Promise<Record<string, unknown>> {
  if (!(await ctx.apis.find(input.restApiId))) throw notFound(PART_NOT_FOUND);
  return ctx.apis.edit(input.restApiId, (api) => {
    const part = api.documentationParts && Object.hasOwn(api.documentationParts, input.documentationPartId) ? api.documentationParts[input.documentationPartId] : undefined;
    if (!part) throw notFound(PART_NOT_FOUND);
    for (const op of input.patchOperations ?? []) {
      if (op.path !== '/properties') throw badRequest(`Invalid patch path  '${op.path ?? ''}' specified for op '${op.op ?? ''}'. Must be one of: [/properties]`);
      if (op.op !== 'replace') throw badRequest(`Invalid patch path  '${op.path}' specified for op '${op.op ?? ''}'. Please choose supported operations`);
      part.properties = checkProperties(op.value ?? undefined);
    }
    return documentationPartView(part as DocumentationPart);
  });
}

export async function deleteDocumentationPart(ctx: ManagementContext, input: PartAddress): Promise<void> {
  await ctx.apis.edit(input.restApiId, (api) => {
    if (!api.documentationParts || !Object.hasOwn(api.documentationParts, input.documentationPartId)) throw notFound(PART_NOT_FOUND);
    delete api.documentationParts[input.documentationPartId];
  });
}

/** The parts an `x-amazon-apigateway-documentation` extension lists, with AWS's import warnings. */
export function documentationPartsOf(extension: unknown, warnings: string[]): DocumentationPart[] {
  if (typeof extension !== 'object' || extension === null) return [];
  const list = (extension as Record<string, unknown>)['documentationParts'];
  if (!Array.isArray(list)) return [];
  const out: DocumentationPart[] = [];
  for (const entry of list) {
    if (typeof entry !== 'object' || entry === null) continue;
    const e = entry as Record<string, unknown>;
    const loc = typeof e['location'] === 'object' && e['location'] !== null ? (e['location'] as Record<string, unknown>) : undefined;
    const props = e['properties'];
    if (!loc || typeof loc['type'] !== 'string' || typeof props !== 'object' || props === null) {
      warnings.push('Invalid documentation part: a location with a type and properties are required.');
      continue;
    }
    out.push({ id: newId(6), location: location(loc), properties: JSON.stringify(props) });
  }
  return out;
}

export async function importDocumentationParts(
  ctx: ManagementContext,
  input: ApiAddress & { mode?: string; failOnWarnings?: boolean; body?: Uint8Array | string },
): Promise<Record<string, unknown>> {
  await ctx.apis.require(input.restApiId);
  const text = typeof input.body === 'string' ? input.body : Buffer.from(input.body ?? []).toString('utf8');
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch {
    throw badRequest('Unable to build importer with provided input.');
  }
  if (typeof doc !== 'object' || doc === null || (!('openapi' in doc) && !('swagger' in doc))) throw badRequest('Unable to build importer with provided input.');
  const warnings: string[] = [];
  const parts = documentationPartsOf((doc as Record<string, unknown>)['x-amazon-apigateway-documentation'], warnings);
  if (warnings.length && input.failOnWarnings) throw badRequest(`Warnings found during import:\n\t${warnings.join('\n\t')}`);
  const mode = input.mode ?? 'merge';
  if (mode !== 'merge' && mode !== 'overwrite') throw badRequest('Enumeration value of OpenAPI import mode must be "overwrite" or "merge"');
  return ctx.apis.edit(input.restApiId, (api) => {
    const existing = mode === 'overwrite' ? [] : Object.values(api.documentationParts ?? {}) as DocumentationPart[];
    // A part imported where one exists replaces it (merge); overwrite starts from none.
    const kept = existing.filter((p) => !parts.some((n) => sameLocation(n.location, p.location)));
    api.documentationParts = Object.fromEntries([...kept, ...parts].map((p) => [p.id, structuredClone(p)])) as typeof api.documentationParts;
    return { ids: parts.map((p) => p.id), ...(warnings.length ? { warnings } : {}) };
  });
}

// ---------------------------------------------------------------- versions

const versionView = (v: DocumentationVersionDoc): Record<string, unknown> => ({
  version: v.version,
  createdDate: new Date(v.createdDate * 1000),
  description: v.description,
});

const versionNotFound = (): Error => notFound('Invalid Documentation version identifier specified');

async function requireVersion(ctx: ManagementContext, apiId: string, version: string): Promise<DocumentationVersionDoc> {
  await ctx.apis.require(apiId);
  const v = await ctx.repo.documents.get<DocumentationVersionDoc>(VERSION_KIND, `${apiId}:${version}`);
  if (!v) throw versionNotFound();
  return v;
}

export async function createDocumentationVersion(
  ctx: ManagementContext,
  input: ApiAddress & { documentationVersion: string; stageName?: string; description?: string },
): Promise<Record<string, unknown>> {
  const api: RestApi = await ctx.apis.require(input.restApiId);
  const key = `${api.id}:${input.documentationVersion}`;
  if (await ctx.repo.documents.get(VERSION_KIND, key)) throw conflict('Documentation version already exists');
  const stage = input.stageName !== undefined ? await ctx.repo.getStage(api.id, input.stageName) : undefined;
  if (input.stageName !== undefined && !stage) throw notFound('Invalid Stage identifier specified');
  const version: DocumentationVersionDoc = {
    restApiId: api.id,
    version: input.documentationVersion,
    createdDate: nowSeconds(),
    ...(input.description !== undefined ? { description: input.description } : {}),
    parts: structuredClone(api.documentationParts ?? {}),
  };
  // A create: of two nodes creating one version at once, the second answers the same ConflictException.
  try {
    await ctx.repo.documents.putIf(VERSION_KIND, key, version, 0);
  } catch (e) {
    if (isRevisionConflict(e)) throw conflict('Documentation version already exists');
    throw e;
  }
  if (stage) {
    await ctx.stages.write(api.id, stage.stageName, async (current) => {
      if (!current) throw stageNotFound();
      return {
        stage: { ...current, documentationVersion: version.version, lastUpdatedDate: nowSeconds() },
        deployment: await requireDeployment(ctx, api.id, current.deploymentId),
      };
    });
  }
  return versionView(version);
}

export async function getDocumentationVersion(ctx: ManagementContext, input: VersionAddress): Promise<Record<string, unknown>> {
  return versionView(await requireVersion(ctx, input.restApiId, input.documentationVersion));
}

export async function getDocumentationVersions(ctx: ManagementContext, input: ApiAddress & { position?: string; limit?: number }): Promise<Record<string, unknown>> {
  await ctx.apis.require(input.restApiId);
  const all = (await ctx.repo.documents.list<DocumentationVersionDoc>(VERSION_KIND))
    .filter((e) => e.id.startsWith(`${input.restApiId}:`))
    .map((e) => e.doc)
    .sort((a, b) => a.createdDate - b.createdDate);
  const { items, position } = page(all, input.position, input.limit);
  return { items: items.map(versionView), position };
}

export async function updateDocumentationVersion(ctx: ManagementContext, input: VersionAddress & { patchOperations?: PatchOperation[] }): Promise<Record<string, unknown>> {
  await requireVersion(ctx, input.restApiId, input.documentationVersion);
  const { doc: next } = await updateDocument<DocumentationVersionDoc>(ctx.repo.documents, VERSION_KIND, `${input.restApiId}:${input.documentationVersion}`, (current) => {
    if (!current) throw versionNotFound();
    let description = current.description;
    for (const op of input.patchOperations ?? []) {
      if (op.path !== '/description') throw badRequest(`Invalid patch path  '${op.path ?? ''}' specified for op '${op.op ?? ''}'. Must be one of: [/description]`);
      description = op.op === 'remove' ? undefined : (op.value ?? undefined);
    }
    const { description: _old, ...rest } = current;
    return { ...rest, ...(description !== undefined ? { description } : {}) };
  });
  return versionView(next);
}

export async function deleteDocumentationVersion(ctx: ManagementContext, input: VersionAddress): Promise<void> {
  await ctx.apis.require(input.restApiId);
  await deleteDocument(ctx.repo.documents, VERSION_KIND, `${input.restApiId}:${input.documentationVersion}`, (current) => {
    if (!current) throw versionNotFound();
  });
}
