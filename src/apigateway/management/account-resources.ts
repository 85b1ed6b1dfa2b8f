/**
 * API Gateway resources of the account rather than of one API: VPC links,
 * client certificates, custom domain names and their base path mappings.
 * Sluice keeps and answers them as AWS does (so definitions and IaC
 * configurations that declare them apply); it serves no traffic through
 * them: a domain name is not resolved, a VPC link reaches no load balancer.
 *
 * AWS's answers (LocalStack's recordings of AWS, tests/aws/services/apigateway/
 * test_apigateway_api.snapshot.json, TestApiGatewayVpcLink): CreateVpcLink answers
 * 202 with status PENDING, later reads AVAILABLE with statusMessage "Your vpc link
 * is ready for use"; "Name cannot be empty"; "Invalid ARN. ARN is not well formed
 * <arn>"; unknown ids "Invalid Vpc Link identifier specified". The other
 * wordings follow moto (moto/apigateway/exceptions.py): "Invalid domain name
 * identifier specified", "Invalid base path mapping identifier specified",
 * "Base path already exists for this domain name" (ConflictException),
 * "Invalid REST API identifier specified", "Invalid stage identifier specified".
 */
import { deleteDocument, isRevisionConflict, retryOnConflict, updateDocument } from '../../store/documents.js';
import { badRequest, conflict, notFound } from '../errors.js';
import { newId } from '../ids.js';
import { nowSeconds, type ManagementContext } from './context.js';
import { applyPatch, type PatchOperation, type PatchSpec } from './patch.js';
import { selfSignedCertificate } from './self-signed.js';
import { page } from './views.js';

type Wire = Record<string, unknown>;
type Tags = Record<string, string>;

const KIND = {
  vpcLink: 'apigateway.vpc-link',
  certificate: 'apigateway.client-certificate',
  domain: 'apigateway.domain-name',
  mapping: 'apigateway.base-path-mapping',
} as const;

const nonEmpty = (tags: Tags | undefined): Tags | undefined => (tags && Object.keys(tags).length ? tags : undefined);
const date = (s: number | undefined): Date | undefined => (s === undefined ? undefined : new Date(s * 1000));

async function list<T>(ctx: ManagementContext, kind: string): Promise<T[]> {
  return (await ctx.repo.documents.list<T>(kind)).map((e) => e.doc);
}

// Every write below is a compare-and-set on the stored revision (a create on "none stored"), so two
// nodes sharing the store (cluster mode) cannot both win: of two creates of one name the second
// answers AWS's ConflictException; a change that lost runs again on the document as the winner left it.

/** Stores a new document; `exists`: the error when one is stored under that id already (also when another node created it first). */
async function create<T>(ctx: ManagementContext, kind: string, id: string, doc: T, exists: () => Error): Promise<void> {
  try {
    await ctx.repo.documents.putIf(kind, id, doc, 0);
  } catch (e) {
    throw isRevisionConflict(e) ? exists() : e;
  }
}

/** Read, change, compare-and-set (again on what is stored if another writer got there first); `missing`: the error when there is none. */
async function update<T>(ctx: ManagementContext, kind: string, id: string, missing: () => Error, change: (current: T) => T | Promise<T>): Promise<T> {
  return (await updateDocument<T>(ctx.repo.documents, kind, id, (current) => {
    if (current === undefined) throw missing();
    return change(current);
  })).doc;
}

/** Deletes on the revision read; `missing` (if given): the error when there is none. */
async function remove(ctx: ManagementContext, kind: string, id: string, missing?: () => Error): Promise<void> {
  await deleteDocument(ctx.repo.documents, kind, id, (current) => {
    if (current === undefined && missing) throw missing();
  });
}

// ---------------------------------------------------------------- VPC links

interface VpcLink {
  readonly id: string;
  readonly name: string;
  readonly description?: string;
  readonly targetArns: readonly string[];
  readonly createdDate: number;
  readonly tags?: Tags;
}

/** A VPC link is PENDING in CreateVpcLink's answer and AVAILABLE from then on. */
function vpcLinkView(l: VpcLink, pending = false, listed = false): Wire {
  return {
    id: l.id,
    name: l.name,
    description: l.description,
    targetArns: [...l.targetArns],
    status: pending ? 'PENDING' : 'AVAILABLE',
    statusMessage: pending ? undefined : 'Your vpc link is ready for use',
    tags: pending ? nonEmpty(l.tags) : listed ? nonEmpty(l.tags) : { ...l.tags },
  };
}

const vpcLinkNotFound = (): Error => notFound('Invalid Vpc Link identifier specified');

