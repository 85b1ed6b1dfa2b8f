/** Policy documents IAM refuses are refused with MalformedPolicyDocument and its wording. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AwsError } from '../protocol/errors.js';
import { parsePolicy, type PolicyKind } from './policy.js';

const stmt = (s: object): string => JSON.stringify({ Version: '2012-10-17', Statement: [s] });

const malformed: Array<[name: string, kind: PolicyKind, text: string, message: string]> = [
  ['not JSON', 'identity', '{"Version": ', 'Syntax errors in policy.'],
  ['not an object', 'identity', '[]', 'Syntax errors in policy.'],
  ['no Statement', 'identity', '{"Version":"2012-10-17"}', 'Syntax errors in policy.'],
  ['unknown top-level field', 'identity', '{"Version":"2012-10-17","Statements":[]}', 'Syntax errors in policy.'],
  ['unknown Version', 'identity', JSON.stringify({ Version: '2020-01-01', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }), 'The policy failed legacy parsing'],
  ['bad Effect', 'identity', stmt({ Effect: 'Permit', Action: '*', Resource: '*' }), 'Syntax errors in policy.'],
  ['no Action', 'identity', stmt({ Effect: 'Allow', Resource: '*' }), 'Policy statement must contain actions.'],
  ['no Resource', 'identity', stmt({ Effect: 'Allow', Action: 'kinesis:*' }), 'Policy statement must contain resources.'],
  ['action without vendor', 'identity', stmt({ Effect: 'Allow', Action: 'PutRecord', Resource: '*' }), 'Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.'],
  ['action with two colons', 'identity', stmt({ Effect: 'Allow', Action: 'kinesis:Put:Record', Resource: '*' }), 'Actions/Condition can contain only one colon.'],
  ['resource not an ARN', 'identity', stmt({ Effect: 'Allow', Action: 'kinesis:*', Resource: 'myStream' }), 'Resource myStream must be in ARN format or "*".'],
  ['Principal in an identity policy', 'identity', stmt({ Effect: 'Allow', Principal: '*', Action: 'kinesis:*', Resource: '*' }), 'Policy document should not specify a principal.'],
  ['Action and NotAction', 'identity', stmt({ Effect: 'Allow', Action: '*', NotAction: 'iam:*', Resource: '*' }), 'Syntax errors in policy.'],
  ['duplicate Sid', 'identity', JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'a', Effect: 'Allow', Action: '*', Resource: '*' }, { Sid: 'a', Effect: 'Deny', Action: '*', Resource: '*' }] }), 'Statement IDs (SID) in a single policy must be unique.'],
  ['unknown condition operator', 'identity', stmt({ Effect: 'Allow', Action: '*', Resource: '*', Condition: { StringEqualz: { 'aws:username': 'a' } } }), 'Invalid Condition type : StringEqualz'],
  ['condition key without vendor', 'identity', stmt({ Effect: 'Allow', Action: '*', Resource: '*', Condition: { StringEquals: { username: 'a' } } }), 'Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.'],
  ['trust policy without Principal', 'trust', stmt({ Effect: 'Allow', Action: 'sts:AssumeRole' }), 'Missing required field Principal'],
  ['trust policy with Resource', 'trust', stmt({ Effect: 'Allow', Principal: { Service: 'apigateway.amazonaws.com' }, Action: 'sts:AssumeRole', Resource: '*' }), 'Has prohibited field Resource'],
  ['trust policy with a non-STS action', 'trust', stmt({ Effect: 'Allow', Principal: { Service: 'apigateway.amazonaws.com' }, Action: 'kinesis:*' }), 'AssumeRole policy may only specify STS AssumeRole actions.'],
  ['trust policy with a malformed AWS principal', 'trust', stmt({ Effect: 'Allow', Principal: { AWS: 'alice' }, Action: 'sts:AssumeRole' }), 'Invalid principal in policy: "AWS":"alice"'],
];

describe('policy validation', () => {
  for (const [name, kind, text, message] of malformed) {
    it(`refuses: ${name}`, () => {
      assert.throws(
        () => parsePolicy(text, kind),
        (e: unknown) => e instanceof AwsError && e.code === 'MalformedPolicyDocument' && e.status === 400 && e.message === message,
      );
    });
  }

  it('accepts the tutorial documents', () => {
    const ro = parsePolicy(JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['kinesis:Get*', 'kinesis:List*', 'kinesis:Describe*'], Resource: '*' }] }), 'identity');
    assert.deepEqual(ro.statements[0]!.actions, { negated: false, patterns: ['kinesis:Get*', 'kinesis:List*', 'kinesis:Describe*'] });
    const t = parsePolicy(JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: '', Effect: 'Allow', Principal: { Service: 'apigateway.amazonaws.com' }, Action: 'sts:AssumeRole' }] }), 'trust');
    assert.equal(t.statements[0]!.principals.spec.any, false);
  });

  it('accepts a single statement object, no Version (2008-10-17), and JSON values in conditions', () => {
    const p = parsePolicy(JSON.stringify({ Statement: { Effect: 'Deny', Action: '*', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': false }, NumericLessThan: { 'kinesis:ShardCount': 4 } } } }), 'identity');
    assert.equal(p.version, '2008-10-17');
    assert.deepEqual(p.statements[0]!.conditions.map((c) => c.values), [['false'], ['4']]);
  });

  it('accepts IfExists and set qualifiers', () => {
    const p = parsePolicy(stmt({ Effect: 'Allow', Action: '*', Resource: '*', Condition: { 'ForAnyValue:StringLikeIfExists': { 'aws:TagKeys': 'a*' } } }), 'identity');
    const c = p.statements[0]!.conditions[0]!;
    assert.deepEqual([c.operator, c.qualifier, c.ifExists], ['StringLike', 'ForAnyValue', true]);
  });
});
