/**
 * Authorizers of a REST API (CreateAuthorizer, GetAuthorizer(s),
 * UpdateAuthorizer, DeleteAuthorizer): Lambda TOKEN/REQUEST authorizers and
 * Cognito user pool authorizers, kept on the API (so deployments freeze them
 * with the rest of it), exported and imported with OpenAPI. Sluice cannot
 * run either kind; a method that uses one answers as AWS does when an
 * authorizer fails to run (authorizer-runtime.ts).
 *
 * AWS's answers (LocalStack's recordings of AWS, tests/aws/services/apigateway/
 * test_apigateway_api.snapshot.json and test_apigateway_import.snapshot.json):
 * CreateAuthorizer on an unknown API is 409 ConflictException "Unable to
 * complete operation due to concurrent modification. Please try again later.";
 * GetAuthorizers there is the usual NotFoundException; a stored authorizer
 * reports authorizerResultTtlInSeconds 300 unless given.
 */
import { ApiGatewayError, CONCURRENT_MODIFICATION, badRequest, notFound } from '../errors.js';
import { newId } from '../ids.js';
import type { Authorizer, AuthorizerType } from '../model.js';
import type { ApiAddress } from './addressing.js';
import type { ManagementContext } from './context.js';
import { applyPatch, type PatchOperation, type PatchSpec } from './patch.js';
import { page } from './views.js';

type AuthorizerAddress = ApiAddress & { authorizerId: string };

interface CreateAuthorizerInput extends ApiAddress {
  name: string;
  type: AuthorizerType;
  providerARNs?: string[];
  authType?: string;
  authorizerUri?: string;
  authorizerCredentials?: string;
  identitySource?: string;
  identityValidationExpression?: string;
  authorizerResultTtlInSeconds?: number;
}

/** AWS's default result cache time, reported when none was given. */
export const DEFAULT_AUTHORIZER_TTL = 300;

export function authorizerView(a: Authorizer): Record<string, unknown> {
  return {
    id: a.id,
    name: a.name,
    type: a.type,
    providerARNs: a.providerARNs?.length ? [...a.providerARNs] : undefined,
    authType: a.authType,
    authorizerUri: a.authorizerUri,
    authorizerCredentials: a.authorizerCredentials,
    identitySource: a.identitySource,
    identityValidationExpression: a.identityValidationExpression,
    authorizerResultTtlInSeconds: a.authorizerResultTtlInSeconds,
  };
}

export function requireAuthorizer<A>(authorizers: Record<string, A> | undefined, id: string): A {
  const a = authorizers && Object.hasOwn(authorizers, id) ? authorizers[id] : undefined;
  // The wording of the NotFoundException family ("Invalid <thing> identifier specified"), as moto has it for authorizers.
  if (!a) throw notFound('Invalid Authorizer identifier specified');
  return a;
}

/**
 * What every authorizer needs, checked on create and after a patch. The
 * constraints are AWS's (API reference: Cognito authorizers name user pools
 * in providerARNs, Lambda ones an authorizerUri; results are cached 0 to
 * 3600 s); the wording of these refusals is not recorded anywhere we found.
 */
export function checkAuthorizer(a: Authorizer): void {
  if (!a.name || a.name.trim() === '') throw badRequest('Invalid authorizer name specified');
  if (a.type === 'COGNITO_USER_POOLS') {
    if (!a.providerARNs?.length) throw badRequest('ProviderARNs need to be specified for Authorizer of type COGNITO_USER_POOLS');
  } else if (!a.authorizerUri) {
    throw badRequest(`Authorizer URI must be specified for Authorizer of type ${a.type}`);
  }
  const ttl = a.authorizerResultTtlInSeconds;
  if (ttl !== undefined && (!Number.isInteger(ttl) || ttl < 0 || ttl > 3600)) {
    throw badRequest('Invalid authorizer TTL specified. The TTL must be between 0 and 3600 seconds.');
  }
}

