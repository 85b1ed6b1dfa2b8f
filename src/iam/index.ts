/**
 * IAM, STS and SigV4 for Sluice. `startIam` builds everything the server
 * wires: the IAM and STS services, the dispatcher guard, and the functions
 * API Gateway calls for execution roles and AWS_IAM methods.
 */
import type { SluiceRequest } from '../server/types.js';
import type { DocumentStore } from '../store/documents.js';
import type { Service } from '../server/types.js';
import { createStsService, stsAuthHook } from '../sts/service.js';
import type { AuthzResult, Identity } from './authorizer.js';
import type { RootCredentials } from './credentials.js';
import { createAccessControl, type AccessControl } from './access.js';
import { createGuard, type AuthHook, type Guard } from './guard.js';
import { Iam, type AuthMode, type ExecutionRoleMode, type ExecutionRoleResult } from './iam.js';
import { authorizeInvoke, type InvokeAuthorization } from './invoke.js';
import { createIamService, iamAuthHook } from './service.js';
import type { LogFn } from '../server/logger.js';

export { Iam, API_GATEWAY_TRUST_POLICY, CALLER_CREDENTIALS_ARN, type ExecutionRoleResult } from './iam.js';
export type { Identity, AuthzResult } from './authorizer.js';
export type { RootCredentials } from './credentials.js';
export type { AuthHook, Guard } from './guard.js';
export { allowAll, requestTagKeys, resourceTagKeys, type AccessControl, type Permission } from './access.js';
export { bindIdentity, identityOf } from './request-identity.js';
export { methodArn, type InvokeAuthorization, type InvokeRefusalType } from './invoke.js';
export { checkListenPolicy, defaultAuthFor, isLoopback } from './listen-policy.js';
export { principalArn } from './principal.js';

/** The KinesisProxy example's execution role, created at startup so the bundled API works out of the box. */
export const EXAMPLE_ROLE_NAME = 'apigAwsProxyRole';

export interface IamConfig {
  readonly accountId: string;
  readonly region: string;
  readonly auth: AuthMode;
  readonly iam: ExecutionRoleMode;
  readonly rootAccessKeyId?: string | undefined;
  readonly rootSecretAccessKey?: string | undefined;
}

export interface IamDeps {
  readonly log?: LogFn;
  /** Clock override for tests. */
  readonly now?: () => number;
}

export interface IamRuntime {
  readonly iam: Iam;
  /** The IAM and STS services, to register with the dispatcher. */
  readonly services: readonly Service[];
  /** The dispatcher's authentication step. */
  readonly guard: Guard;
  /** Authorization, for services to require the permissions a call needs on the resource it acts on. */
  readonly access: AccessControl;
  /** Root credentials; `source === 'generated'` means they were just created and should be printed once. */
  readonly rootCredentials: RootCredentials;
  /** Adds (or replaces) the hook of a service, e.g. API Gateway's management API when it lands. */
  addHook(serviceName: string, hook: AuthHook): void;
  /**
   * API Gateway AWS integrations: assume `roleArn` (the integration's
   * `credentials`) as apigateway.amazonaws.com, or pass `caller` through for
   * arn:aws:iam::*:user/*. On success, bind the identity to the in-process
   * request (`bindIdentity`) so the target service authorizes it as the role.
   * On failure AWS answers the client 500 {"message": "Internal server error"}
   * and writes `logMessage` to the execution log.
   */
  assumeExecutionRole(roleArn: string, caller?: Identity): ExecutionRoleResult;
  /** AWS_IAM methods: verify the caller's signature (scope execute-api) and execute-api:Invoke on `methodArn`. */
  authorizeInvoke(req: SluiceRequest, methodArn: string): InvokeAuthorization;
  /** Any other check: may `identity` do `action` on `resource`? */
  authorize(identity: Identity, action: string, resource: string, req?: SluiceRequest): AuthzResult;
  /** Creates an execution role API Gateway can assume, unless it exists. */
  ensureExecutionRole(roleArn: string, managedPolicyArns?: readonly string[], trustedService?: string): Promise<boolean>;
}

export async function startIam(config: IamConfig, documents: DocumentStore, deps: IamDeps = {}): Promise<IamRuntime> {
  const log = deps.log ?? (() => {});
  const onInternalError = (e: unknown): void => log(`iam: error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`, 'error');
  const rootCredentials =
    config.rootAccessKeyId && config.rootSecretAccessKey
      ? { accessKeyId: config.rootAccessKeyId, secretAccessKey: config.rootSecretAccessKey }
      : undefined;
  const iam = await Iam.create(documents, {
    accountId: config.accountId,
    region: config.region,
    auth: config.auth,
    executionRoles: config.iam,
    rootCredentials,
    log,
    ...(deps.now ? { now: deps.now } : {}),
  });

  const exampleRole = `arn:aws:iam::${config.accountId}:role/${EXAMPLE_ROLE_NAME}`;
  if (await iam.ensureExecutionRole(exampleRole, ['arn:aws:iam::aws:policy/AmazonKinesisFullAccess'])) {
    log(`iam: created ${exampleRole} (trusts apigateway.amazonaws.com, AmazonKinesisFullAccess attached)`);
  }

  const access = createAccessControl(iam);
  const hooks: Record<string, AuthHook> = {
    iam: iamAuthHook(),
    sts: stsAuthHook(),
  };

  return {
    iam,
    services: [createIamService(iam, access, onInternalError), createStsService(iam, access, onInternalError)],
    guard: createGuard(iam, hooks),
    access,
    rootCredentials: iam.rootCredentials,
    addHook: (name, hook) => {
      hooks[name] = hook;
    },
    assumeExecutionRole: (roleArn, caller) => iam.assumeExecutionRole(roleArn, caller),
    authorizeInvoke: (req, arn) => authorizeInvoke(iam, req, arn),
    authorize: (identity, action, resource, req) => iam.authorize(identity, action, resource, iam.contextFor(identity, req)),
    ensureExecutionRole: (roleArn, policies, service) => iam.ensureExecutionRole(roleArn, policies, service),
  };
}