async function requireVpcLink(ctx: ManagementContext, id: string): Promise<VpcLink> {
  const l = await ctx.repo.documents.get<VpcLink>(KIND.vpcLink, id);
  if (!l) throw vpcLinkNotFound();
  return l;
}

export async function createVpcLink(ctx: ManagementContext, input: { name: string; description?: string; targetArns: string[]; tags?: Tags }): Promise<Wire> {
  if (!input.name || input.name.trim() === '') throw badRequest('Name cannot be empty');
  for (const arn of input.targetArns) if (!/^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:\d{12}:.+/.test(arn)) throw badRequest(`Invalid ARN. ARN is not well formed ${arn}`);
  const link: VpcLink = {
    id: newId(6),
    name: input.name,
    ...(input.description !== undefined ? { description: input.description } : {}),
    targetArns: input.targetArns,
    createdDate: nowSeconds(),
    ...(input.tags ? { tags: input.tags } : {}),
  };
  await create(ctx, KIND.vpcLink, link.id, link, () => conflict('VPC link already exists'));
  return vpcLinkView(link, true);
}

export async function getVpcLink(ctx: ManagementContext, input: { vpcLinkId: string }): Promise<Wire> {
  return vpcLinkView(await requireVpcLink(ctx, input.vpcLinkId));
}

export async function getVpcLinks(ctx: ManagementContext, input: { position?: string; limit?: number }): Promise<Wire> {
  const all = (await list<VpcLink>(ctx, KIND.vpcLink)).sort((a, b) => a.createdDate - b.createdDate);
  const { items, position } = page(all, input.position, input.limit);
  return { items: items.map((l) => vpcLinkView(l, false, true)), position };
}

export async function updateVpcLink(ctx: ManagementContext, input: { vpcLinkId: string; patchOperations?: PatchOperation[] }): Promise<Wire> {
  const link = await update<VpcLink>(ctx, KIND.vpcLink, input.vpcLinkId, vpcLinkNotFound, (current) => {
    const draft = structuredClone(current) as unknown as Record<string, unknown>;
    applyPatch(draft, { name: { kind: 'string' }, description: { kind: 'string', ops: ['add', 'replace', 'remove'] } }, input.patchOperations);
    if (!draft['name']) throw badRequest('Name cannot be empty');
    return draft as unknown as VpcLink;
  });
  return vpcLinkView(link);
}

export async function deleteVpcLink(ctx: ManagementContext, input: { vpcLinkId: string }): Promise<void> {
  await remove(ctx, KIND.vpcLink, input.vpcLinkId, vpcLinkNotFound);
}

// ---------------------------------------------------------------- client certificates

interface ClientCertificate {
  readonly clientCertificateId: string;
  readonly description?: string;
  readonly pemEncodedCertificate: string;
  readonly createdDate: number;
  readonly expirationDate: number;
  readonly tags?: Tags;
}

const certificateView = (c: ClientCertificate): Wire => ({
  clientCertificateId: c.clientCertificateId,
  description: c.description,
  pemEncodedCertificate: c.pemEncodedCertificate,
  createdDate: date(c.createdDate),
  expirationDate: date(c.expirationDate),
  tags: nonEmpty(c.tags),
});

const certificateNotFound = (): Error => notFound('Invalid Client Certificate identifier specified');

async function requireCertificate(ctx: ManagementContext, id: string): Promise<ClientCertificate> {
  const c = await ctx.repo.documents.get<ClientCertificate>(KIND.certificate, id);
  if (!c) throw certificateNotFound();
  return c;
}

/** AWS's client certificates are valid for 365 days. */
const CERTIFICATE_DAYS = 365;

export async function generateClientCertificate(ctx: ManagementContext, input: { description?: string; tags?: Tags }): Promise<Wire> {
  const now = nowSeconds();
  const expires = now + CERTIFICATE_DAYS * 86_400;
  const id = newId(6);
  const cert: ClientCertificate = {
    clientCertificateId: id,
    ...(input.description !== undefined ? { description: input.description } : {}),
    pemEncodedCertificate: selfSignedCertificate(id, new Date(now * 1000), new Date(expires * 1000)),
    createdDate: now,
    expirationDate: expires,
    ...(input.tags ? { tags: input.tags } : {}),
  };
  await create(ctx, KIND.certificate, id, cert, () => conflict('Client certificate already exists'));
  return certificateView(cert);
}

export async function getClientCertificate(ctx: ManagementContext, input: { clientCertificateId: string }): Promise<Wire> {
  return certificateView(await requireCertificate(ctx, input.clientCertificateId));
}

