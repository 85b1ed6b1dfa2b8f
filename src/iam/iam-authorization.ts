/**
 * What an IAM call needs permission for, from AWS's Service Authorization
 * Reference (reference.ts): `iam:<Operation>` on each resource type the
 * reference lists for the action, each built from the one member of the
 * call that names a resource of that type (a role from RoleName, a user from
 * UserName, a policy from PolicyArn...). Another member that happens to be
 * present never decides the resource: AttachUserPolicy is authorized on the
 * user, with iam:PolicyARN as a condition key, whatever RoleName says.
 *
 * An operation whose UserName is optional in the service model acts on the
 * calling user when it is left out (CreateAccessKey, GetUser...); the
 * resolved names are handed to the action (`IamTarget`), which acts on them.
 */
import type { SluiceRequest } from '../server/types.js';
import { requestTagKeys, resourceTagKeys, type AccessControl, type Permission } from './access.js';
import { iamArn } from './arn.js';
import type { Identity } from './authorizer.js';
import type { ContextValues } from './context.js';
import type { Iam } from './iam.js';
import { resourceRows, serviceReference, type ReferenceAction } from './reference.js';
import { identityOf } from './request-identity.js';
import type { ServiceModel } from '../protocol/model.js';

/** The entities a call was authorized on; actions act on these and nothing else. */
export interface IamTarget {
  /** UserName, or the calling user where the operation defaults to it. */
  readonly userName?: string;
  readonly roleName?: string;
  readonly policyArn?: string;
}

type In = Record<string, unknown>;

const LISTED_BY_PREFIX: Readonly<Record<string, string>> = {
  ListRoles: 'role',
  ListUsers: 'user',
  ListPolicies: 'policy',
  ListGroups: 'group',
  ListInstanceProfiles: 'instance-profile',
  ListServerCertificates: 'server-certificate',
};

interface Built {
  readonly arn: string;
  readonly tags?: Readonly<Record<string, string>> | undefined;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** IAM tags travel as a list of {Key, Value}. */
function tagMap(tags: unknown): Record<string, string> | undefined {
  if (!Array.isArray(tags)) return undefined;
  const out: Record<string, string> = {};
  for (const t of tags) if (t && typeof t === 'object' && typeof t.Key === 'string') out[t.Key] = String(t.Value ?? '');
  return out;
}

const listOfTags = (tags: ReadonlyArray<{ Key: string; Value: string }> | undefined): Record<string, string> | undefined =>
  tags ? Object.fromEntries(tags.map((t) => [t.Key, t.Value])) : undefined;

export class IamAuthorization {
  private readonly reference = serviceReference('iam');
  /** Operations whose UserName is optional: they act on the calling user when it is absent. */
  private readonly defaultsToCaller = new Set<string>();

  constructor(
    model: ServiceModel,
    private readonly iam: Iam,
    private readonly access: AccessControl,
  ) {
    for (const [name, op] of Object.entries(model.operations)) {
      const shape = op.input ? model.shapes[op.input.shape] : undefined;
      if (shape?.type === 'structure' && Object.hasOwn(shape.members, 'UserName') && !(shape.required ?? []).includes('UserName')) {
        this.defaultsToCaller.add(name);
      }
    }
  }

  /** Resolves the call's target and requires its permissions (for checked callers); returns the target. */
  authorize(operation: string, input: In, req: SluiceRequest): IamTarget {
    const caller = identityOf(req) ?? this.iam.identify(req);
    const target = this.target(operation, input, caller);
    if (this.access.checkedCaller(req)) this.access.require(req, this.permissions(operation, input, target), 'query');
    return target;
  }

  target(operation: string, input: In, caller: Identity): IamTarget {
    let userName = str(input['UserName']);
    if (userName === undefined && this.defaultsToCaller.has(operation) && caller.principal.kind === 'user') userName = caller.principal.userName;
    const roleName = str(input['RoleName']);
    const policyArn = str(input['PolicyArn']);
    return {
      ...(userName !== undefined ? { userName } : {}),
      ...(roleName !== undefined ? { roleName } : {}),
      ...(policyArn !== undefined ? { policyArn } : {}),
    };
  }

