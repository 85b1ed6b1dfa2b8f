/**
 * IAM for one Sluice account: entities, credentials, SigV4 authentication,
 * policy authorization, role assumption (by callers through STS, and by API
 * Gateway for execution roles). Services reach it through the dispatcher's
 * guard (guard.ts); the gateway through the functions in index.ts.
 */
import { randomBytes } from 'node:crypto';
import { AwsError } from '../protocol/errors.js';
import type { SluiceRequest } from '../server/types.js';
import { isRevisionConflict, type DocumentStore } from '../store/documents.js';
import { SessionTokenCodec } from '../sts/session-token.js';
import { parseArn } from './arn.js';
import { failure, type AuthFailure } from './auth-errors.js';
import { Authorizer, denialMessage, requestContext, type AuthzResult, type Identity } from './authorizer.js';
import type { ContextValues, RequestContext } from './context.js';
import { CredentialResolver, loadRootCredentials, type RootCredentials } from './credentials.js';
import { evaluateTrustPolicy } from './evaluate.js';
import { newId } from './ids.js';
import { awsManagedPolicy } from './managed-policies.js';
import { cachedPolicy } from './policy.js';
import { principalArn, principalUserId, type Principal } from './principal.js';
import { parseAuth, verifySignature, verifyTime } from './sigv4/verify.js';
import { IamStore, type RoleEntity } from './store.js';
import type { LogFn } from '../server/logger.js';

export type AuthMode = 'off' | 'sigv4';
export type ExecutionRoleMode = 'enforce' | 'off';

export interface IamOptions {
  readonly accountId: string;
  readonly region: string;
  /** sigv4: every request is authenticated and authorized. */
  readonly auth: AuthMode;
  /** enforce: API Gateway must be able to assume an integration's role, and is held to its policies. */
  readonly executionRoles: ExecutionRoleMode;
  /** Root credentials from configuration; generated and stored when absent. */
  readonly rootCredentials?: { readonly accessKeyId: string; readonly secretAccessKey: string } | undefined;
  /** The clock (tests pin it). */
  readonly now?: () => number;
  /** Where problems with stored IAM state are reported. */
  readonly log?: LogFn;
}

export type Authentication = { readonly ok: true; readonly identity: Identity } | { readonly ok: false; readonly failure: AuthFailure };

export interface TemporaryCredentials {
  readonly AccessKeyId: string;
  readonly SecretAccessKey: string;
  readonly SessionToken: string;
  readonly Expiration: Date;
}

export type AssumeRoleResult =
  | { readonly ok: true; readonly credentials: TemporaryCredentials; readonly assumedRoleId: string; readonly arn: string; readonly identity: Identity }
  | { readonly ok: false; readonly error: AwsError };

/** The principal API Gateway acts as when it assumes an execution role. */
export const API_GATEWAY_PRINCIPAL: Principal = { kind: 'service', service: 'apigateway.amazonaws.com' };
/** The session name API Gateway uses for execution roles (as it shows in CloudTrail). */
export const API_GATEWAY_SESSION = 'BackplaneAssumeRoleSession';
/** Integration credentials that mean "call with the caller's own identity". */
export const CALLER_CREDENTIALS_ARN = 'arn:aws:iam::*:user/*';

export const API_GATEWAY_TRUST_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Sid: '', Effect: 'Allow', Principal: { Service: 'apigateway.amazonaws.com' }, Action: 'sts:AssumeRole' }],
}, null, 2);

export type ExecutionRoleResult =
  | { readonly ok: true; readonly identity: Identity }
  | {
      readonly ok: false;
      readonly reason: 'missing-role' | 'not-trusted' | 'no-caller';
      /** The line AWS writes to the execution log. */
      readonly logMessage: string;
      /** What to do about it, for Sluice's own log. */
      readonly hint: string;
    };

export class Iam {
  readonly authorizer: Authorizer;
  readonly credentials: CredentialResolver;

  private constructor(
    readonly store: IamStore,
    readonly rootCredentials: RootCredentials,
    sessions: SessionTokenCodec,
    readonly options: IamOptions,
  ) {
    this.authorizer = new Authorizer(store);
    this.credentials = new CredentialResolver(store, sessions, rootCredentials, options.accountId);
  }

  static async create(documents: DocumentStore, options: IamOptions): Promise<Iam> {
    const store = await IamStore.load(documents, options.log);
    // Created once, by whichever process sharing the store asks first; the others use the same key.
    const key = (await store.getSecret<string>('session-token-key')) ?? (await store.createSecret('session-token-key', randomBytes(32).toString('base64')));
    const root = await loadRootCredentials(store, options.rootCredentials);
    return new Iam(store, root, new SessionTokenCodec(Buffer.from(key, 'base64')), options);
  }

  get accountId(): string {
    return this.options.accountId;
  }

  now(): number {
    return this.options.now ? this.options.now() : Date.now();
  }

  // ------------------------------------------------------------ authentication

