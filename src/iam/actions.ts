/**
 * The IAM API actions Sluice implements: users and their access keys, roles,
 * inline and managed policies. Inputs arrive parsed and validated against the
 * model; errors use IAM's codes and wording. Policy documents are returned
 * URL-encoded, as IAM returns them.
 */
import { AwsError } from '../protocol/errors.js';
import { iamArn, parseArn } from './arn.js';
import type { Identity } from './authorizer.js';
import type { Iam } from './iam.js';
import type { IamTarget } from './iam-authorization.js';
import { newId, newSecret } from './ids.js';
import { ALL_AWS_MANAGED_POLICIES, awsManagedPolicy, type AwsManagedPolicy } from './managed-policies.js';
import { instanceProfilesOf } from './iac-actions.js';
import { parsePolicy } from './policy.js';
import type { AccessKeyEntity, CustomerPolicyEntity, RoleEntity, Tag, UserEntity } from './store.js';

export interface ActionContext {
  readonly iam: Iam;
  /** The caller (verified with --auth sigv4, as claimed otherwise). */
  readonly caller: Identity;
  /** The entities the call was authorized on (iam-authorization.ts): actions act on these. */
  readonly target: IamTarget;
}

type In = Record<string, any>;
type Out = Record<string, unknown>;

export const noSuchEntity = (message: string): AwsError => new AwsError('NoSuchEntity', message, 404);
export const alreadyExists = (message: string): AwsError => new AwsError('EntityAlreadyExists', message, 409);
export const deleteConflict = (message: string): AwsError => new AwsError('DeleteConflict', message, 409);
export const invalidInput = (message: string): AwsError => new AwsError('InvalidInput', message, 400);

/** IAM returns documents percent-encoded (RFC 3986). */
export const encodeDocument = (doc: string): string => encodeURIComponent(doc);

// ---------------------------------------------------------------- paging

/** Markers are opaque to clients; here they are the offset of the next item. */
export function page<T>(items: readonly T[], input: In): { items: T[]; IsTruncated: boolean; Marker?: string } {
  let start = 0;
  if (input['Marker'] !== undefined) {
    const n = Number(Buffer.from(String(input['Marker']), 'base64').toString('utf8'));
    if (!Number.isInteger(n) || n < 0) throw invalidInput('Invalid Marker.');
    start = n;
  }
  const max = (input['MaxItems'] as number | undefined) ?? 100;
  const slice = items.slice(start, start + max);
  const next = start + max;
  return next < items.length
    ? { items: slice, IsTruncated: true, Marker: Buffer.from(String(next)).toString('base64') }
    : { items: slice, IsTruncated: false };
}

export const byName = <T>(key: (t: T) => string) => (a: T, b: T): number => (key(a).toLowerCase() < key(b).toLowerCase() ? -1 : 1);

// ---------------------------------------------------------------- shapes

export const tagsOut = (tags: readonly Tag[]): Tag[] | undefined => (tags.length ? [...tags] : undefined);

export function roleOut(r: RoleEntity, withTags = true): Out {
  return {
    Path: r.path,
    RoleName: r.roleName,
    RoleId: r.roleId,
    Arn: r.arn,
    CreateDate: new Date(r.createDate),
    AssumeRolePolicyDocument: encodeDocument(r.assumeRolePolicyDocument),
    Description: r.description,
    MaxSessionDuration: r.maxSessionDuration,
    Tags: withTags ? tagsOut(r.tags) : undefined,
  };
}

export function userOut(u: UserEntity): Out {
  return { Path: u.path, UserName: u.userName, UserId: u.userId, Arn: u.arn, CreateDate: new Date(u.createDate), Tags: tagsOut(u.tags) };
}

