/** Table-driven tests of the Condition operators, IfExists, ForAllValues/ForAnyValue and Null. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { conditionsHold } from './conditions.js';
import { makeContext, type ContextValues } from './context.js';
import { parsePolicy } from './policy.js';

/** The condition block of a one-statement policy, evaluated against `context`. */
function holds(condition: object, context: ContextValues, version = '2012-10-17'): boolean {
  const p = parsePolicy(JSON.stringify({ Version: version, Statement: { Effect: 'Allow', Action: '*', Resource: '*', Condition: condition } }), 'identity');
  return conditionsHold(p.statements[0]!.conditions, makeContext(context), version === '2012-10-17');
}

const rows: Array<[name: string, condition: object, context: ContextValues, expected: boolean]> = [
  // String
  ['StringEquals match', { StringEquals: { 'aws:username': 'alice' } }, { 'aws:username': 'alice' }, true],
  ['StringEquals is case-sensitive', { StringEquals: { 'aws:username': 'Alice' } }, { 'aws:username': 'alice' }, false],
  ['StringEquals: any listed value (OR)', { StringEquals: { 'aws:username': ['bob', 'alice'] } }, { 'aws:username': 'alice' }, true],
  ['StringEquals: missing key is false', { StringEquals: { 'aws:username': 'alice' } }, {}, false],
  ['condition key names are case-insensitive', { StringEquals: { 'AWS:UserName': 'alice' } }, { 'aws:username': 'alice' }, true],
  ['StringNotEquals: none of the values (NOR)', { StringNotEquals: { 'aws:username': ['bob', 'carol'] } }, { 'aws:username': 'alice' }, true],
  ['StringNotEquals: one value matches', { StringNotEquals: { 'aws:username': ['bob', 'alice'] } }, { 'aws:username': 'alice' }, false],
  ['StringNotEquals: missing key is true', { StringNotEquals: { 'aws:username': 'alice' } }, {}, true],
  ['StringEqualsIgnoreCase', { StringEqualsIgnoreCase: { 'aws:username': 'ALICE' } }, { 'aws:username': 'alice' }, true],
  ['StringNotEqualsIgnoreCase', { StringNotEqualsIgnoreCase: { 'aws:username': 'ALICE' } }, { 'aws:username': 'alice' }, false],
  ['StringLike *', { StringLike: { 'aws:username': 'al*' } }, { 'aws:username': 'alice' }, true],
  ['StringLike ?', { StringLike: { 'aws:username': 'al?ce' } }, { 'aws:username': 'alice' }, true],
  ['StringLike whole-string', { StringLike: { 'aws:username': 'lic' } }, { 'aws:username': 'alice' }, false],
  ['StringNotLike', { StringNotLike: { 'aws:username': 'b*' } }, { 'aws:username': 'alice' }, true],
  ['StringEquals with a policy variable', { StringEquals: { 'aws:PrincipalArn': 'arn:aws:iam::000000000000:user/${aws:username}' } }, { 'aws:username': 'alice', 'aws:PrincipalArn': 'arn:aws:iam::000000000000:user/alice' }, true],
  // Numeric
  ['NumericEquals', { NumericEquals: { 'kinesis:ShardCount': '2' } }, { 'kinesis:ShardCount': '2' }, true],
  ['NumericEquals compares numbers, not text', { NumericEquals: { 'kinesis:ShardCount': '2.0' } }, { 'kinesis:ShardCount': '2' }, true],
  ['NumericNotEquals', { NumericNotEquals: { 'kinesis:ShardCount': 2 } }, { 'kinesis:ShardCount': '3' }, true],
  ['NumericLessThan', { NumericLessThan: { 'kinesis:ShardCount': '4' } }, { 'kinesis:ShardCount': '3' }, true],
  ['NumericLessThan boundary', { NumericLessThan: { 'kinesis:ShardCount': '3' } }, { 'kinesis:ShardCount': '3' }, false],
  ['NumericLessThanEquals', { NumericLessThanEquals: { 'kinesis:ShardCount': '3' } }, { 'kinesis:ShardCount': '3' }, true],
  ['NumericGreaterThan', { NumericGreaterThan: { 'kinesis:ShardCount': '3' } }, { 'kinesis:ShardCount': '4' }, true],
  ['NumericGreaterThanEquals', { NumericGreaterThanEquals: { 'kinesis:ShardCount': '5' } }, { 'kinesis:ShardCount': '4' }, false],
  ['Numeric: a non-number never matches', { NumericEquals: { 'kinesis:ShardCount': 'two' } }, { 'kinesis:ShardCount': '2' }, false],
  // Date
  ['DateLessThan (ISO 8601)', { DateLessThan: { 'aws:CurrentTime': '2030-01-01T00:00:00Z' } }, { 'aws:CurrentTime': '2025-06-01T12:00:00Z' }, true],
  ['DateGreaterThan', { DateGreaterThan: { 'aws:CurrentTime': '2030-01-01T00:00:00Z' } }, { 'aws:CurrentTime': '2025-06-01T12:00:00Z' }, false],
  ['DateEquals across formats (epoch seconds)', { DateEquals: { 'aws:EpochTime': '2025-06-01T12:00:00Z' } }, { 'aws:EpochTime': String(Date.parse('2025-06-01T12:00:00Z') / 1000) }, true],
  ['DateNotEquals', { DateNotEquals: { 'aws:CurrentTime': '2025-06-01T12:00:00Z' } }, { 'aws:CurrentTime': '2025-06-01T12:00:01Z' }, true],
  ['DateLessThanEquals', { DateLessThanEquals: { 'aws:CurrentTime': '2025-06-01T12:00:00Z' } }, { 'aws:CurrentTime': '2025-06-01T12:00:00Z' }, true],
  ['DateGreaterThanEquals', { DateGreaterThanEquals: { 'aws:CurrentTime': '2025-06-01' } }, { 'aws:CurrentTime': '2025-06-01T12:00:00Z' }, true],
  // Bool
  ['Bool true', { Bool: { 'aws:SecureTransport': 'true' } }, { 'aws:SecureTransport': 'true' }, true],
  ['Bool as a JSON boolean', { Bool: { 'aws:SecureTransport': false } }, { 'aws:SecureTransport': 'false' }, true],
  ['Bool mismatch', { Bool: { 'aws:SecureTransport': 'true' } }, { 'aws:SecureTransport': 'false' }, false],
  // IP
  ['IpAddress in CIDR', { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } }, { 'aws:SourceIp': '203.0.113.7' }, true],
  ['IpAddress outside CIDR', { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } }, { 'aws:SourceIp': '198.51.100.7' }, false],
  ['IpAddress single address', { IpAddress: { 'aws:SourceIp': '127.0.0.1' } }, { 'aws:SourceIp': '127.0.0.1' }, true],
  ['IpAddress IPv4-mapped IPv6 caller', { IpAddress: { 'aws:SourceIp': '127.0.0.0/8' } }, { 'aws:SourceIp': '::ffff:127.0.0.1' }, true],
  ['IpAddress IPv6', { IpAddress: { 'aws:SourceIp': '2001:db8::/32' } }, { 'aws:SourceIp': '2001:db8::1' }, true],
  ['NotIpAddress', { NotIpAddress: { 'aws:SourceIp': ['10.0.0.0/8', '192.168.0.0/16'] } }, { 'aws:SourceIp': '203.0.113.7' }, true],
  ['NotIpAddress inside', { NotIpAddress: { 'aws:SourceIp': '10.0.0.0/8' } }, { 'aws:SourceIp': '10.1.2.3' }, false],
  // ARN
  ['ArnEquals', { ArnEquals: { 'aws:PrincipalArn': 'arn:aws:iam::000000000000:role/r' } }, { 'aws:PrincipalArn': 'arn:aws:iam::000000000000:role/r' }, true],
  ['ArnLike with wildcards per part', { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/*' } }, { 'aws:PrincipalArn': 'arn:aws:iam::000000000000:role/r' }, true],
  ['ArnLike: a wildcard does not cross parts', { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam:*:role/r' } }, { 'aws:PrincipalArn': 'arn:aws:iam::000000000000:role/r' }, false],
  ['ArnNotLike', { ArnNotLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:user/*' } }, { 'aws:PrincipalArn': 'arn:aws:iam::000000000000:role/r' }, true],
  ['ArnNotEquals', { ArnNotEquals: { 'aws:PrincipalArn': 'arn:aws:iam::000000000000:role/r' } }, { 'aws:PrincipalArn': 'arn:aws:iam::000000000000:role/r' }, false],
  // IfExists
  ['...IfExists: missing key is true', { StringEqualsIfExists: { 'aws:username': 'alice' } }, {}, true],
  ['...IfExists: present key is checked', { StringEqualsIfExists: { 'aws:username': 'alice' } }, { 'aws:username': 'bob' }, false],
  ['NumericLessThanIfExists present', { NumericLessThanIfExists: { 'kinesis:ShardCount': '3' } }, { 'kinesis:ShardCount': '2' }, true],
  // Null
  ['Null true: key absent', { Null: { 'aws:TokenIssueTime': 'true' } }, {}, true],
  ['Null true: key present', { Null: { 'aws:TokenIssueTime': 'true' } }, { 'aws:TokenIssueTime': '2025-01-01T00:00:00Z' }, false],
  ['Null false: key present', { Null: { 'aws:TokenIssueTime': 'false' } }, { 'aws:TokenIssueTime': '2025-01-01T00:00:00Z' }, true],
  // Set operators
  ['ForAllValues: every request value is listed', { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['env', 'team'] } }, { 'aws:TagKeys': ['env', 'team'] }, true],
  ['ForAllValues: one value is not', { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['env'] } }, { 'aws:TagKeys': ['env', 'team'] }, false],
  ['ForAllValues: missing key is true', { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['env'] } }, {}, true],
  ['ForAllValues:StringLike', { 'ForAllValues:StringLike': { 'aws:TagKeys': 'Created*' } }, { 'aws:TagKeys': ['CreatedBy', 'CreatedAt'] }, true],
  ['ForAllValues:StringNotLike', { 'ForAllValues:StringNotLike': { 'aws:TagKeys': 'key1*' } }, { 'aws:TagKeys': ['key2:audit'] }, true],
  ['ForAnyValue: one value is listed', { 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['team'] } }, { 'aws:TagKeys': ['env', 'team'] }, true],
  ['ForAnyValue: none is', { 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['owner'] } }, { 'aws:TagKeys': ['env', 'team'] }, false],
  ['ForAnyValue: missing key is false', { 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['env'] } }, {}, false],
  // Combination
  ['keys within an operator are ANDed', { StringEquals: { 'aws:username': 'alice', 'aws:PrincipalType': 'User' } }, { 'aws:username': 'alice', 'aws:PrincipalType': 'AssumedRole' }, false],
  ['operators are ANDed', { StringEquals: { 'aws:username': 'alice' }, Bool: { 'aws:SecureTransport': 'true' } }, { 'aws:username': 'alice', 'aws:SecureTransport': 'true' }, true],
];

describe('condition operators', () => {
  for (const [name, condition, context, expected] of rows) {
    it(name, () => assert.equal(holds(condition, context), expected));
  }
});