  /** Verifies a SigV4-signed (or presigned) request; `service`, when given, is the scope it must be signed for. */
  authenticate(req: Pick<SluiceRequest, 'method' | 'path' | 'rawQuery' | 'headers' | 'body'>, service?: string): Authentication {
    const parsed = parseAuth(req);
    if (!parsed.ok) return parsed;
    const { auth } = parsed;
    const now = this.now();
    const resolved = this.credentials.resolve(auth.accessKeyId, auth.sessionToken, now);
    if (!resolved.ok) return resolved;
    const late = verifyTime(auth, now);
    if (late) return { ok: false, failure: late };
    if (service !== undefined && auth.scope.service !== service) {
      return { ok: false, failure: failure('SignatureDoesNotMatch', `Credential should be scoped to correct service: '${service}'. `) };
    }
    const bad = verifySignature(req, auth, resolved.secret);
    if (bad) return { ok: false, failure: bad };
    return { ok: true, identity: resolved.identity };
  }

  /**
   * Who a request says it is, without checking the signature (auth off): the
   * owner of the access key it names, else the account root. This is what
   * GetCallerIdentity reports and whom AssumeRole's trust policy judges.
   */
  identify(req: Pick<SluiceRequest, 'method' | 'path' | 'rawQuery' | 'headers' | 'body'>): Identity {
    const parsed = parseAuth(req);
    if (parsed.ok) {
      const r = this.credentials.resolve(parsed.auth.accessKeyId, parsed.auth.sessionToken, this.now());
      if (r.ok) return r.identity;
    }
    return { principal: { kind: 'root', account: this.accountId } };
  }

  // ------------------------------------------------------------ authorization

  /** The request context for a caller and an incoming request. */
  contextFor(identity: Identity, req?: Pick<SluiceRequest, 'remoteAddress' | 'scheme'>, extra: ContextValues = {}): RequestContext {
    return requestContext(
      identity,
      { sourceIp: req?.remoteAddress, secureTransport: req ? req.scheme === 'https' : undefined, region: this.options.region, now: this.now() },
      extra,
    );
  }

  /** Whether `identity` may perform `action` on `resource`; a denial carries AWS's message. */
  authorize(identity: Identity, action: string, resource: string, context?: RequestContext, resourcePolicy?: string): AuthzResult {
    return this.authorizer.authorize(identity, action, resource, context ?? this.contextFor(identity), resourcePolicy);
  }

  // ------------------------------------------------------------ roles

  /** The role an ARN names in this account, if it exists. */
  roleByArn(roleArn: string): RoleEntity | undefined {
    const arn = parseArn(roleArn);
    if (!arn || arn.service !== 'iam' || arn.account !== this.accountId || !arn.resource.startsWith('role/')) return undefined;
    const name = arn.resource.slice(arn.resource.lastIndexOf('/') + 1);
    const role = this.store.role(name);
    return role && role.arn === roleArn ? role : undefined;
  }