/** The Policy element, for customer managed and AWS managed policies alike (only the former carry tags). */
export function policyOut(iam: Iam, p: CustomerPolicyEntity | AwsManagedPolicy): Out {
  return {
    PolicyName: p.policyName,
    PolicyId: p.policyId,
    Arn: p.arn,
    Path: p.path,
    DefaultVersionId: p.defaultVersionId,
    AttachmentCount: iam.store.attachmentCount(p.arn),
    PermissionsBoundaryUsageCount: 0,
    IsAttachable: true,
    Description: p.description,
    CreateDate: new Date(p.createDate),
    UpdateDate: new Date(p.updateDate),
    ...('tags' in p ? { Tags: tagsOut(p.tags) } : {}),
  };
}


// ---------------------------------------------------------------- lookups

export function getRole(ctx: ActionContext, name: string): RoleEntity {
  const r = ctx.iam.store.role(name);
  if (!r) throw noSuchEntity(`The role with name ${name} cannot be found.`);
  return r;
}

export function getUser(ctx: ActionContext, name: string): UserEntity {
  const u = ctx.iam.store.user(name);
  if (!u) throw noSuchEntity(`The user with name ${name} cannot be found.`);
  return u;
}

/**
 * The user an optional UserName means: the named one, else the calling user
 * (resolved, and authorized, as `ctx.target.userName`); the root has none.
 */
function targetUserName(ctx: ActionContext): string | undefined {
  if (ctx.target.userName !== undefined) return ctx.target.userName;
  if (ctx.caller.principal.kind === 'root') return undefined;
  throw new AwsError('ValidationError', 'Must specify userName when calling with non-User credentials', 400);
}

function attachable(ctx: ActionContext, arn: string): { policyName: string } {
  const m = ctx.iam.store.managedPolicy(arn);
  if (!m) throw noSuchEntity(`Policy ${arn} does not exist or is not attachable.`);
  return m;
}

export const validIdentityDocument = (doc: string): string => {
  parsePolicy(doc, 'identity');
  return doc;
};

// ---------------------------------------------------------------- roles

export async function createRole(ctx: ActionContext, i: In): Promise<Out> {
  const { store } = ctx.iam;
  if (store.role(ctx.target.roleName!)) throw alreadyExists(`Role with name ${ctx.target.roleName!} already exists.`);
  parsePolicy(i.AssumeRolePolicyDocument, 'trust');
  const path: string = i.Path ?? '/';
  const role: RoleEntity = {
    roleName: ctx.target.roleName!,
    roleId: newId('AROA'),
    path,
    arn: iamArn.role(ctx.iam.accountId, path, ctx.target.roleName!),
    createDate: ctx.iam.now(),
    assumeRolePolicyDocument: i.AssumeRolePolicyDocument,
    description: i.Description,
    maxSessionDuration: i.MaxSessionDuration ?? 3600,
    tags: i.Tags ?? [],
    inlinePolicies: {},
    attachedPolicies: [],
  };
  await store.putRole(role);
  return { Role: roleOut(role) };
}

export function getRoleAction(ctx: ActionContext, i: In): Out {
  return { Role: roleOut(getRole(ctx, ctx.target.roleName!)) };
}

export function listRoles(ctx: ActionContext, i: In): Out {
  const prefix: string = i.PathPrefix ?? '/';
  const all = [...ctx.iam.store.roles.values()].filter((r) => r.path.startsWith(prefix)).sort(byName((r) => r.roleName));
  const p = page(all, i);
  return { Roles: p.items.map((r) => roleOut(r, false)), IsTruncated: p.IsTruncated, Marker: p.Marker };
}

export async function updateAssumeRolePolicy(ctx: ActionContext, i: In): Promise<void> {
  const role = getRole(ctx, ctx.target.roleName!);
  parsePolicy(i.PolicyDocument, 'trust');
  await ctx.iam.store.putRole({ ...role, assumeRolePolicyDocument: i.PolicyDocument });
}