  permissions(operation: string, input: In, target: IamTarget): Permission[] {
    const action = this.reference.actions[operation];
    const context: ContextValues = {
      ...(str(input['PolicyArn']) !== undefined ? { 'iam:PolicyARN': str(input['PolicyArn']) } : {}),
      ...(str(input['PermissionsBoundary']) !== undefined ? { 'iam:PermissionsBoundary': str(input['PermissionsBoundary']) } : {}),
      ...(str(input['AWSServiceName']) !== undefined ? { 'iam:AWSServiceName': str(input['AWSServiceName']) } : {}),
      ...(input['Tags'] !== undefined || input['TagKeys'] !== undefined ? requestTagKeys(tagMap(input['Tags']), input['TagKeys'] as string[] | undefined) : {}),
    };
    const resources = this.resources(operation, action, input, target);
    const perms = (name: string): Permission[] => resources.map((r) => ({
      action: name,
      resource: r.arn,
      context: { ...context, ...resourceTagKeys(r.tags), ...Object.fromEntries(Object.entries(r.tags ?? {}).map(([k, v]) => [`iam:ResourceTag/${k}`, v])) },
    }));
    const out = perms(`iam:${operation}`);
    // Creating a tagged entity needs the tagging action too (the reference maps e.g. CreateRole to iam:TagRole).
    for (const extra of this.reference.operations?.[operation] ?? []) {
      if (extra.action === `iam:${operation}` || !/^iam:Tag/.test(extra.action)) continue;
      if (input['Tags'] !== undefined && (input['Tags'] as unknown[]).length > 0) out.push(...perms(extra.action));
    }
    return out;
  }

  /**
   * One ARN per resource type of the action that the call names; "*" when it
   * names none (actions without resource types, and ones whose resource
   * Sluice cannot name, which only a grant on "*" then allows).
   */
  private resources(operation: string, action: ReferenceAction | undefined, input: In, target: IamTarget): Built[] {
    const out: Built[] = [];
    for (const row of resourceRows(action)) {
      const built = this.build(row.type, operation, input, target);
      if (built) out.push(built);
    }
    if (out.length > 0) return out;
    // The listings by path prefix have no resource type in the reference, yet AWS
    // names the prefix in its denials (`on resource: arn:aws:iam::<account>:user/`).
    const listed = LISTED_BY_PREFIX[operation];
    if (listed) return [{ arn: `arn:aws:iam::${this.iam.accountId}:${listed}${str(input['PathPrefix']) ?? '/'}` }];
    return [{ arn: '*' }];
  }

  private build(type: string, operation: string, input: In, target: IamTarget): Built | undefined {
    const account = this.iam.accountId;
    const path = str(input['Path']) ?? '/';
    const { store } = this.iam;
    switch (type) {
      case 'role': {
        if (target.roleName === undefined) return undefined;
        const role = store.role(target.roleName);
        return { arn: role?.arn ?? iamArn.role(account, path, target.roleName), tags: listOfTags(role?.tags) };
      }
      case 'user': {
        if (target.userName === undefined) return undefined;
        const user = store.user(target.userName);
        return { arn: user?.arn ?? iamArn.user(account, path, target.userName), tags: listOfTags(user?.tags) };
      }
      case 'policy': {
        if (target.policyArn !== undefined) return { arn: target.policyArn, tags: listOfTags(store.policies.get(target.policyArn)?.tags) };
        const name = str(input['PolicyName']);
        return operation === 'CreatePolicy' && name !== undefined ? { arn: iamArn.policy(account, path, name) } : undefined;
      }
      case 'group':
        return named(input, 'GroupName', (n) => `arn:aws:iam::${account}:group${path}${n}`);
      case 'instance-profile':
        return named(input, 'InstanceProfileName', (n) => `arn:aws:iam::${account}:instance-profile${path}${n}`);
      case 'server-certificate':
        return named(input, 'ServerCertificateName', (n) => `arn:aws:iam::${account}:server-certificate${path}${n}`);
      case 'oidc-provider':
        return named(input, 'OpenIDConnectProviderArn', (a) => a);
      case 'saml-provider':
        return named(input, 'SAMLProviderArn', (a) => a) ?? named(input, 'Name', (n) => `arn:aws:iam::${account}:saml-provider/${n}`);
      case 'mfa':
        return named(input, 'VirtualMFADeviceName', (n) => `arn:aws:iam::${account}:mfa${path}${n}`)
          ?? (str(input['SerialNumber'])?.startsWith('arn:') ? { arn: str(input['SerialNumber'])! } : undefined);
      default:
        return undefined;
    }
  }
}

function named(input: In, member: string, arn: (value: string) => string): Built | undefined {
  const v = str(input[member]);
  return v === undefined ? undefined : { arn: arn(v) };
}