export async function getClientCertificates(ctx: ManagementContext, input: { position?: string; limit?: number }): Promise<Wire> {
  const all = (await list<ClientCertificate>(ctx, KIND.certificate)).sort((a, b) => a.createdDate - b.createdDate);
  const { items, position } = page(all, input.position, input.limit);
  return { items: items.map(certificateView), position };
}

export async function updateClientCertificate(ctx: ManagementContext, input: { clientCertificateId: string; patchOperations?: PatchOperation[] }): Promise<Wire> {
  const cert = await update<ClientCertificate>(ctx, KIND.certificate, input.clientCertificateId, certificateNotFound, (current) => {
    const draft = structuredClone(current) as unknown as Record<string, unknown>;
    applyPatch(draft, { description: { kind: 'string', ops: ['add', 'replace', 'remove'] } }, input.patchOperations);
    return draft as unknown as ClientCertificate;
  });
  return certificateView(cert);
}

export async function deleteClientCertificate(ctx: ManagementContext, input: { clientCertificateId: string }): Promise<void> {
  await remove(ctx, KIND.certificate, input.clientCertificateId, certificateNotFound);
}

// ---------------------------------------------------------------- domain names

interface DomainName {
  readonly domainName: string;
  readonly certificateName?: string;
  readonly certificateArn?: string;
  readonly regionalCertificateName?: string;
  readonly regionalCertificateArn?: string;
  readonly endpointConfiguration: { readonly types: readonly string[] };
  readonly securityPolicy: string;
  readonly certificateUploadDate?: number;
  readonly distributionHash: string;
  readonly tags?: Tags;
}

/**
 * The hosted zones of API Gateway's regional endpoints and of CloudFront, for
 * alias records (AWS General Reference, "Amazon API Gateway endpoints and
 * quotas"; CloudFront's is Z2FDTNDATAQYW2 everywhere).
 */
const REGIONAL_ZONES: Readonly<Record<string, string>> = {
  'us-east-1': 'Z1UJRXOUMOOFQ8',
  'us-east-2': 'ZOJJZC49E0EPZ',
  'us-west-1': 'Z2MUQ32089INYE',
  'us-west-2': 'Z2OJLYMUO9EFXC',
  'eu-west-1': 'ZLY8HYME6SFDD',
  'eu-central-1': 'Z1U9ULNL0V5AJ3',
};
const CLOUDFRONT_ZONE = 'Z2FDTNDATAQYW2';

function domainView(ctx: ManagementContext, d: DomainName): Wire {
  const regional = d.endpointConfiguration.types.includes('REGIONAL');
  return {
    domainName: d.domainName,
    certificateName: d.certificateName,
    certificateArn: d.certificateArn,
    certificateUploadDate: date(d.certificateUploadDate),
    regionalDomainName: regional ? `d-${d.distributionHash}.execute-api.${ctx.region}.amazonaws.com` : undefined,
    regionalHostedZoneId: regional ? REGIONAL_ZONES[ctx.region] : undefined,
    regionalCertificateName: d.regionalCertificateName,
    regionalCertificateArn: d.regionalCertificateArn,
    distributionDomainName: regional ? undefined : `d${d.distributionHash}.cloudfront.net`,
    distributionHostedZoneId: regional ? undefined : CLOUDFRONT_ZONE,
    endpointConfiguration: { types: [...d.endpointConfiguration.types] },
    domainNameStatus: 'AVAILABLE',
    securityPolicy: d.securityPolicy,
    domainNameArn: `arn:aws:apigateway:${ctx.region}::/domainnames/${d.domainName}`,
    tags: nonEmpty(d.tags),
  };
}

const domainNotFound = (): Error => notFound('Invalid domain name identifier specified');
const domainExists = (): Error => conflict('The domain name you provided already exists.');

async function requireDomain(ctx: ManagementContext, name: string): Promise<DomainName> {
  const d = await ctx.repo.documents.get<DomainName>(KIND.domain, name);
  if (!d) throw domainNotFound();
  return d;
}

interface CreateDomainNameInput {
  domainName: string;
  certificateName?: string;
  certificateBody?: string;
  certificatePrivateKey?: string;
  certificateChain?: string;
  certificateArn?: string;
  regionalCertificateName?: string;
  regionalCertificateArn?: string;
  endpointConfiguration?: { types?: string[] };
  securityPolicy?: string;
  tags?: Tags;
}