export async function deleteRole(ctx: ActionContext, i: In): Promise<void> {
  const role = getRole(ctx, ctx.target.roleName!);
  if (Object.keys(role.inlinePolicies).length) throw deleteConflict('Cannot delete entity, must delete policies first.');
  if (role.attachedPolicies.length) throw deleteConflict('Cannot delete entity, must detach all policies first.');
  if (instanceProfilesOf(ctx, role.roleName).length) throw deleteConflict('Cannot delete entity, must remove roles from instance profile first.');
  await ctx.iam.store.deleteRole(role.roleName);
}

/**
 * Roles and users hold policies the same way (inline documents by name, managed
 * policies by ARN); only their names, look-up and storage differ.
 */
interface PolicyHolder<E extends RoleEntity | UserEntity> {
  /** "role" or "user", as AWS's messages say it. */
  readonly label: 'role' | 'user';
  /** The response member naming the holder. */
  readonly nameKey: 'RoleName' | 'UserName';
  /** The holder the call was authorized on. */
  targetName(ctx: ActionContext): string;
  get(ctx: ActionContext, name: string): E;
  name(e: E): string;
  put(ctx: ActionContext, e: E): Promise<void>;
}

const ROLE: PolicyHolder<RoleEntity> = {
  label: 'role', nameKey: 'RoleName', targetName: (ctx) => ctx.target.roleName!, get: getRole, name: (r) => r.roleName, put: (ctx, r) => ctx.iam.store.putRole(r),
};
const USER: PolicyHolder<UserEntity> = {
  label: 'user', nameKey: 'UserName', targetName: (ctx) => ctx.target.userName!, get: getUser, name: (u) => u.userName, put: (ctx, u) => ctx.iam.store.putUser(u),
};

async function putInline<E extends RoleEntity | UserEntity>(h: PolicyHolder<E>, ctx: ActionContext, i: In): Promise<void> {
  const e = h.get(ctx, h.targetName(ctx));
  validIdentityDocument(i.PolicyDocument);
  await h.put(ctx, { ...e, inlinePolicies: { ...e.inlinePolicies, [i.PolicyName]: i.PolicyDocument } });
}

function getInline<E extends RoleEntity | UserEntity>(h: PolicyHolder<E>, ctx: ActionContext, i: In): Out {
  const e = h.get(ctx, h.targetName(ctx));
  const doc = e.inlinePolicies[i.PolicyName];
  if (doc === undefined) throw noSuchEntity(`The ${h.label} policy with name ${i.PolicyName} cannot be found.`);
  return { [h.nameKey]: h.name(e), PolicyName: i.PolicyName, PolicyDocument: encodeDocument(doc) };
}

function listInline<E extends RoleEntity | UserEntity>(h: PolicyHolder<E>, ctx: ActionContext, i: In): Out {
  const p = page(Object.keys(h.get(ctx, h.targetName(ctx)).inlinePolicies).sort(), i);
  return { PolicyNames: p.items, IsTruncated: p.IsTruncated, Marker: p.Marker };
}

async function deleteInline<E extends RoleEntity | UserEntity>(h: PolicyHolder<E>, ctx: ActionContext, i: In): Promise<void> {
  const e = h.get(ctx, h.targetName(ctx));
  if (!Object.hasOwn(e.inlinePolicies, i.PolicyName)) throw noSuchEntity(`The ${h.label} policy with name ${i.PolicyName} cannot be found.`);
  const { [i.PolicyName]: _gone, ...rest } = e.inlinePolicies;
  await h.put(ctx, { ...e, inlinePolicies: rest });
}

async function attachManaged<E extends RoleEntity | UserEntity>(h: PolicyHolder<E>, ctx: ActionContext, i: In): Promise<void> {
  const e = h.get(ctx, h.targetName(ctx));
  attachable(ctx, ctx.target.policyArn!);
  if (e.attachedPolicies.includes(ctx.target.policyArn!)) return;
  await h.put(ctx, { ...e, attachedPolicies: [...e.attachedPolicies, ctx.target.policyArn!] });
}

