/**
 * IAM through its public Query API: form-encoded POST with Action and Version=2010-05-08,
 * XML answers. Policy documents come back URL-encoded, as from AWS.
 */
import { AwsApiError, send } from './http.js';

export interface Role {
  RoleName: string;
  RoleId: string;
  Arn: string;
  Path: string;
  CreateDate: string;
  Description?: string;
  MaxSessionDuration?: number;
  /** Decoded JSON text. */
  AssumeRolePolicyDocument?: string;
}

export interface AttachedPolicy {
  PolicyName: string;
  PolicyArn: string;
}

function child(el: Element, name: string): Element | undefined {
  for (const c of Array.from(el.children)) if (c.localName === name) return c;
  return undefined;
}

function text(el: Element, name: string): string | undefined {
  return child(el, name)?.textContent ?? undefined;
}

/** The <member> elements of the list element `name` somewhere under `root`. */
function members(root: Element | Document, name: string): Element[] {
  const list = Array.from(root.getElementsByTagName(name))[0];
  return list ? Array.from(list.children).filter((c) => c.localName === 'member') : [];
}

/** Policy documents are URL-encoded JSON in IAM's answers. */
export function decodePolicy(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  let decoded = raw;
  try {
    decoded = decodeURIComponent(raw.replace(/\+/g, '%20'));
  } catch {
    decoded = raw;
  }
  try {
    return JSON.stringify(JSON.parse(decoded), null, 2);
  } catch {
    return decoded;
  }
}

export async function call(action: string, params: Record<string, string | undefined> = {}): Promise<Document> {
  const form = new URLSearchParams({ Action: action, Version: '2010-05-08' });
  for (const [k, v] of Object.entries(params)) if (v !== undefined) form.set(k, v);
  const res = await send('/', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
    body: form.toString(),
  });
  const doc = new DOMParser().parseFromString(res.text || '<Empty/>', 'application/xml');
  if (res.status >= 300) {
    const err = doc.getElementsByTagName('Error')[0];
    const code = err ? text(err, 'Code') : undefined;
    const message = err ? text(err, 'Message') : undefined;
    throw new AwsApiError(code ?? `HTTP ${res.status}`, message ?? (res.text.slice(0, 300) || `IAM ${action} answered ${res.status}`), res.status);
  }
  if (doc.getElementsByTagName('parsererror').length > 0) {
    throw new AwsApiError('SerializationException', `IAM answered ${action} with something that is not XML`, res.status);
  }
  return doc;
}

function roleFrom(el: Element): Role {
  const role: Role = {
    RoleName: text(el, 'RoleName') ?? '',
    RoleId: text(el, 'RoleId') ?? '',
    Arn: text(el, 'Arn') ?? '',
    Path: text(el, 'Path') ?? '/',
    CreateDate: text(el, 'CreateDate') ?? '',
  };
  const description = text(el, 'Description');
  if (description) role.Description = description;
  const max = text(el, 'MaxSessionDuration');
  if (max) role.MaxSessionDuration = Number(max);
  const doc = decodePolicy(text(el, 'AssumeRolePolicyDocument'));
  if (doc !== undefined) role.AssumeRolePolicyDocument = doc;
  return role;
}

/** Pages through Marker/IsTruncated answers. */
async function paged<T>(action: string, params: Record<string, string | undefined>, list: string, map: (el: Element) => T): Promise<T[]> {
  const out: T[] = [];
  let marker: string | undefined;
  do {
    const doc = await call(action, { ...params, MaxItems: '1000', Marker: marker });
    out.push(...members(doc, list).map(map));
    const truncated = doc.getElementsByTagName('IsTruncated')[0]?.textContent === 'true';
    marker = truncated ? (doc.getElementsByTagName('Marker')[0]?.textContent ?? undefined) : undefined;
  } while (marker);
  return out;
}

export const iam = {
  listRoles: () => paged('ListRoles', {}, 'Roles', roleFrom),
  async getRole(name: string): Promise<Role> {
    const doc = await call('GetRole', { RoleName: name });
    const el = doc.getElementsByTagName('Role')[0];
    if (!el) throw new AwsApiError('SerializationException', 'GetRole answered without a Role', 200);
    return roleFrom(el);
  },
  createRole: (name: string, trustPolicy: string, description: string) =>
    call('CreateRole', { RoleName: name, AssumeRolePolicyDocument: trustPolicy, Description: description || undefined }),
  deleteRole: (name: string) => call('DeleteRole', { RoleName: name }),
  updateAssumeRolePolicy: (name: string, document: string) => call('UpdateAssumeRolePolicy', { RoleName: name, PolicyDocument: document }),

  listRolePolicies: (name: string) => paged('ListRolePolicies', { RoleName: name }, 'PolicyNames', (el) => el.textContent ?? ''),
  async getRolePolicy(role: string, policy: string): Promise<string> {
    const doc = await call('GetRolePolicy', { RoleName: role, PolicyName: policy });
    return decodePolicy(doc.getElementsByTagName('PolicyDocument')[0]?.textContent ?? '') ?? '';
  },
  putRolePolicy: (role: string, policy: string, document: string) => call('PutRolePolicy', { RoleName: role, PolicyName: policy, PolicyDocument: document }),
  deleteRolePolicy: (role: string, policy: string) => call('DeleteRolePolicy', { RoleName: role, PolicyName: policy }),

  listAttachedRolePolicies: (name: string) =>
    paged('ListAttachedRolePolicies', { RoleName: name }, 'AttachedPolicies', (el) => ({
      PolicyName: text(el, 'PolicyName') ?? '',
      PolicyArn: text(el, 'PolicyArn') ?? '',
    })),
  attachRolePolicy: (role: string, arn: string) => call('AttachRolePolicy', { RoleName: role, PolicyArn: arn }),
  detachRolePolicy: (role: string, arn: string) => call('DetachRolePolicy', { RoleName: role, PolicyArn: arn }),

  /** A managed policy's default version, as JSON text. */
  async getPolicyDocument(arn: string): Promise<string> {
    const policy = await call('GetPolicy', { PolicyArn: arn });
    const version = policy.getElementsByTagName('DefaultVersionId')[0]?.textContent ?? 'v1';
    const doc = await call('GetPolicyVersion', { PolicyArn: arn, VersionId: version });
    return decodePolicy(doc.getElementsByTagName('Document')[0]?.textContent ?? '') ?? '';
  },
};
