/**
 * What a management call needs permission for, as IAM authorizes API
 * Gateway's control plane: the action is `apigateway:<HTTP method>` on the
 * resource the operation's requestUri names (`arn:aws:apigateway:<region>::
 * /restapis/<id>/resources/<id>/...`), built from the route's template and
 * the call's own labels, never from the raw path. On top of that, as AWS's
 * Service Authorization Reference maps the operations:
 *  - every role a call makes API Gateway act as (an integration's
 *    `credentials`, set by PutIntegration, UpdateIntegration, ImportRestApi,
 *    PutRestApi, or copied by CreateRestApi's cloneFrom; an authorizer's
 *    `authorizerCredentials`, set by CreateAuthorizer, UpdateAuthorizer or an
 *    import; the account's `cloudwatchRoleArn`, set by UpdateAccount) needs
 *    `iam:PassRole` on that role, with `iam:PassedToService` =
 *    apigateway.amazonaws.com;
 *  - a call that sets an API's resource policy needs
 *    `apigateway:UpdateRestApiPolicy` on the API;
 *  - cloneFrom reads the source API, which needs `apigateway:GET` on it.
 *
 * ImportRestApi and PutRestApi parse their definition here, once: the roles
 * authorized are the roles of exactly the API the handler then stores.
 */
import type { AccessControl, Permission } from '../../iam/access.js';
import { serviceReference } from '../../iam/reference.js';
import type { RestCall } from '../../protocol/rest-json.js';
import type { RestApi } from '../model.js';
import type { ManagementContext } from './context.js';
import { importDefinition, type ImportInput, type ImportedDefinition } from './definitions.js';
import type { PatchOperation } from './patch.js';

/** What the handlers act on besides their labels: the definition an import call carried, parsed once. */
export interface ManagementTarget {
  readonly imported?: ImportedDefinition;
}

/** Integration credentials that mean "the caller's own identity", not a role API Gateway assumes. */
const CALLER_CREDENTIALS = 'arn:aws:iam::*:user/*';
const PASSED_TO = { 'iam:PassedToService': 'apigateway.amazonaws.com' } as const;

/** The requestUri's path with the call's labels in place (greedy labels keep their slashes). */
export function resourcePath(requestUri: string, labels: Readonly<Record<string, string>>): string {
  const path = requestUri.split('?', 1)[0]!;
  // Label values go in URL-encoded, as AWS names them (`/tags/${UrlEncodedResourceARN}`).
  return path.replace(/\{([^}+]+)\+?\}/g, (_m, name: string) => encodeURIComponent(labels[name] ?? ''));
}

/** Every role the integrations and authorizers of an API name as credentials. */
export function credentialsOf(api: RestApi): string[] {
  const roles = new Set<string>();
  for (const a of Object.values(api.authorizers ?? {})) if (a.authorizerCredentials) roles.add(a.authorizerCredentials);
  for (const r of Object.values(api.resources)) {
    for (const m of Object.values(r.resourceMethods)) {
      const i = m?.methodIntegration;
      if (i && 'credentials' in i && i.credentials) roles.add(i.credentials);
    }
  }
  return [...roles];
}

const passRole = (roles: Iterable<string>): Permission[] =>
  [...roles].filter((r) => r !== CALLER_CREDENTIALS).map((resource) => ({ action: 'iam:PassRole', resource, context: PASSED_TO }));

/** Roles a patch sets at `path` (`/credentials`, `/authorizerCredentials`, `/cloudwatchRoleArn`, added or replaced). */
function patchedCredentials(ops: readonly PatchOperation[] | undefined, path = '/credentials'): string[] {
  return (ops ?? []).filter((o) => o.path === path && (o.op === 'add' || o.op === 'replace') && typeof o.value === 'string' && o.value !== '').map((o) => o.value!);
}

const setsPolicy = (ops: readonly PatchOperation[] | undefined): boolean => (ops ?? []).some((o) => o.path === '/policy');

/**
 * The IAM action a management call is itself: `apigateway:<HTTP method>`, or
 * for the few operations AWS's reference maps to a named action instead
 * (RejectDomainNameAccessAssociation → apigateway:RejectAccessAssociation), that one.
 */
export function ownAction(operation: string, httpMethod: string): string {
  const verb = `apigateway:${httpMethod}`;
  const mapped = serviceReference('apigateway').operations?.[operation]?.map((a) => a.action).filter((a) => a.startsWith('apigateway:')) ?? [];
  return mapped.length === 0 || mapped.includes(verb) ? verb : mapped[0]!;
}

export function managementAuthorizer(ctx: ManagementContext, access: AccessControl): (call: RestCall) => Promise<ManagementTarget> {
  const arnOf = (path: string): string => `arn:aws:apigateway:${ctx.region}::${path}`;
  return async ({ operation, input, request, labels }) => {
    const name = operation.name;
    const checked = access.checkedCaller(request) !== undefined;
    // The call's own action first: a caller who may not make the call learns nothing from its body.
    const path = resourcePath(operation.http.requestUri, labels);
    if (checked) access.require(request, [{ action: ownAction(name, operation.http.method), resource: arnOf(path) }], 'rest-json');
    const imported = name === 'ImportRestApi' || name === 'PutRestApi'
      ? await importDefinition(ctx, input as unknown as ImportInput, name === 'PutRestApi' ? String(input['restApiId']) : undefined)
      : undefined;
    const target: ManagementTarget = imported ? { imported } : {};
    if (!checked) return target;

    const permissions: Permission[] = [];
    const restApiArn = (id: string): string => arnOf(`/restapis/${encodeURIComponent(id)}`);
    const patches = input['patchOperations'] as PatchOperation[] | undefined;

    if (name === 'PutIntegration' && typeof input['credentials'] === 'string') permissions.push(...passRole([input['credentials']]));
    if (name === 'UpdateIntegration') permissions.push(...passRole(patchedCredentials(patches)));
    if (name === 'CreateAuthorizer' && typeof input['authorizerCredentials'] === 'string') permissions.push(...passRole([input['authorizerCredentials']]));
    if (name === 'UpdateAuthorizer') permissions.push(...passRole(patchedCredentials(patches, '/authorizerCredentials')));
    if (name === 'UpdateAccount') permissions.push(...passRole(patchedCredentials(patches, '/cloudwatchRoleArn')));
    if (imported) {
      permissions.push(...passRole(credentialsOf(imported.api)));
      if (imported.api.policy !== undefined) permissions.push({ action: 'apigateway:UpdateRestApiPolicy', resource: restApiArn(imported.api.id) });
    }
    if (name === 'CreateRestApi') {
      if (input['policy'] !== undefined) permissions.push({ action: 'apigateway:UpdateRestApiPolicy', resource: arnOf('/restapis') });
      const source = input['cloneFrom'];
      if (typeof source === 'string') {
        permissions.push({ action: 'apigateway:GET', resource: restApiArn(source) });
        const api = await ctx.apis.find(source);
        if (api) permissions.push(...passRole(credentialsOf(api)));
      }
    }
    if (name === 'UpdateRestApi' && setsPolicy(patches)) permissions.push({ action: 'apigateway:UpdateRestApiPolicy', resource: restApiArn(String(input['restApiId'])) });
    access.require(request, permissions, 'rest-json');
    return target;
  };
}