async function detachManaged<E extends RoleEntity | UserEntity>(h: PolicyHolder<E>, ctx: ActionContext, i: In): Promise<void> {
  const e = h.get(ctx, h.targetName(ctx));
  if (!e.attachedPolicies.includes(ctx.target.policyArn!)) throw noSuchEntity(`Policy ${ctx.target.policyArn!} was not found.`);
  await h.put(ctx, { ...e, attachedPolicies: e.attachedPolicies.filter((a) => a !== ctx.target.policyArn!) });
}

export const putRolePolicy = (ctx: ActionContext, i: In): Promise<void> => putInline(ROLE, ctx, i);
export const getRolePolicy = (ctx: ActionContext, i: In): Out => getInline(ROLE, ctx, i);
export const listRolePolicies = (ctx: ActionContext, i: In): Out => listInline(ROLE, ctx, i);
export const deleteRolePolicy = (ctx: ActionContext, i: In): Promise<void> => deleteInline(ROLE, ctx, i);
export const attachRolePolicy = (ctx: ActionContext, i: In): Promise<void> => attachManaged(ROLE, ctx, i);
export const detachRolePolicy = (ctx: ActionContext, i: In): Promise<void> => detachManaged(ROLE, ctx, i);
export const putUserPolicy = (ctx: ActionContext, i: In): Promise<void> => putInline(USER, ctx, i);
export const getUserPolicy = (ctx: ActionContext, i: In): Out => getInline(USER, ctx, i);
export const listUserPolicies = (ctx: ActionContext, i: In): Out => listInline(USER, ctx, i);
export const deleteUserPolicy = (ctx: ActionContext, i: In): Promise<void> => deleteInline(USER, ctx, i);
export const attachUserPolicy = (ctx: ActionContext, i: In): Promise<void> => attachManaged(USER, ctx, i);
export const detachUserPolicy = (ctx: ActionContext, i: In): Promise<void> => detachManaged(USER, ctx, i);

function attachedOut(ctx: ActionContext, arns: readonly string[], i: In): Out {
  const prefix: string = i.PathPrefix ?? '/';
  const list = arns
    .map((arn) => ({ arn, m: ctx.iam.store.managedPolicy(arn) }))
    .filter((x) => x.m && pathOfPolicyArn(x.arn).startsWith(prefix))
    .map((x) => ({ PolicyName: x.m!.policyName, PolicyArn: x.arn }));
  const p = page(list, i);
  return { AttachedPolicies: p.items, IsTruncated: p.IsTruncated, Marker: p.Marker };
}

export function listAttachedRolePolicies(ctx: ActionContext, i: In): Out {
  return attachedOut(ctx, getRole(ctx, ctx.target.roleName!).attachedPolicies, i);
}

// ---------------------------------------------------------------- managed policies

function pathOfPolicyArn(arn: string): string {
  const res = parseArn(arn)?.resource ?? '';
  const rest = res.slice('policy'.length);
  return rest.slice(0, rest.lastIndexOf('/') + 1) || '/';
}

export function customerPolicy(ctx: ActionContext, arn: string): CustomerPolicyEntity {
  const p = ctx.iam.store.policies.get(arn);
  if (!p) throw noSuchEntity(`Policy ${arn} does not exist or is not attachable.`);
  return p;
}

export async function createPolicy(ctx: ActionContext, i: In): Promise<Out> {
  const path: string = i.Path ?? '/';
  const arn = iamArn.policy(ctx.iam.accountId, path, i.PolicyName);
  const { store } = ctx.iam;
  for (const p of store.policies.values()) {
    if (p.policyName.toLowerCase() === String(i.PolicyName).toLowerCase() && p.path === path) {
      throw alreadyExists(`A policy called ${i.PolicyName} already exists. Duplicate names are not allowed.`);
    }
  }
  validIdentityDocument(i.PolicyDocument);
  const now = ctx.iam.now();
  const policy: CustomerPolicyEntity = {
    policyName: i.PolicyName,
    policyId: newId('ANPA'),
    path,
    arn,
    description: i.Description,
    createDate: now,
    updateDate: now,
    defaultVersionId: 'v1',
    versions: [{ versionId: 'v1', document: i.PolicyDocument, createDate: now }],
    tags: i.Tags ?? [],
  };
  await store.putPolicy(policy);
  return { Policy: policyOut(ctx.iam, policy) };
}

