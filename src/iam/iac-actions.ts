/**
 * The IAM calls infrastructure-as-code tools make beside the basic ones:
 * instance profiles (Terraform's aws_iam_role destroy lists a role's
 * instance profiles before DeleteRole), tags of roles and users, the
 * versions of customer managed policies, UpdateRole/UpdateRoleDescription
 * and GetAccountAuthorizationDetails. Shapes follow the IAM service model;
 * errors use IAM's codes and AWS's wording (sources in test/iam-iac.test.ts).
 */
import { AwsError } from '../protocol/errors.js';
import {
  alreadyExists,
  byName,
  customerPolicy,
  deleteConflict,
  encodeDocument,
  getRole,
  getUser,
  invalidInput,
  noSuchEntity,
  page,
  policyOut,
  roleOut,
  tagsOut,
  validIdentityDocument,
  type ActionContext,
} from './actions.js';
import { newId } from './ids.js';
import { ALL_AWS_MANAGED_POLICIES, awsManagedPolicy } from './managed-policies.js';
import type { CustomerPolicyEntity, InstanceProfileEntity, PolicyVersionEntity, RoleEntity, Tag, UserEntity } from './store.js';

type In = Record<string, any>;
type Out = Record<string, unknown>;

// ---------------------------------------------------------------- instance profiles

/** The instance profiles a role is in. */
export function instanceProfilesOf(ctx: ActionContext, roleName: string): InstanceProfileEntity[] {
  const name = roleName.toLowerCase();
  return [...ctx.iam.store.instanceProfiles.values()].filter((p) => p.roles.some((r) => r.toLowerCase() === name));
}

function getProfile(ctx: ActionContext, name: string): InstanceProfileEntity {
  const p = ctx.iam.store.instanceProfile(name);
  if (!p) throw noSuchEntity(`Instance Profile ${name} cannot be found.`);
  return p;
}

/** An instance profile as IAM returns it, its roles in full (without their tags, as in ListRoles). */
function profileOut(ctx: ActionContext, p: InstanceProfileEntity): Out {
  const roles = p.roles.map((r) => ctx.iam.store.role(r)).filter((r): r is RoleEntity => r !== undefined);
  return {
    Path: p.path,
    InstanceProfileName: p.instanceProfileName,
    InstanceProfileId: p.instanceProfileId,
    Arn: p.arn,
    CreateDate: new Date(p.createDate),
    Roles: roles.map((r) => roleOut(r, false)),
    Tags: tagsOut(p.tags),
  };
}

export async function createInstanceProfile(ctx: ActionContext, i: In): Promise<Out> {
  const name: string = i.InstanceProfileName;
  if (ctx.iam.store.instanceProfile(name)) throw alreadyExists(`Instance Profile ${name} already exists.`);
  const path: string = i.Path ?? '/';
  const profile: InstanceProfileEntity = {
    instanceProfileName: name,
    instanceProfileId: newId('AIPA'),
    path,
    arn: `arn:aws:iam::${ctx.iam.accountId}:instance-profile${path}${name}`,
    createDate: ctx.iam.now(),
    roles: [],
    tags: i.Tags ?? [],
  };
  await ctx.iam.store.putInstanceProfile(profile);
  return { InstanceProfile: profileOut(ctx, profile) };
}

export function getInstanceProfile(ctx: ActionContext, i: In): Out {
  return { InstanceProfile: profileOut(ctx, getProfile(ctx, i.InstanceProfileName)) };
}

export async function deleteInstanceProfile(ctx: ActionContext, i: In): Promise<void> {
  const p = getProfile(ctx, i.InstanceProfileName);
  if (p.roles.length) throw deleteConflict('Cannot delete entity, must remove roles from instance profile first.');
  await ctx.iam.store.deleteInstanceProfile(p.instanceProfileName);
}

export function listInstanceProfiles(ctx: ActionContext, i: In): Out {
  const prefix: string = i.PathPrefix ?? '/';
  const all = [...ctx.iam.store.instanceProfiles.values()].filter((p) => p.path.startsWith(prefix)).sort(byName((p) => p.instanceProfileName));
  const pg = page(all, i);
  return { InstanceProfiles: pg.items.map((p) => profileOut(ctx, p)), IsTruncated: pg.IsTruncated, Marker: pg.Marker };
}