export async function createDomainName(ctx: ManagementContext, input: CreateDomainNameInput): Promise<Wire> {
  if (!input.domainName) throw badRequest('No Domain Name specified');
  if (await ctx.repo.documents.get(KIND.domain, input.domainName)) throw domainExists();
  const types = input.endpointConfiguration?.types ?? ['EDGE'];
  const domain: DomainName = {
    domainName: input.domainName,
    ...(input.certificateName !== undefined ? { certificateName: input.certificateName } : {}),
    ...(input.certificateArn !== undefined ? { certificateArn: input.certificateArn } : {}),
    ...(input.regionalCertificateName !== undefined ? { regionalCertificateName: input.regionalCertificateName } : {}),
    ...(input.regionalCertificateArn !== undefined ? { regionalCertificateArn: input.regionalCertificateArn } : {}),
    endpointConfiguration: { types },
    securityPolicy: input.securityPolicy ?? 'TLS_1_2',
    ...(input.certificateArn !== undefined || input.certificateBody !== undefined ? { certificateUploadDate: nowSeconds() } : {}),
    distributionHash: newId(10),
    ...(input.tags ? { tags: input.tags } : {}),
  };
  await create(ctx, KIND.domain, domain.domainName, domain, domainExists);
  return domainView(ctx, domain);
}

export async function getDomainName(ctx: ManagementContext, input: { domainName: string }): Promise<Wire> {
  return domainView(ctx, await requireDomain(ctx, input.domainName));
}

export async function getDomainNames(ctx: ManagementContext, input: { position?: string; limit?: number }): Promise<Wire> {
  const { items, position } = page(await list<DomainName>(ctx, KIND.domain), input.position, input.limit);
  return { items: items.map((d) => domainView(ctx, d)), position };
}

const DOMAIN_PATCH: PatchSpec = {
  certificateName: { kind: 'string', ops: ['add', 'replace', 'remove'] },
  certificateArn: { kind: 'string', ops: ['add', 'replace', 'remove'] },
  regionalCertificateName: { kind: 'string', ops: ['add', 'replace', 'remove'] },
  regionalCertificateArn: { kind: 'string', ops: ['add', 'replace', 'remove'] },
  securityPolicy: { kind: 'string', values: ['TLS_1_0', 'TLS_1_2'] },
};

export async function updateDomainName(ctx: ManagementContext, input: { domainName: string; patchOperations?: PatchOperation[] }): Promise<Wire> {
  const updated = await update<DomainName>(ctx, KIND.domain, input.domainName, domainNotFound, (current) => {
    const domain = structuredClone(current) as unknown as Record<string, unknown>;
    applyPatch(domain, DOMAIN_PATCH, input.patchOperations, (op, segments) => {
      // `/endpointConfiguration/types/0` replaced with EDGE or REGIONAL.
      if (segments[0] !== 'endpointConfiguration' || segments[1] !== 'types' || op.op !== 'replace' || !['EDGE', 'REGIONAL'].includes(op.value ?? '')) return false;
      domain['endpointConfiguration'] = { types: [op.value] };
      return true;
    });
    return domain as unknown as DomainName;
  });
  return domainView(ctx, updated);
}

export async function deleteDomainName(ctx: ManagementContext, input: { domainName: string }): Promise<void> {
  await requireDomain(ctx, input.domainName);
  for (const m of await mappingsOf(ctx, input.domainName)) await remove(ctx, KIND.mapping, mappingKey(input.domainName, m.basePath));
  await remove(ctx, KIND.domain, input.domainName, domainNotFound);
}

// ---------------------------------------------------------------- base path mappings

interface BasePathMapping {
  readonly domainName: string;
  /** "(none)" for the mapping of the domain's root, as AWS names it. */
  readonly basePath: string;
  readonly restApiId: string;
  readonly stage?: string;
}

const ROOT = '(none)';
const mappingKey = (domain: string, basePath: string): string => `${domain}\n${basePath}`;
const mappingView = (m: BasePathMapping): Wire => ({ basePath: m.basePath, restApiId: m.restApiId, stage: m.stage });

async function mappingsOf(ctx: ManagementContext, domain: string): Promise<BasePathMapping[]> {
  return (await list<BasePathMapping>(ctx, KIND.mapping)).filter((m) => m.domainName === domain);
}

const mappingNotFound = (): Error => notFound('Invalid base path mapping identifier specified');
const basePathExists = (): Error => conflict('Base path already exists for this domain name');

async function requireMapping(ctx: ManagementContext, domain: string, basePath: string): Promise<BasePathMapping> {
  await requireDomain(ctx, domain);
  const m = await ctx.repo.documents.get<BasePathMapping>(KIND.mapping, mappingKey(domain, basePath === '' ? ROOT : basePath));
  if (!m) throw mappingNotFound();
  return m;
}

