/**
 * The IAM API on the shared port (Query protocol, version 2010-05-08), and
 * the hook that tells the guard which iam: action and resource a call needs.
 */
import { loadServiceModel } from '../protocol/model.js';
import { handleQuery, queryAction, queryErrorResponse, queryParams, type QueryHandler } from '../protocol/query.js';
import type { Service, SluiceRequest } from '../server/types.js';
import * as a from './actions.js';
import { iamArn } from './arn.js';
import type { AuthHook, AuthTarget } from './guard.js';
import type { Iam } from './iam.js';
import { principalArn } from './principal.js';
import { identityOf } from './request-identity.js';
import { scopeServiceOf } from './sigv4/verify.js';

export const iamModel = loadServiceModel('iam-2010-05-08.json');
const VERSION = iamModel.metadata.apiVersion;
const NAMESPACE = (iamModel.metadata as { xmlNamespace?: string }).xmlNamespace ?? '';

type Action = (ctx: a.ActionContext, input: any) => unknown;

const ACTIONS: Record<string, Action> = {
  CreateRole: a.createRole,
  GetRole: a.getRoleAction,
  ListRoles: a.listRoles,
  UpdateAssumeRolePolicy: a.updateAssumeRolePolicy,
  DeleteRole: a.deleteRole,
  PutRolePolicy: a.putRolePolicy,
  GetRolePolicy: a.getRolePolicy,
  ListRolePolicies: a.listRolePolicies,
  DeleteRolePolicy: a.deleteRolePolicy,
  AttachRolePolicy: a.attachRolePolicy,
  DetachRolePolicy: a.detachRolePolicy,
  ListAttachedRolePolicies: a.listAttachedRolePolicies,
  CreatePolicy: a.createPolicy,
  GetPolicy: a.getPolicy,
  GetPolicyVersion: a.getPolicyVersion,
  ListPolicies: a.listPolicies,
  DeletePolicy: a.deletePolicy,
  CreateUser: a.createUser,
  GetUser: a.getUserAction,
  ListUsers: a.listUsers,
  DeleteUser: a.deleteUser,
  CreateAccessKey: a.createAccessKey,
  ListAccessKeys: a.listAccessKeys,
  DeleteAccessKey: a.deleteAccessKey,
  UpdateAccessKey: a.updateAccessKey,
  AttachUserPolicy: a.attachUserPolicy,
  DetachUserPolicy: a.detachUserPolicy,
  ListAttachedUserPolicies: a.listAttachedUserPolicies,
  PutUserPolicy: a.putUserPolicy,
  GetUserPolicy: a.getUserPolicy,
  ListUserPolicies: a.listUserPolicies,
  DeleteUserPolicy: a.deleteUserPolicy,
};

/** Whether a request is addressed to IAM: signed for `iam`, or a Query call of IAM's version. */
export function isIamRequest(req: SluiceRequest): boolean {
  const scope = scopeServiceOf(req);
  if (scope !== undefined) return scope === 'iam';
  return queryAction(req)?.version === VERSION;
}

export function createIamService(iam: Iam, onInternalError?: (e: unknown) => void): Service {
  const handlers: Record<string, QueryHandler> = {};
  for (const [name, action] of Object.entries(ACTIONS)) {
    handlers[name] = (input, { request }) =>
      action({ iam, caller: identityOf(request) ?? iam.identify(request) }, input) as ReturnType<QueryHandler>;
  }
  const service = { model: iamModel, handlers, onInternalError: (e: unknown) => onInternalError?.(e) };
  return { name: 'iam', matches: isIamRequest, handle: (req) => handleQuery(service, req) };
}

/** The resource an IAM call acts on, as IAM names it in policies and denials. */
function iamTarget(iam: Iam, req: SluiceRequest): AuthTarget | undefined {
  const p = queryParams(req);
  const action = p.get('Action');
  if (!action || !Object.hasOwn(ACTIONS, action)) return undefined;
  const account = iam.accountId;
  const path = p.get('Path') ?? '/';
  const prefix = p.get('PathPrefix') ?? '/';
  const role = p.get('RoleName');
  const user = p.get('UserName');
  const policyArn = p.get('PolicyArn');
  let resource: string;
  if (role) resource = iam.store.role(role)?.arn ?? iamArn.role(account, path, role);
  else if (user) resource = iam.store.user(user)?.arn ?? iamArn.user(account, path, user);
  else if (policyArn) resource = policyArn;
  else if (action === 'CreatePolicy') resource = iamArn.policy(account, path, p.get('PolicyName') ?? '');
  else if (action === 'ListRoles') resource = `arn:aws:iam::${account}:role${prefix}`;
  else if (action === 'ListUsers') resource = `arn:aws:iam::${account}:user${prefix}`;
  else if (action === 'ListPolicies') resource = `arn:aws:iam::${account}:policy${prefix}`;
  else {
    // Key and GetUser calls without UserName act on the caller's own user.
    const caller = identityOf(req);
    resource = caller ? principalArn(caller.principal) : '*';
  }
  return { action: `iam:${action}`, resource, context: policyArn ? { 'iam:PolicyARN': policyArn } : {} };
}

export function iamAuthHook(iam: Iam): AuthHook {
  return {
    dialect: 'query',
    signingService: 'iam',
    target: (req) => iamTarget(iam, req),
    render: (error, req: SluiceRequest) => queryErrorResponse(error, req.requestId, NAMESPACE),
  };
}
