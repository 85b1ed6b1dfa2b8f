/**
 * Who makes a request. A caller is the account root, an IAM user, or a role
 * session; AWS services (API Gateway assuming an execution role) appear only
 * as the caller of sts:AssumeRole, so they are a separate type.
 */
import { iamArn } from './arn.js';

export type AccountPrincipal =
  | { readonly kind: 'root'; readonly account: string }
  | {
      readonly kind: 'user';
      readonly account: string;
      readonly userName: string;
      readonly userId: string;
      readonly arn: string;
    }
  | {
      readonly kind: 'assumed-role';
      readonly account: string;
      readonly roleName: string;
      readonly roleId: string;
      readonly roleArn: string;
      readonly sessionName: string;
    };

export interface ServicePrincipal {
  readonly kind: 'service';
  /** e.g. apigateway.amazonaws.com */
  readonly service: string;
}

export type Principal = AccountPrincipal | ServicePrincipal;

/** The ARN AWS shows for a caller (GetCallerIdentity, denial messages). */
export function principalArn(p: AccountPrincipal): string {
  switch (p.kind) {
    case 'root':
      return iamArn.root(p.account);
    case 'user':
      return p.arn;
    case 'assumed-role':
      return iamArn.assumedRole(p.account, p.roleName, p.sessionName);
  }
}

/** aws:userid: the account id for root, AIDA... for users, AROA...:session for role sessions. */
export function principalUserId(p: AccountPrincipal): string {
  switch (p.kind) {
    case 'root':
      return p.account;
    case 'user':
      return p.userId;
    case 'assumed-role':
      return `${p.roleId}:${p.sessionName}`;
  }
}

/** aws:PrincipalArn: for a role session, the role's ARN rather than the session's. */
export function principalPolicyArn(p: AccountPrincipal): string {
  return p.kind === 'assumed-role' ? p.roleArn : principalArn(p);
}

export const principalType = (p: AccountPrincipal): string =>
  p.kind === 'root' ? 'Account' : p.kind === 'user' ? 'User' : 'AssumedRole';