async function checkTarget(ctx: ManagementContext, restApiId: string, stage: string | undefined): Promise<void> {
  if (!(await ctx.apis.find(restApiId))) throw badRequest('Invalid REST API identifier specified');
  if (stage !== undefined && !(await ctx.repo.getStage(restApiId, stage))) throw badRequest('Invalid stage identifier specified');
}

export async function createBasePathMapping(ctx: ManagementContext, input: { domainName: string; basePath?: string; restApiId: string; stage?: string }): Promise<Wire> {
  await requireDomain(ctx, input.domainName);
  const basePath = input.basePath === undefined || input.basePath === '' ? ROOT : input.basePath;
  if (basePath !== ROOT && !/^[a-zA-Z0-9$_.+!*'()-]+$/.test(basePath)) {
    throw badRequest('API Gateway V1 doesn\'t support the slash character (/) in base path mappings. To create a multi-level base path mapping, use API Gateway V2.');
  }
  await checkTarget(ctx, input.restApiId, input.stage);
  if (await ctx.repo.documents.get(KIND.mapping, mappingKey(input.domainName, basePath))) throw basePathExists();
  const mapping: BasePathMapping = { domainName: input.domainName, basePath, restApiId: input.restApiId, ...(input.stage !== undefined ? { stage: input.stage } : {}) };
  await create(ctx, KIND.mapping, mappingKey(input.domainName, basePath), mapping, basePathExists);
  return mappingView(mapping);
}

export async function getBasePathMapping(ctx: ManagementContext, input: { domainName: string; basePath: string }): Promise<Wire> {
  return mappingView(await requireMapping(ctx, input.domainName, input.basePath));
}

export async function getBasePathMappings(ctx: ManagementContext, input: { domainName: string; position?: string; limit?: number }): Promise<Wire> {
  await requireDomain(ctx, input.domainName);
  const { items, position } = page(await mappingsOf(ctx, input.domainName), input.position, input.limit);
  return { items: items.map(mappingView), position };
}

export async function updateBasePathMapping(ctx: ManagementContext, input: { domainName: string; basePath: string; patchOperations?: PatchOperation[] }): Promise<Wire> {
  // Rerun from the read when another node changed the mapping meanwhile.
  return retryOnConflict(async () => {
    const read = await requireMapping(ctx, input.domainName, input.basePath);
    const stored = await ctx.repo.documents.getVersioned<BasePathMapping>(KIND.mapping, mappingKey(read.domainName, read.basePath));
    if (!stored) throw mappingNotFound();
    const current = stored.doc;
    const draft = structuredClone(current) as unknown as Record<string, unknown>;
    applyPatch(draft, { basePath: { kind: 'string' }, restapiId: { kind: 'string' }, stage: { kind: 'string', ops: ['add', 'replace', 'remove'] } }, input.patchOperations);
    const next: BasePathMapping = {
      domainName: current.domainName,
      basePath: typeof draft['basePath'] === 'string' && draft['basePath'] !== '' ? (draft['basePath'] as string) : ROOT,
      restApiId: typeof draft['restapiId'] === 'string' ? (draft['restapiId'] as string) : current.restApiId,
      ...(typeof draft['stage'] === 'string' ? { stage: draft['stage'] as string } : {}),
    };
    await checkTarget(ctx, next.restApiId, next.stage);
    const from = mappingKey(current.domainName, current.basePath);
    if (next.basePath === current.basePath) {
      // On the revision read: a change another node made meanwhile makes this run again on it.
      await ctx.repo.documents.putIf(KIND.mapping, from, next, stored.revision);
      return mappingView(next);
    }
    // A move: the new base path is created (refused if it exists, or another node took it first),
    // then the old one deleted on the revision read (a change another node made to it meanwhile
    // undoes the move, which then runs again on the mapping as changed).
    await create(ctx, KIND.mapping, mappingKey(next.domainName, next.basePath), next, basePathExists);
    try {
      await ctx.repo.documents.deleteIf(KIND.mapping, from, stored.revision);
    } catch (e) {
      if (isRevisionConflict(e)) await remove(ctx, KIND.mapping, mappingKey(next.domainName, next.basePath));
      throw e;
    }
    return mappingView(next);
  });
}

export async function deleteBasePathMapping(ctx: ManagementContext, input: { domainName: string; basePath: string }): Promise<void> {
  const m = await requireMapping(ctx, input.domainName, input.basePath);
  await remove(ctx, KIND.mapping, mappingKey(m.domainName, m.basePath), mappingNotFound);
}