export function listInstanceProfilesForRole(ctx: ActionContext, i: In): Out {
  const role = getRole(ctx, ctx.target.roleName!);
  const pg = page(instanceProfilesOf(ctx, role.roleName).sort(byName((p) => p.instanceProfileName)), i);
  return { InstanceProfiles: pg.items.map((p) => profileOut(ctx, p)), IsTruncated: pg.IsTruncated, Marker: pg.Marker };
}

export async function addRoleToInstanceProfile(ctx: ActionContext, i: In): Promise<void> {
  const p = getProfile(ctx, i.InstanceProfileName);
  const role = getRole(ctx, ctx.target.roleName!);
  // An instance profile holds one role.
  if (p.roles.length) throw new AwsError('LimitExceeded', 'Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1', 409);
  await ctx.iam.store.putInstanceProfile({ ...p, roles: [role.roleName] });
}

export async function removeRoleFromInstanceProfile(ctx: ActionContext, i: In): Promise<void> {
  const p = getProfile(ctx, i.InstanceProfileName);
  const role = getRole(ctx, ctx.target.roleName!);
  const rest = p.roles.filter((r) => r.toLowerCase() !== role.roleName.toLowerCase());
  if (rest.length === p.roles.length) throw noSuchEntity(`The role with name ${role.roleName} cannot be found.`);
  await ctx.iam.store.putInstanceProfile({ ...p, roles: rest });
}

// ---------------------------------------------------------------- tags

/** New tags replace the values of keys already there (keys compare without regard to case). */
function merged(existing: readonly Tag[], added: readonly Tag[]): Tag[] {
  const keys = new Set(added.map((t) => t.Key.toLowerCase()));
  if (keys.size !== added.length) throw invalidInput('Duplicate tag keys found. Please note that Tag keys are case insensitive.');
  return [...existing.filter((t) => !keys.has(t.Key.toLowerCase())), ...added];
}

const without = (existing: readonly Tag[], keys: readonly string[]): Tag[] => {
  const gone = new Set(keys.map((k) => k.toLowerCase()));
  return existing.filter((t) => !gone.has(t.Key.toLowerCase()));
};

function listTags(tags: readonly Tag[], i: In): Out {
  const pg = page([...tags], i);
  return { Tags: pg.items, IsTruncated: pg.IsTruncated, Marker: pg.Marker };
}

export async function tagRole(ctx: ActionContext, i: In): Promise<void> {
  const role = getRole(ctx, ctx.target.roleName!);
  await ctx.iam.store.putRole({ ...role, tags: merged(role.tags, i.Tags ?? []) });
}

export async function untagRole(ctx: ActionContext, i: In): Promise<void> {
  const role = getRole(ctx, ctx.target.roleName!);
  await ctx.iam.store.putRole({ ...role, tags: without(role.tags, i.TagKeys ?? []) });
}

export function listRoleTags(ctx: ActionContext, i: In): Out {
  return listTags(getRole(ctx, ctx.target.roleName!).tags, i);
}

export async function tagUser(ctx: ActionContext, i: In): Promise<void> {
  const user = getUser(ctx, ctx.target.userName!);
  await ctx.iam.store.putUser({ ...user, tags: merged(user.tags, i.Tags ?? []) });
}

export async function untagUser(ctx: ActionContext, i: In): Promise<void> {
  const user = getUser(ctx, ctx.target.userName!);
  await ctx.iam.store.putUser({ ...user, tags: without(user.tags, i.TagKeys ?? []) });
}

export function listUserTags(ctx: ActionContext, i: In): Out {
  return listTags(getUser(ctx, ctx.target.userName!).tags, i);
}

// ---------------------------------------------------------------- roles

export async function updateRole(ctx: ActionContext, i: In): Promise<Out> {
  const role = getRole(ctx, ctx.target.roleName!);
  await ctx.iam.store.putRole({
    ...role,
    ...(i.Description !== undefined ? { description: i.Description } : {}),
    ...(i.MaxSessionDuration !== undefined ? { maxSessionDuration: i.MaxSessionDuration } : {}),
  });
  return {};
}

