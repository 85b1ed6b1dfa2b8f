import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { arnMatch, globMatch, parseArn } from './arn.js';

describe('ARNs and wildcards', () => {
  it('parses the six parts, keeping colons in the resource', () => {
    assert.deepEqual(parseArn('arn:aws:kinesis:us-east-1:000000000000:stream/s/consumer/c:1'), {
      partition: 'aws', service: 'kinesis', region: 'us-east-1', account: '000000000000', resource: 'stream/s/consumer/c:1',
    });
    assert.equal(parseArn('arn:aws:iam::000000000000'), undefined);
    assert.equal(parseArn('urn:aws:iam::0:root'), undefined);
  });

  const globs: Array<[string, string, boolean, boolean]> = [
    ['*', 'anything', false, true],
    ['kinesis:Get*', 'kinesis:GetRecords', false, true],
    ['kinesis:Get*', 'kinesis:getrecords', true, true],
    ['kinesis:Get*', 'kinesis:getrecords', false, false],
    ['a?c', 'abc', false, true],
    ['a?c', 'ac', false, false],
    ['a.c', 'abc', false, false],
    ['(x)+', '(x)+', false, true],
  ];
  for (const [pattern, value, ci, expected] of globs) {
    it(`glob ${pattern} ~ ${value}${ci ? ' (case-insensitive)' : ''}`, () => assert.equal(globMatch(pattern, value, ci), expected));
  }

  const arns: Array<[string, string, boolean]> = [
    ['arn:aws:kinesis:*:*:stream/*', 'arn:aws:kinesis:us-east-1:000000000000:stream/s', true],
    ['arn:aws:kinesis:us-*:*:*', 'arn:aws:kinesis:us-east-1:000000000000:stream/s', true],
    ['arn:aws:kinesis:*', 'arn:aws:kinesis:us-east-1:000000000000:stream/s', false],
    ['arn:aws:execute-api:*:*:*', 'arn:aws:execute-api:us-east-1:000000000000:abc/test/GET/streams', true],
    ['arn:aws:apigateway:*::/*', 'arn:aws:apigateway:us-east-1::/restapis/abc', true],
    ['arn:aws:iam::*:user/*', 'arn:aws:iam::000000000000:user/path/alice', true],
  ];
  for (const [pattern, value, expected] of arns) {
    it(`ARN ${pattern} ~ ${value}`, () => assert.equal(arnMatch(pattern, value), expected));
  }
});
