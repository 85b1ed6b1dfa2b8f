/** Table-driven tests of IAM's evaluation logic: effects, actions, resources, variables, trust policies. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makeContext, type ContextValues } from './context.js';
import { evaluateIdentityPolicies, evaluateTrustPolicy, type Decision, type TrustDecision } from './evaluate.js';
import { parsePolicy } from './policy.js';
import type { Principal } from './principal.js';

const doc = (...statements: object[]): string => JSON.stringify({ Version: '2012-10-17', Statement: statements });
const allow = (Action: unknown, Resource: unknown = '*', extra: object = {}): object => ({ Effect: 'Allow', Action, Resource, ...extra });
const deny = (Action: unknown, Resource: unknown = '*', extra: object = {}): object => ({ Effect: 'Deny', Action, Resource, ...extra });

const STREAM = 'arn:aws:kinesis:us-east-1:000000000000:stream/myStream';

interface Row {
  readonly name: string;
  readonly policies: readonly string[];
  readonly action: string;
  readonly resource?: string;
  readonly context?: ContextValues;
  readonly expect: Decision;
}

const rows: Row[] = [
  // Effects
  { name: 'no policies: implicit deny', policies: [], action: 'kinesis:PutRecord', expect: 'implicit-deny' },
  { name: 'matching Allow', policies: [doc(allow('kinesis:PutRecord'))], action: 'kinesis:PutRecord', expect: 'allow' },
  { name: 'Allow for another action: implicit deny', policies: [doc(allow('kinesis:GetRecords'))], action: 'kinesis:PutRecord', expect: 'implicit-deny' },
  { name: 'explicit Deny beats Allow in the same policy', policies: [doc(allow('kinesis:*'), deny('kinesis:PutRecord'))], action: 'kinesis:PutRecord', expect: 'explicit-deny' },
  { name: 'explicit Deny beats Allow across policies', policies: [doc(allow('*')), doc(deny('kinesis:Put*', STREAM))], action: 'kinesis:PutRecord', resource: STREAM, expect: 'explicit-deny' },
  { name: 'Deny alone is an explicit deny', policies: [doc(deny('kinesis:PutRecord'))], action: 'kinesis:PutRecord', expect: 'explicit-deny' },
  { name: 'Deny not matching leaves the Allow', policies: [doc(allow('kinesis:*'), deny('kinesis:DeleteStream'))], action: 'kinesis:PutRecord', expect: 'allow' },
  // Actions
  { name: 'service wildcard', policies: [doc(allow('kinesis:*'))], action: 'kinesis:DescribeStream', expect: 'allow' },
  { name: 'prefix wildcard (read-only policy)', policies: [doc(allow(['kinesis:Get*', 'kinesis:List*', 'kinesis:Describe*']))], action: 'kinesis:ListStreams', expect: 'allow' },
  { name: 'prefix wildcard does not cover PutRecord', policies: [doc(allow(['kinesis:Get*', 'kinesis:List*', 'kinesis:Describe*']))], action: 'kinesis:PutRecord', expect: 'implicit-deny' },
  { name: 'action names are case-insensitive', policies: [doc(allow('KINESIS:putrecord'))], action: 'kinesis:PutRecord', expect: 'allow' },
  { name: '? matches one character', policies: [doc(allow('kinesis:PutRecord?'))], action: 'kinesis:PutRecords', expect: 'allow' },
  { name: '? needs exactly one character', policies: [doc(allow('kinesis:PutRecord?'))], action: 'kinesis:PutRecord', expect: 'implicit-deny' },
  { name: 'Action "*"', policies: [doc(allow('*'))], action: 'iam:CreateUser', expect: 'allow' },
  { name: 'other service', policies: [doc(allow('kinesis:*'))], action: 'iam:CreateUser', expect: 'implicit-deny' },
  { name: 'NotAction allows everything else', policies: [doc({ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' })], action: 'kinesis:PutRecord', expect: 'allow' },
  { name: 'NotAction excludes what it names', policies: [doc({ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' })], action: 'iam:CreateUser', expect: 'implicit-deny' },
  { name: 'Deny with NotAction', policies: [doc(allow('*'), { Effect: 'Deny', NotAction: 'kinesis:Get*', Resource: '*' })], action: 'kinesis:PutRecord', expect: 'explicit-deny' },
  // Resources
  { name: 'exact stream ARN', policies: [doc(allow('kinesis:PutRecord', STREAM))], action: 'kinesis:PutRecord', resource: STREAM, expect: 'allow' },
  { name: 'other stream', policies: [doc(allow('kinesis:PutRecord', STREAM))], action: 'kinesis:PutRecord', resource: `${STREAM}2`, expect: 'implicit-deny' },
  { name: 'stream wildcard', policies: [doc(allow('kinesis:PutRecord', 'arn:aws:kinesis:*:*:stream/my*'))], action: 'kinesis:PutRecord', resource: STREAM, expect: 'allow' },
  { name: 'resource ARNs are case-sensitive', policies: [doc(allow('kinesis:PutRecord', STREAM.replace('myStream', 'MYSTREAM')))], action: 'kinesis:PutRecord', resource: STREAM, expect: 'implicit-deny' },
  { name: 'wildcards within ARN parts', policies: [doc(allow('kinesis:PutRecord', 'arn:aws:kinesis:us-*:*:stream/myStream'))], action: 'kinesis:PutRecord', resource: STREAM, expect: 'allow' },
  { name: 'a wildcard in one part does not match another part', policies: [doc(allow('kinesis:PutRecord', 'arn:aws:kinesis:*:123456789012:stream/myStream'))], action: 'kinesis:PutRecord', resource: STREAM, expect: 'implicit-deny' },
  { name: 'wildcard in the resource part spans slashes', policies: [doc(allow('kinesis:*', 'arn:aws:kinesis:us-east-1:000000000000:*'))], action: 'kinesis:DescribeStreamConsumer', resource: `${STREAM}/consumer/c:1`, expect: 'allow' },
  { name: 'NotResource', policies: [doc({ Effect: 'Allow', Action: 'kinesis:*', NotResource: STREAM })], action: 'kinesis:PutRecord', resource: `${STREAM}2`, expect: 'allow' },
  { name: 'NotResource excludes what it names', policies: [doc({ Effect: 'Allow', Action: 'kinesis:*', NotResource: STREAM })], action: 'kinesis:PutRecord', resource: STREAM, expect: 'implicit-deny' },
  { name: 'resource-scoped statement does not cover a "*" request', policies: [doc(allow('kinesis:ListStreams', 'arn:aws:kinesis:*:*:stream/*'))], action: 'kinesis:ListStreams', resource: '*', expect: 'implicit-deny' },
  // Policy variables
  {
    name: '${aws:username} in Resource',
    policies: [doc(allow('iam:*AccessKey*', 'arn:aws:iam::000000000000:user/${aws:username}'))],
    action: 'iam:CreateAccessKey',
    resource: 'arn:aws:iam::000000000000:user/alice',
    context: { 'aws:username': 'alice' },
    expect: 'allow',
  },
  {
    name: '${aws:username} for another user',
    policies: [doc(allow('iam:*AccessKey*', 'arn:aws:iam::000000000000:user/${aws:username}'))],
    action: 'iam:CreateAccessKey',
    resource: 'arn:aws:iam::000000000000:user/bob',
    context: { 'aws:username': 'alice' },
    expect: 'implicit-deny',
  },
  {
    name: 'a variable without a value does not match',
    policies: [doc(allow('kinesis:*', 'arn:aws:kinesis:us-east-1:000000000000:stream/${aws:username}-*'))],
    action: 'kinesis:PutRecord',
    resource: 'arn:aws:kinesis:us-east-1:000000000000:stream/-x',
    expect: 'implicit-deny',
  },
  {
    name: 'a variable default applies',
    policies: [doc(allow('kinesis:*', "arn:aws:kinesis:us-east-1:000000000000:stream/${aws:username, 'shared'}"))],
    action: 'kinesis:PutRecord',
    resource: 'arn:aws:kinesis:us-east-1:000000000000:stream/shared',
    expect: 'allow',
  },
  {
    name: '${*} is a literal asterisk, not a wildcard',
    policies: [doc(allow('kinesis:*', 'arn:aws:kinesis:us-east-1:000000000000:stream/a${*}'))],
    action: 'kinesis:PutRecord',
    resource: 'arn:aws:kinesis:us-east-1:000000000000:stream/abc',
    expect: 'implicit-deny',
  },
  {
    name: 'variables are literal text in 2008-10-17 documents',
    policies: [JSON.stringify({ Version: '2008-10-17', Statement: [allow('iam:*', 'arn:aws:iam::000000000000:user/${aws:username}')] })],
    action: 'iam:GetUser',
    resource: 'arn:aws:iam::000000000000:user/alice',
    context: { 'aws:username': 'alice' },
    expect: 'implicit-deny',
  },
  // Conditions decide whether a statement applies
  {
    name: 'Allow with a failing condition does not apply',
    policies: [doc(allow('kinesis:*', '*', { Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } }))],
    action: 'kinesis:PutRecord',
    context: { 'aws:SourceIp': '192.168.1.1' },
    expect: 'implicit-deny',
  },
  {
    name: 'Deny unless over TLS',
    policies: [doc(allow('kinesis:*'), deny('*', '*', { Condition: { Bool: { 'aws:SecureTransport': 'false' } } }))],
    action: 'kinesis:PutRecord',
    context: { 'aws:SecureTransport': 'false' },
    expect: 'explicit-deny',
  },
  {
    name: 'Deny with a condition that does not hold leaves the Allow',
    policies: [doc(allow('kinesis:*'), deny('*', '*', { Condition: { Bool: { 'aws:SecureTransport': 'false' } } }))],
    action: 'kinesis:PutRecord',
    context: { 'aws:SecureTransport': 'true' },
    expect: 'allow',
  },
];

describe('identity policy evaluation', () => {
  for (const r of rows) {
    it(r.name, () => {
      const policies = r.policies.map((p) => parsePolicy(p, 'identity'));
      const got = evaluateIdentityPolicies(policies, { action: r.action, resource: r.resource ?? STREAM, context: makeContext(r.context ?? {}) });
      assert.equal(got, r.expect);
    });
  }
});

// ---------------------------------------------------------------- trust policies

const trust = (...statements: object[]): string => JSON.stringify({ Version: '2012-10-17', Statement: statements });
const ACCOUNT = '000000000000';
const apigw: Principal = { kind: 'service', service: 'apigateway.amazonaws.com' };
const lambda: Principal = { kind: 'service', service: 'lambda.amazonaws.com' };
const alice: Principal = { kind: 'user', account: ACCOUNT, userName: 'alice', userId: 'AIDAALICE', arn: `arn:aws:iam::${ACCOUNT}:user/alice` };
const session: Principal = { kind: 'assumed-role', account: ACCOUNT, roleName: 'r', roleId: 'AROAR', roleArn: `arn:aws:iam::${ACCOUNT}:role/r`, sessionName: 's' };
const stranger: Principal = { kind: 'user', account: '111111111111', userName: 'eve', userId: 'AIDAEVE', arn: 'arn:aws:iam::111111111111:user/eve' };

const trustRows: Array<{ name: string; policy: string; caller: Principal; expect: TrustDecision }> = [
  { name: 'the tutorial trust policy admits API Gateway', policy: trust({ Sid: '', Effect: 'Allow', Principal: { Service: 'apigateway.amazonaws.com' }, Action: 'sts:AssumeRole' }), caller: apigw, expect: 'allow' },
  { name: 'a role for Lambda refuses API Gateway', policy: trust({ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }), caller: apigw, expect: 'implicit-deny' },
  { name: 'a list of services', policy: trust({ Effect: 'Allow', Principal: { Service: ['lambda.amazonaws.com', 'apigateway.amazonaws.com'] }, Action: 'sts:AssumeRole' }), caller: apigw, expect: 'allow' },
  { name: 'a service is not an AWS principal', policy: trust({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'sts:AssumeRole' }), caller: lambda, expect: 'implicit-deny' },
  { name: 'naming the user', policy: trust({ Effect: 'Allow', Principal: { AWS: alice.kind === 'user' ? alice.arn : '' }, Action: 'sts:AssumeRole' }), caller: alice, expect: 'allow' },
  { name: 'naming the account delegates to it', policy: trust({ Effect: 'Allow', Principal: { AWS: ACCOUNT }, Action: 'sts:AssumeRole' }), caller: alice, expect: 'allow-account' },
  { name: 'naming the account root delegates to it', policy: trust({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'sts:AssumeRole' }), caller: alice, expect: 'allow-account' },
  { name: 'another account is not trusted', policy: trust({ Effect: 'Allow', Principal: { AWS: ACCOUNT }, Action: 'sts:AssumeRole' }), caller: stranger, expect: 'implicit-deny' },
  { name: 'a role ARN admits its sessions (role chaining)', policy: trust({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/r` }, Action: 'sts:AssumeRole' }), caller: session, expect: 'allow' },
  { name: 'Principal "*"', policy: trust({ Effect: 'Allow', Principal: '*', Action: 'sts:AssumeRole' }), caller: stranger, expect: 'allow' },
  { name: 'explicit Deny wins', policy: trust({ Effect: 'Allow', Principal: '*', Action: 'sts:AssumeRole' }, { Effect: 'Deny', Principal: { AWS: stranger.kind === 'user' ? stranger.arn : '' }, Action: 'sts:*' }), caller: stranger, expect: 'explicit-deny' },
  { name: 'NotPrincipal', policy: trust({ Effect: 'Allow', NotPrincipal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }), caller: apigw, expect: 'allow' },
  { name: 'another action', policy: trust({ Effect: 'Allow', Principal: { Service: 'apigateway.amazonaws.com' }, Action: 'sts:AssumeRoleWithWebIdentity' }), caller: apigw, expect: 'implicit-deny' },
];

describe('trust policy evaluation', () => {
  for (const r of trustRows) {
    it(r.name, () => {
      assert.equal(evaluateTrustPolicy(parsePolicy(r.policy, 'trust'), r.caller, 'sts:AssumeRole', makeContext({})), r.expect);
    });
  }
});