export async function updateRoleDescription(ctx: ActionContext, i: In): Promise<Out> {
  const role = getRole(ctx, ctx.target.roleName!);
  const updated: RoleEntity = { ...role, description: i.Description };
  await ctx.iam.store.putRole(updated);
  return { Role: roleOut(updated) };
}

// ---------------------------------------------------------------- policy versions

/** IAM keeps at most five versions of a managed policy. */
const MAX_POLICY_VERSIONS = 5;

const versionNotFound = (arn: string, versionId: string): AwsError =>
  noSuchEntity(`Policy ${arn} version ${versionId} does not exist or is not attachable.`);

/** The customer managed policy the call names; AWS managed policies can't be changed. */
function changeablePolicy(ctx: ActionContext): CustomerPolicyEntity {
  const arn = ctx.target.policyArn!;
  if (awsManagedPolicy(arn)) throw invalidInput(`ARN ${arn} is not valid.`);
  return customerPolicy(ctx, arn);
}

const versionOut = (v: PolicyVersionEntity, defaultId: string, withDocument: boolean): Out => ({
  ...(withDocument ? { Document: encodeDocument(v.document) } : {}),
  VersionId: v.versionId,
  IsDefaultVersion: v.versionId === defaultId,
  CreateDate: new Date(v.createDate),
});

const versionNumber = (id: string): number => Number(id.slice(1)) || 0;

export function listPolicyVersions(ctx: ActionContext, i: In): Out {
  const arn = ctx.target.policyArn!;
  const aws = awsManagedPolicy(arn);
  // AWS lists the newest version first (AWS CLI reference, list-policy-versions example).
  const versions: Out[] = aws
    ? [{ VersionId: aws.defaultVersionId, IsDefaultVersion: true, CreateDate: new Date(aws.updateDate) }]
    : (() => {
        const p = customerPolicy(ctx, arn);
        return [...p.versions].sort((a, b) => versionNumber(b.versionId) - versionNumber(a.versionId)).map((v) => versionOut(v, p.defaultVersionId, false));
      })();
  const pg = page(versions, i);
  return { Versions: pg.items, IsTruncated: pg.IsTruncated, Marker: pg.Marker };
}

export async function createPolicyVersion(ctx: ActionContext, i: In): Promise<Out> {
  const p = changeablePolicy(ctx);
  validIdentityDocument(i.PolicyDocument);
  if (p.versions.length >= MAX_POLICY_VERSIONS) {
    throw new AwsError('LimitExceeded', 'A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version.', 409);
  }
  const number = p.nextVersionNumber ?? Math.max(0, ...p.versions.map((v) => versionNumber(v.versionId))) + 1;
  const now = ctx.iam.now();
  const version: PolicyVersionEntity = { versionId: `v${number}`, document: i.PolicyDocument, createDate: now };
  const setAsDefault = i.SetAsDefault === true;
  const updated: CustomerPolicyEntity = {
    ...p,
    versions: [...p.versions, version],
    nextVersionNumber: number + 1,
    ...(setAsDefault ? { defaultVersionId: version.versionId, updateDate: now } : {}),
  };
  await ctx.iam.store.putPolicy(updated);
  return { PolicyVersion: versionOut(version, updated.defaultVersionId, false) };
}

export async function setDefaultPolicyVersion(ctx: ActionContext, i: In): Promise<void> {
  const p = changeablePolicy(ctx);
  if (!p.versions.some((v) => v.versionId === i.VersionId)) throw versionNotFound(p.arn, i.VersionId);
  await ctx.iam.store.putPolicy({ ...p, defaultVersionId: i.VersionId, updateDate: ctx.iam.now() });
}

export async function deletePolicyVersion(ctx: ActionContext, i: In): Promise<void> {
  const p = changeablePolicy(ctx);
  if (!p.versions.some((v) => v.versionId === i.VersionId)) throw versionNotFound(p.arn, i.VersionId);
  if (i.VersionId === p.defaultVersionId) throw deleteConflict('Cannot delete the default version of a policy.');
  const number = p.nextVersionNumber ?? Math.max(0, ...p.versions.map((v) => versionNumber(v.versionId))) + 1;
  await ctx.iam.store.putPolicy({ ...p, versions: p.versions.filter((v) => v.versionId !== i.VersionId), nextVersionNumber: number });
}