  /**
   * sts:AssumeRole for `caller`. The role's trust policy must name the caller
   * (or a service it is); naming only the caller's account delegates to the
   * account, and then the caller's own policies must allow sts:AssumeRole.
   */
  assumeRole(caller: Principal, roleArn: string, sessionName: string, durationSeconds: number | undefined, context?: RequestContext): AssumeRoleResult {
    const callerName = caller.kind === 'service' ? caller.service : principalArn(caller);
    const denied = (message: string): AssumeRoleResult => ({ ok: false, error: new AwsError('AccessDenied', message, 403) });
    const plainDenial = `User: ${callerName} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`;
    const role = this.roleByArn(roleArn);
    // A role that does not exist looks exactly like one that does not trust the caller.
    if (!role) return denied(plainDenial);
    const callerIdentity: Identity | undefined = caller.kind === 'service' ? undefined : { principal: caller };
    const ctx = context ?? (callerIdentity ? this.contextFor(callerIdentity) : requestContext({ principal: { kind: 'root', account: this.accountId } }, { now: this.now() }));
    const trust = evaluateTrustPolicy(cachedPolicy(role.assumeRolePolicyDocument, 'trust'), caller, 'sts:AssumeRole', ctx);
    if (trust === 'explicit-deny' || trust === 'implicit-deny') return denied(plainDenial);
    if (trust === 'allow-account') {
      if (!callerIdentity) return denied(plainDenial);
      const decision = this.authorizer.decide(callerIdentity, 'sts:AssumeRole', roleArn, ctx);
      if (decision !== 'allow') return denied(denialMessage(callerName, 'sts:AssumeRole', roleArn, decision));
    }
    const chained = caller.kind === 'assumed-role';
    const seconds = durationSeconds ?? 3600;
    if (chained && seconds > 3600) {
      return { ok: false, error: new AwsError('ValidationError', 'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.', 400) };
    }
    if (seconds > role.maxSessionDuration) {
      return { ok: false, error: new AwsError('ValidationError', 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.', 400) };
    }
    const now = this.now();
    const issued = this.credentials.issue({ kind: 'assumed-role', roleName: role.roleName, roleId: role.roleId, sessionName }, seconds, now);
    const principal = { kind: 'assumed-role', account: this.accountId, roleName: role.roleName, roleId: role.roleId, roleArn: role.arn, sessionName } as const;
    return {
      ok: true,
      credentials: { AccessKeyId: issued.accessKeyId, SecretAccessKey: issued.secretAccessKey, SessionToken: issued.sessionToken, Expiration: new Date(issued.expiresAt) },
      assumedRoleId: principalUserId(principal),
      arn: principalArn(principal),
      identity: { principal, accessKeyId: issued.accessKeyId, session: { issuedAt: now, expiresAt: issued.expiresAt } },
    };
  }

  /**
   * What API Gateway does before calling an AWS integration with `credentials`:
   * assume the execution role (its trust policy must let apigateway.amazonaws.com
   * call sts:AssumeRole), or with `arn:aws:iam::*:user/*` act as the caller.
   * With --iam off every role is taken as given, with full access.
   */
  assumeExecutionRole(roleArn: string, caller?: Identity): ExecutionRoleResult {
    if (roleArn === CALLER_CREDENTIALS_ARN) {
      if (caller) return { ok: true, identity: caller };
      return {
        ok: false,
        reason: 'no-caller',
        logMessage: 'Execution failed due to configuration error: Invalid permissions on the caller credentials',
        hint: `Integration credentials ${CALLER_CREDENTIALS_ARN} pass the caller's identity through; the method must use AWS_IAM authorization.`,
      };
    }
    if (this.options.executionRoles === 'off') return { ok: true, identity: { principal: { kind: 'root', account: this.accountId } } };
    const logMessage = `Execution failed due to configuration error: API Gateway does not have permission to assume the provided role ${roleArn}`;
    const role = this.roleByArn(roleArn);
    if (!role) {
      const arn = parseArn(roleArn);
      const name = arn?.resource.startsWith('role/') ? arn.resource.slice(arn.resource.lastIndexOf('/') + 1) : 'ROLE_NAME';
      const where = arn && arn.account !== this.accountId
        ? `Role ${roleArn} belongs to account ${arn.account}, not Sluice's account ${this.accountId}; start Sluice with --account-id ${arn.account}, or`
        : `Role ${roleArn} does not exist in Sluice.`;
      return {
        ok: false,
        reason: 'missing-role',
        logMessage,
        hint:
          `${where} Create it: aws iam create-role --role-name ${name} --assume-role-policy-document ` +
          `'{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"apigateway.amazonaws.com"},"Action":"sts:AssumeRole"}]}' ` +
          `&& aws iam attach-role-policy --role-name ${name} --policy-arn arn:aws:iam::aws:policy/AmazonKinesisFullAccess ` +
          `(add --endpoint-url for Sluice), or start Sluice with --iam off to serve integrations without execution roles.`,
      };
    }
    const r = this.assumeRole(API_GATEWAY_PRINCIPAL, roleArn, API_GATEWAY_SESSION, undefined);
    if (!r.ok) {
      return {
        ok: false,
        reason: 'not-trusted',
        logMessage,
        hint: `The trust policy of ${roleArn} does not allow apigateway.amazonaws.com to call sts:AssumeRole; update it with aws iam update-assume-role-policy.`,
      };
    }
    return { ok: true, identity: r.identity };
  }

  /**
   * Creates a role API Gateway can assume, with managed policies attached,
   * unless a role of that name exists (it is then left as the user made it).
   * Only roles of this account can be created.
   */
  async ensureExecutionRole(roleArn: string, managedPolicyArns: readonly string[] = [], trustedService = 'apigateway.amazonaws.com'): Promise<boolean> {
    const arn = parseArn(roleArn);
    if (!arn || arn.service !== 'iam' || arn.account !== this.accountId || !arn.resource.startsWith('role/')) return false;
    const rest = arn.resource.slice('role'.length);
    const slash = rest.lastIndexOf('/');
    const path = rest.slice(0, slash + 1);
    const roleName = rest.slice(slash + 1);
    if (this.store.role(roleName)) return false;
    const trust = trustedService === 'apigateway.amazonaws.com'
      ? API_GATEWAY_TRUST_POLICY
      : JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: trustedService }, Action: 'sts:AssumeRole' }] }, null, 2);
    const made = this.store.putRole({
      roleName,
      roleId: newId('AROA'),
      path,
      arn: roleArn,
      createDate: this.now(),
      assumeRolePolicyDocument: trust,
      description: 'Created by Sluice for API Gateway integrations',
      maxSessionDuration: 3600,
      tags: [],
      inlinePolicies: {},
      attachedPolicies: managedPolicyArns.filter((p) => awsManagedPolicy(p) !== undefined || this.store.policies.has(p)),
    });
    try {
      await made;
    } catch (e) {
      // Another process sharing the store made it at the same moment: theirs stands (and is now in memory).
      if (isRevisionConflict(e)) return false;
      throw e;
    }
    return true;
  }
}