export async function createAuthorizer(ctx: ManagementContext, input: CreateAuthorizerInput): Promise<Record<string, unknown>> {
  if (!(await ctx.apis.find(input.restApiId))) {
    throw new ApiGatewayError('ConflictException', CONCURRENT_MODIFICATION);
  }
  const authorizer: Authorizer = {
    id: newId(6),
    name: input.name,
    type: input.type,
    ...(input.providerARNs?.length ? { providerARNs: input.providerARNs } : {}),
    ...(input.authType !== undefined ? { authType: input.authType } : {}),
    ...(input.authorizerUri !== undefined ? { authorizerUri: input.authorizerUri } : {}),
    ...(input.authorizerCredentials !== undefined ? { authorizerCredentials: input.authorizerCredentials } : {}),
    ...(input.identitySource !== undefined ? { identitySource: input.identitySource } : {}),
    ...(input.identityValidationExpression !== undefined ? { identityValidationExpression: input.identityValidationExpression } : {}),
    authorizerResultTtlInSeconds: input.authorizerResultTtlInSeconds ?? DEFAULT_AUTHORIZER_TTL,
  };
  checkAuthorizer(authorizer);
  return ctx.apis.edit(input.restApiId, (api) => {
    api.authorizers ??= {};
    api.authorizers[authorizer.id] = structuredClone(authorizer) as typeof api.authorizers[string];
    return authorizerView(authorizer);
  });
}

export async function getAuthorizer(ctx: ManagementContext, input: AuthorizerAddress): Promise<Record<string, unknown>> {
  const api = await ctx.apis.require(input.restApiId);
  return authorizerView(requireAuthorizer(api.authorizers, input.authorizerId));
}

export async function getAuthorizers(ctx: ManagementContext, input: ApiAddress & { position?: string; limit?: number }): Promise<Record<string, unknown>> {
  const api = await ctx.apis.require(input.restApiId);
  const { items, position } = page(Object.values(api.authorizers ?? {}), input.position, input.limit);
  return { items: items.map(authorizerView), position };
}

const AUTHORIZER_PATCH: PatchSpec = {
  name: { kind: 'string' },
  type: { kind: 'string', values: ['TOKEN', 'REQUEST', 'COGNITO_USER_POOLS'] },
  authType: { kind: 'string', ops: ['add', 'replace', 'remove'] },
  authorizerUri: { kind: 'string', ops: ['add', 'replace', 'remove'] },
  authorizerCredentials: { kind: 'string', ops: ['add', 'replace', 'remove'] },
  identitySource: { kind: 'string', ops: ['add', 'replace', 'remove'] },
  identityValidationExpression: { kind: 'string', ops: ['add', 'replace', 'remove'] },
  authorizerResultTtlInSeconds: { kind: 'integer', min: 0, max: 3600 },
  providerARNs: { kind: 'set' },
};

export async function updateAuthorizer(ctx: ManagementContext, input: AuthorizerAddress & { patchOperations?: PatchOperation[] }): Promise<Record<string, unknown>> {
  return ctx.apis.edit(input.restApiId, (api) => {
    const authorizer = requireAuthorizer(api.authorizers, input.authorizerId);
    // `/providerARNs/<arn>`: the ARN is the rest of the path, slashes and all.
    applyPatch(authorizer as unknown as Record<string, unknown>, AUTHORIZER_PATCH, input.patchOperations?.map(providerArnAsKey));
    checkAuthorizer(authorizer as Authorizer);
    return authorizerView(authorizer as Authorizer);
  });
}

function providerArnAsKey(op: PatchOperation): PatchOperation {
  if (op.path !== '/providerARNs' || op.value === undefined || op.value === null) return op;
  return { ...op, path: `/providerARNs/${op.value.replaceAll('~', '~0').replaceAll('/', '~1')}` };
}

export async function deleteAuthorizer(ctx: ManagementContext, input: AuthorizerAddress): Promise<void> {
  await ctx.apis.edit(input.restApiId, (api) => {
    requireAuthorizer(api.authorizers, input.authorizerId);
    for (const resource of Object.values(api.resources)) {
      for (const method of Object.values(resource.resourceMethods)) {
        if (method?.authorizerId === input.authorizerId) {
          // AWS's words, quoted in hashicorp/terraform#6731 and #25980: "... is referenced in method: GET//test".
          throw new ApiGatewayError('ConflictException', `Cannot delete authorizer '${api.authorizers![input.authorizerId]!.name}', is referenced in method: ${method.httpMethod}/${resource.path}`);
        }
      }
    }
    delete api.authorizers![input.authorizerId];
  });
}