// ---------------------------------------------------------------- account authorization details

const FILTERS = ['User', 'Role', 'Group', 'LocalManagedPolicy', 'AWSManagedPolicy'] as const;

/** Every user, role and managed policy with their policies; AWS managed policies only when attached to something. */
export function getAccountAuthorizationDetails(ctx: ActionContext, i: In): Out {
  const { store } = ctx.iam;
  const filter = new Set<string>(i.Filter?.length ? i.Filter : FILTERS);
  const inline = (policies: Readonly<Record<string, string>>): Out[] =>
    Object.entries(policies).sort(([a], [b]) => (a < b ? -1 : 1)).map(([PolicyName, doc]) => ({ PolicyName, PolicyDocument: encodeDocument(doc) }));
  const attached = (arns: readonly string[]): Out[] =>
    arns.map((arn) => ({ PolicyName: store.managedPolicy(arn)?.policyName, PolicyArn: arn })).filter((a) => a.PolicyName !== undefined);
  const users = filter.has('User')
    ? [...store.users.values()].sort(byName((u: UserEntity) => u.userName)).map((u) => ({
        Path: u.path, UserName: u.userName, UserId: u.userId, Arn: u.arn, CreateDate: new Date(u.createDate),
        UserPolicyList: inline(u.inlinePolicies), GroupList: [], AttachedManagedPolicies: attached(u.attachedPolicies), Tags: tagsOut(u.tags),
      }))
    : [];
  const roles = filter.has('Role')
    ? [...store.roles.values()].sort(byName((r: RoleEntity) => r.roleName)).map((r) => ({
        Path: r.path, RoleName: r.roleName, RoleId: r.roleId, Arn: r.arn, CreateDate: new Date(r.createDate),
        AssumeRolePolicyDocument: encodeDocument(r.assumeRolePolicyDocument),
        InstanceProfileList: instanceProfilesOf(ctx, r.roleName).map((p) => profileOut(ctx, p)),
        RolePolicyList: inline(r.inlinePolicies), AttachedManagedPolicies: attached(r.attachedPolicies), Tags: tagsOut(r.tags),
        RoleLastUsed: {},
      }))
    : [];
  const policies: Out[] = [];
  const detail = (p: Out, versions: Out[]): Out => {
    const { Tags: _tags, Description: _description, ...rest } = p;
    return { ...rest, PolicyVersionList: versions };
  };
  if (filter.has('LocalManagedPolicy')) {
    for (const p of [...store.policies.values()].sort(byName((x: CustomerPolicyEntity) => x.policyName))) {
      policies.push(detail(policyOut(ctx.iam, p), p.versions.map((v) => versionOut(v, p.defaultVersionId, true))));
    }
  }
  if (filter.has('AWSManagedPolicy')) {
    for (const p of ALL_AWS_MANAGED_POLICIES) {
      if (store.attachmentCount(p.arn) === 0) continue;
      policies.push(detail(policyOut(ctx.iam, p), [{ Document: encodeDocument(p.document), VersionId: p.defaultVersionId, IsDefaultVersion: true, CreateDate: new Date(p.updateDate) }]));
    }
  }
  // One page holds everything Sluice keeps; MaxItems and Marker page users, roles and policies together.
  const all: Array<['user' | 'role' | 'policy', Out]> = [
    ...users.map((u) => ['user', u] as ['user', Out]),
    ...roles.map((r) => ['role', r] as ['role', Out]),
    ...policies.map((p) => ['policy', p] as ['policy', Out]),
  ];
  const pg = page(all, i);
  const of = (kind: string): Out[] => pg.items.filter(([k]) => k === kind).map(([, v]) => v);
  return {
    UserDetailList: of('user'),
    GroupDetailList: [],
    RoleDetailList: of('role'),
    Policies: of('policy'),
    IsTruncated: pg.IsTruncated,
    Marker: pg.Marker,
  };
}
