import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makeContext } from './context.js';
import { evaluateResourcePolicy } from './evaluate.js';
import { parsePolicy } from './policy.js';
import type { Principal } from './principal.js';

const user = { kind: 'user', account: '111111111111', userName: 'ann', userId: 'AIDA', arn: 'arn:aws:iam::111111111111:user/ann' } as unknown as Principal;
const req = (action: string) => ({ action, resource: 'arn:aws:kinesis:us-east-1:111111111111:stream/s', context: makeContext({}) });
const doc = (stmt: object) => parsePolicy(JSON.stringify({ Version: '2012-10-17', Statement: [stmt] }), 'resource');

describe('resource-based policies', () => {
  const cases: Array<[string, object, string, string]> = [
    ['names the caller: allows', { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111111111111:user/ann' }, Action: 'kinesis:Get*', Resource: '*' }, 'kinesis:GetRecords', 'allow'],
    ['names the caller, other action: no say', { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111111111111:user/ann' }, Action: 'kinesis:Get*', Resource: '*' }, 'kinesis:PutRecord', 'implicit-deny'],
    ['names only the account: leaves it to identity policies', { Effect: 'Allow', Principal: { AWS: '111111111111' }, Action: '*', Resource: '*' }, 'kinesis:PutRecord', 'implicit-deny'],
    ['"*" principal allows anyone', { Effect: 'Allow', Principal: '*', Action: 'kinesis:*', Resource: '*' }, 'kinesis:PutRecord', 'allow'],
    ['deny naming the caller', { Effect: 'Deny', Principal: { AWS: 'arn:aws:iam::111111111111:user/ann' }, Action: 'kinesis:*', Resource: '*' }, 'kinesis:PutRecord', 'explicit-deny'],
    ['deny to the whole account applies to its users', { Effect: 'Deny', Principal: { AWS: 'arn:aws:iam::111111111111:root' }, Action: 'kinesis:*', Resource: '*' }, 'kinesis:PutRecord', 'explicit-deny'],
    ['NotPrincipal excludes the caller', { Effect: 'Deny', NotPrincipal: { AWS: 'arn:aws:iam::111111111111:user/ann' }, Action: 'kinesis:*', Resource: '*' }, 'kinesis:PutRecord', 'implicit-deny'],
    ['resource must match', { Effect: 'Allow', Principal: '*', Action: 'kinesis:*', Resource: 'arn:aws:kinesis:us-east-1:111111111111:stream/other' }, 'kinesis:PutRecord', 'implicit-deny'],
  ];
  for (const [name, stmt, action, expected] of cases) {
    it(name, () => assert.equal(evaluateResourcePolicy(doc(stmt), user, req(action)), expected));
  }

  it('must name a principal and resources', () => {
    assert.throws(() => doc({ Effect: 'Allow', Action: 'kinesis:*', Resource: '*' }), /Missing required field Principal/);
    assert.throws(() => doc({ Effect: 'Allow', Principal: '*', Action: 'kinesis:*' }), /must contain resources/);
  });
});