export function getPolicy(ctx: ActionContext, i: In): Out {
  const managed = awsManagedPolicy(ctx.target.policyArn!);
  if (managed) return { Policy: policyOut(ctx.iam, managed) };
  return { Policy: policyOut(ctx.iam, customerPolicy(ctx, ctx.target.policyArn!)) };
}

export function getPolicyVersion(ctx: ActionContext, i: In): Out {
  const notFound = (): AwsError => noSuchEntity(`Policy ${ctx.target.policyArn!} version ${i.VersionId} does not exist or is not attachable.`);
  const aws = awsManagedPolicy(ctx.target.policyArn!);
  if (aws) {
    if (i.VersionId !== aws.defaultVersionId) throw notFound();
    return { PolicyVersion: { Document: encodeDocument(aws.document), VersionId: aws.defaultVersionId, IsDefaultVersion: true, CreateDate: new Date(aws.updateDate) } };
  }
  const p = customerPolicy(ctx, ctx.target.policyArn!);
  const v = p.versions.find((x) => x.versionId === i.VersionId);
  if (!v) throw notFound();
  return { PolicyVersion: { Document: encodeDocument(v.document), VersionId: v.versionId, IsDefaultVersion: v.versionId === p.defaultVersionId, CreateDate: new Date(v.createDate) } };
}

export function listPolicies(ctx: ActionContext, i: In): Out {
  const scope: string = i.Scope ?? 'All';
  const prefix: string = i.PathPrefix ?? '/';
  const { iam } = ctx;
  const out: Out[] = [];
  if (scope !== 'Local') for (const p of ALL_AWS_MANAGED_POLICIES) out.push(policyOut(iam, p));
  if (scope !== 'AWS') for (const p of iam.store.policies.values()) out.push(policyOut(iam, p));
  const filtered = out
    .filter((p) => String(p['Path']).startsWith(prefix))
    .filter((p) => !i.OnlyAttached || (p['AttachmentCount'] as number) > 0)
    .sort(byName((p) => String(p['PolicyName'])));
  const pg = page(filtered, i);
  return { Policies: pg.items, IsTruncated: pg.IsTruncated, Marker: pg.Marker };
}

export async function deletePolicy(ctx: ActionContext, i: In): Promise<void> {
  if (awsManagedPolicy(ctx.target.policyArn!)) throw invalidInput(`ARN ${ctx.target.policyArn!} is not valid.`);
  const p = customerPolicy(ctx, ctx.target.policyArn!);
  if (ctx.iam.store.attachmentCount(p.arn) > 0) throw deleteConflict('Cannot delete a policy attached to entities.');
  await ctx.iam.store.deletePolicy(p.arn);
}

// ---------------------------------------------------------------- users

export async function createUser(ctx: ActionContext, i: In): Promise<Out> {
  const { store } = ctx.iam;
  if (store.user(ctx.target.userName!)) throw alreadyExists(`User with name ${ctx.target.userName!} already exists.`);
  const path: string = i.Path ?? '/';
  const user: UserEntity = {
    userName: ctx.target.userName!,
    userId: newId('AIDA'),
    path,
    arn: iamArn.user(ctx.iam.accountId, path, ctx.target.userName!),
    createDate: ctx.iam.now(),
    tags: i.Tags ?? [],
    inlinePolicies: {},
    attachedPolicies: [],
  };
  await store.putUser(user);
  return { User: userOut(user) };
}

export function getUserAction(ctx: ActionContext, i: In): Out {
  const name = targetUserName(ctx);
  if (name === undefined) {
    // The root user: AWS answers with the account's id and ARN and no name.
    const account = ctx.iam.accountId;
    return { User: { Path: '/', UserId: account, Arn: iamArn.root(account), CreateDate: new Date(0) } };
  }
  return { User: userOut(getUser(ctx, name)) };
}

