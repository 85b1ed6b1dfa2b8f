/**
 * The IAM API on the shared port (Query protocol, version 2010-05-08), and
 * the hook that tells the guard which iam: action and resource a call needs.
 */
import { AwsError } from '../protocol/errors.js';
import { loadServiceModel } from '../protocol/model.js';
import { isRevisionConflict, isStoreUnavailable, retryOnConflict } from '../store/documents.js';
import { handleQuery, queryAction, queryErrorResponse, type QueryHandler, type QueryService } from '../protocol/query.js';
import type { Service, SluiceRequest } from '../server/types.js';
import * as a from './actions.js';
import * as x from './iac-actions.js';
import type { AccessControl } from './access.js';
import type { AuthHook } from './guard.js';
import type { Iam } from './iam.js';
import { IamAuthorization, type IamTarget } from './iam-authorization.js';
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
  // What IaC tools call besides (iac-actions.ts).
  CreateInstanceProfile: x.createInstanceProfile,
  GetInstanceProfile: x.getInstanceProfile,
  DeleteInstanceProfile: x.deleteInstanceProfile,
  ListInstanceProfiles: x.listInstanceProfiles,
  ListInstanceProfilesForRole: x.listInstanceProfilesForRole,
  AddRoleToInstanceProfile: x.addRoleToInstanceProfile,
  RemoveRoleFromInstanceProfile: x.removeRoleFromInstanceProfile,
  TagRole: x.tagRole,
  UntagRole: x.untagRole,
  ListRoleTags: x.listRoleTags,
  TagUser: x.tagUser,
  UntagUser: x.untagUser,
  ListUserTags: x.listUserTags,
  UpdateRole: x.updateRole,
  UpdateRoleDescription: x.updateRoleDescription,
  ListPolicyVersions: x.listPolicyVersions,
  CreatePolicyVersion: x.createPolicyVersion,
  SetDefaultPolicyVersion: x.setDefaultPolicyVersion,
  DeletePolicyVersion: x.deletePolicyVersion,
  GetAccountAuthorizationDetails: x.getAccountAuthorizationDetails,
};

/** Whether a request is addressed to IAM: signed for `iam`, or a Query call of IAM's version. */
export function isIamRequest(req: SluiceRequest): boolean {
  const scope = scopeServiceOf(req);
  if (scope !== undefined) return scope === 'iam';
  return queryAction(req)?.version === VERSION;
}

export function createIamService(iam: Iam, access: AccessControl, onInternalError?: (e: unknown) => void): Service {
  const authorization = new IamAuthorization(iamModel, iam, access);
  const handlers: Record<string, QueryHandler<IamTarget>> = {};
  for (const [name, action] of Object.entries(ACTIONS)) {
    // An action whose write lost a race to another process runs again on what is stored (store.ts).
    handlers[name] = (input, { request, target }) =>
      retryOnConflict(async () => action({ iam, caller: identityOf(request) ?? iam.identify(request), target }, input)).catch((e: unknown) => {
        if (isRevisionConflict(e)) throw new AwsError('ConcurrentModification', 'The request was rejected because multiple requests to change this object were submitted simultaneously. Wait a few minutes and submit your request again.', 409);
        if (isStoreUnavailable(e)) throw new AwsError('ServiceUnavailable', 'The service is unavailable. Please try again.', 503);
        throw e;
      }) as ReturnType<QueryHandler>;
  }
  const service: QueryService<IamTarget> = {
    model: iamModel,
    handlers,
    authorize: (action, input, req) => authorization.authorize(action, input, req),
    onInternalError: (e: unknown) => onInternalError?.(e),
  };
  return { name: 'iam', matches: isIamRequest, handle: (req) => handleQuery(service, req) };
}

export function iamAuthHook(): AuthHook {
  return {
    dialect: 'query',
    signingService: 'iam',
    render: (error, req: SluiceRequest) => queryErrorResponse(error, req.requestId, NAMESPACE),
  };
}