export function listUsers(ctx: ActionContext, i: In): Out {
  const prefix: string = i.PathPrefix ?? '/';
  const all = [...ctx.iam.store.users.values()].filter((u) => u.path.startsWith(prefix)).sort(byName((u) => u.userName));
  const p = page(all, i);
  return { Users: p.items.map(userOut), IsTruncated: p.IsTruncated, Marker: p.Marker };
}

export async function deleteUser(ctx: ActionContext, i: In): Promise<void> {
  const user = getUser(ctx, ctx.target.userName!);
  if (ctx.iam.store.keysOf(user.userName).length) throw deleteConflict('Cannot delete entity, must delete access keys first.');
  if (Object.keys(user.inlinePolicies).length) throw deleteConflict('Cannot delete entity, must delete policies first.');
  if (user.attachedPolicies.length) throw deleteConflict('Cannot delete entity, must detach all policies first.');
  await ctx.iam.store.deleteUser(user.userName);
}







export function listAttachedUserPolicies(ctx: ActionContext, i: In): Out {
  return attachedOut(ctx, getUser(ctx, ctx.target.userName!).attachedPolicies, i);
}

// ---------------------------------------------------------------- access keys

const MAX_KEYS_PER_USER = 2;

export async function createAccessKey(ctx: ActionContext, i: In): Promise<Out> {
  const name = targetUserName(ctx);
  if (name === undefined) throw invalidInput('Sluice keeps one root access key, from SLUICE_ROOT_ACCESS_KEY_ID or generated at first start.');
  const user = getUser(ctx, name);
  if (ctx.iam.store.keysOf(user.userName).length >= MAX_KEYS_PER_USER) {
    throw new AwsError('LimitExceeded', `Cannot exceed quota for AccessKeysPerUser: ${MAX_KEYS_PER_USER}`, 409);
  }
  const key: AccessKeyEntity = {
    accessKeyId: newId('AKIA'),
    secretAccessKey: newSecret(),
    status: 'Active',
    createDate: ctx.iam.now(),
    owner: { kind: 'user', userName: user.userName },
  };
  await ctx.iam.store.putAccessKey(key);
  return {
    AccessKey: { UserName: user.userName, AccessKeyId: key.accessKeyId, Status: key.status, SecretAccessKey: key.secretAccessKey, CreateDate: new Date(key.createDate) },
  };
}

export function listAccessKeys(ctx: ActionContext, i: In): Out {
  const name = targetUserName(ctx);
  if (name === undefined) return { AccessKeyMetadata: [], IsTruncated: false };
  const user = getUser(ctx, name);
  const p = page(ctx.iam.store.keysOf(user.userName), i);
  return {
    AccessKeyMetadata: p.items.map((k) => ({ UserName: user.userName, AccessKeyId: k.accessKeyId, Status: k.status, CreateDate: new Date(k.createDate) })),
    IsTruncated: p.IsTruncated,
    Marker: p.Marker,
  };
}

function ownedKey(ctx: ActionContext, i: In): AccessKeyEntity {
  const name = targetUserName(ctx);
  const key = ctx.iam.store.accessKeys.get(i.AccessKeyId);
  const owned = key && (name === undefined ? key.owner.kind === 'root' : key.owner.kind === 'user' && key.owner.userName.toLowerCase() === name.toLowerCase());
  if (name !== undefined) getUser(ctx, name);
  if (!key || !owned) throw noSuchEntity(`The Access Key with id ${i.AccessKeyId} cannot be found.`);
  return key;
}

export async function deleteAccessKey(ctx: ActionContext, i: In): Promise<void> {
  await ctx.iam.store.deleteAccessKey(ownedKey(ctx, i).accessKeyId);
}

export async function updateAccessKey(ctx: ActionContext, i: In): Promise<void> {
  const key = ownedKey(ctx, i);
  await ctx.iam.store.putAccessKey({ ...key, status: i.Status });
}
